/**
 * After sign-in, on the server: the signed-in user's Trakt API client, fed from
 * their Better Auth account, its token never in a response.
 */
import type { AuthContext } from "better-auth"
import { setTokenUtil } from "better-auth/oauth2"
import { createTraktClient, type TraktClient } from "../core/client/client.js"
import { argumentError, type TraktError } from "../core/errors.js"
import type { Recorded, StoredTraktTokens } from "../core/refresh/refresher.js"
import { TRAKT } from "../core/sign-in.js"
import { readToken, type TraktPluginState } from "./plugin.js"

/**
 * What {@link traktClient} needs of `betterAuth()`'s result, described by shape
 * (an app's `auth` is typed by its own options, which no fixed type here matches).
 */
export interface BetterAuthInstance {
  $context: Promise<unknown>
  api: { getSession(input: { headers: Headers }): Promise<{ user: { id: string } } | null> }
}

/**
 * The signed-in user's Trakt API client ({@link TraktClient}), for server code:
 * the session from the request's headers, the tokens from the user's Trakt
 * account. An expired token is refreshed through the plugin's engine (the same
 * as `auth.api.getAccessToken`'s, so the two spend each refresh token once
 * between them) and written back to the account. Nobody signed in, or no Trakt
 * account: every call fails with `UNAUTHORIZED`, sending nothing.
 *
 * @example
 * A Next.js server component (or route handler, or server action):
 * ```ts
 * import { headers } from "next/headers"
 * import { betterAuth } from "better-auth"
 * import { trakt, traktClient } from "authjs-trakt/better-auth"
 *
 * const auth = betterAuth({ plugins: [trakt()] })
 *
 * export async function watchlist() {
 *   const client = await traktClient(auth, { headers: await headers() })
 *   return client.get<{ movie: { title: string } }[]>("/users/me/watchlist/movies")
 * }
 * ```
 */
export async function traktClient(auth: BetterAuthInstance, { headers }: { headers: Headers }): Promise<TraktClient> {
  const context = (await auth.$context) as AuthContext
  const plugin = context.options.plugins?.find((p) => p.id === TRAKT.id) as { $trakt?: TraktPluginState } | undefined
  if (!plugin?.$trakt) throw argumentError("auth", "must be betterAuth({ plugins: [trakt()] })")
  const { options, store, report, early } = plugin.$trakt
  const session = await auth.api.getSession({ headers })
  const account = session && (await context.internalAdapter.findAccounts(session.user.id)).find((a) => a.providerId === TRAKT.id)
  let token: (StoredTraktTokens & Recorded) | null = null
  if (account?.accessToken) {
    try {
      token = {
        access_token: await readToken(account.accessToken, context),
        refresh_token: account.refreshToken ? await readToken(account.refreshToken, context) : undefined,
        // Better Auth's expiry is brought forward for its own refreshes; the client applies clockSkew itself.
        expires_at: account.accessTokenExpiresAt ? Math.floor(new Date(account.accessTokenExpiresAt).getTime() / 1000) + early : undefined,
        redirect_uri: `${context.baseURL}/callback/${TRAKT.id}`,
      }
    } catch (error) {
      report(error as TraktError)
    }
  }
  return createTraktClient({
    ...options,
    store,
    onError: report,
    token,
    async onTokens(fresh) {
      await context.internalAdapter.updateAccount(account!.id, {
        accessToken: await setTokenUtil(fresh.access_token, context),
        ...(fresh.refresh_token && { refreshToken: await setTokenUtil(fresh.refresh_token, context) }),
        accessTokenExpiresAt: fresh.expires_at ? new Date((fresh.expires_at - early) * 1000) : undefined,
      })
    },
  })
}
