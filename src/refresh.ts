/** Keeping Trakt tokens fresh inside Auth.js: the JWT callback and the database recipe. */
import type { Account } from "@auth/core/types"
import type { JWT } from "@auth/core/jwt"
import { isOAuthErrorCode, type TraktError } from "./errors.js"
import { refreshTraktToken, type TraktClientOptions, type TraktTokenSet } from "./tokens.js"

/** The token fields Auth.js stores, in a JWT or in an adapter's account. */
export interface StoredTraktTokens {
  access_token?: string | null
  refresh_token?: string | null
  /** Epoch seconds. */
  expires_at?: number | null
}

/** What the refresh helpers take. */
export interface TraktRefreshOptions extends TraktClientOptions {
  /** The app's registered callback URL, e.g. `https://example.com/api/auth/callback/trakt`. */
  redirectUri: string
  /**
   * Seconds before `expires_at` at which a token counts as expired already, so
   * that a request made just before expiry does not fail at Trakt.
   * @default 60
   */
  clockSkew?: number
}

/** Refreshes still being answered, and for a while after, by the refresh token spent. */
const refreshes = new Map<string, Promise<TraktTokenSet>>()

/**
 * How long a finished refresh is remembered: a request that left the browser
 * before the new cookie arrived still carries the spent refresh token, and must
 * get the new pair instead of `invalid_grant`.
 */
const REMEMBER_MS = 30_000

function refreshOnce(options: TraktRefreshOptions, refreshToken: string): Promise<TraktTokenSet> {
  let refresh = refreshes.get(refreshToken)
  if (!refresh) {
    refresh = refreshTraktToken({ ...options, refreshToken })
    refreshes.set(refreshToken, refresh)
    refresh.then(
      () => setTimeout(() => refreshes.delete(refreshToken), REMEMBER_MS).unref?.(),
      () => refreshes.delete(refreshToken),
    )
  }
  return refresh
}

/**
 * Refreshes a stored Trakt token set if it has expired (or is about to), and
 * returns the new set to store, or `null` while the stored one is still valid.
 * Concurrent calls with the same refresh token share one request to Trakt.
 * For the database session strategy: write the result back to the account.
 * Throws a {@link TraktError} when the refresh fails.
 *
 * @example
 * In the `session` callback, with your adapter's storage:
 * ```ts
 * import { refreshTraktAccount } from "authjs-trakt"
 *
 * declare function findTraktAccount(userId: string): Promise<{ access_token?: string; refresh_token?: string; expires_at?: number }>
 * declare function saveTraktAccount(userId: string, tokens: object): Promise<void>
 *
 * const fresh = await refreshTraktAccount(await findTraktAccount("user-id"), {
 *   clientId: process.env.TRAKT_CLIENT_ID!,
 *   clientSecret: process.env.TRAKT_CLIENT_SECRET,
 *   redirectUri: "https://example.com/api/auth/callback/trakt",
 * })
 * if (fresh) await saveTraktAccount("user-id", fresh)
 * ```
 */
export async function refreshTraktAccount(
  stored: StoredTraktTokens,
  options: TraktRefreshOptions,
): Promise<TraktTokenSet | null> {
  const { expires_at } = stored
  if (expires_at == null || Date.now() / 1000 < expires_at - (options.clockSkew ?? 60)) return null
  return refreshOnce(options, stored.refresh_token ?? "")
}

/** What Auth.js passes the `jwt` callback, as far as this helper needs. */
export interface TraktJwtParams {
  token: JWT
  account?: Account | null
}

/** Options of {@link traktJwt}. */
export interface TraktJwtOptions extends TraktRefreshOptions {
  /** The provider's id, if you gave it another than `"trakt"`. @default "trakt" */
  providerId?: string
  /** Called with the error of a failed refresh (which the session only sees as `error`). */
  onError?: (error: TraktError) => void
}

/**
 * A `jwt` callback that keeps the Trakt access token fresh (JWT sessions).
 *
 * At sign-in it stores `access_token`, `refresh_token` and `expires_at` in the
 * token; while the access token is valid it returns the token untouched; once
 * it has expired it refreshes it (one request to Trakt however many requests
 * arrive at once). If the refresh fails it returns the token with
 * `error: "RefreshTokenError"` instead of throwing: send the user to sign in
 * again. A refresh token Trakt refused is dropped, so it is not tried again.
 *
 * @example
 * Keep the token fresh and tell the client when it could not be:
 * ```ts
 * import { Auth } from "@auth/core"
 * import Trakt, { traktJwt } from "authjs-trakt"
 *
 * const credentials = { clientId: process.env.TRAKT_CLIENT_ID!, clientSecret: process.env.TRAKT_CLIENT_SECRET }
 *
 * export const handle = (request: Request) =>
 *   Auth(request, {
 *     providers: [Trakt(credentials)],
 *     callbacks: {
 *       jwt: traktJwt({ ...credentials, redirectUri: "https://example.com/auth/callback/trakt" }),
 *       session: ({ session, token }) => ({ ...session, error: token.error }),
 *     },
 *   })
 * ```
 */
export function traktJwt(options: TraktJwtOptions): (params: TraktJwtParams) => Promise<JWT> {
  return async ({ token, account }) => {
    if (account) {
      if (account.provider !== (options.providerId ?? "trakt")) return token
      const { access_token, refresh_token, expires_at } = account
      return { ...token, access_token, refresh_token, expires_at, error: undefined }
    }
    try {
      const fresh = await refreshTraktAccount(token, options)
      if (!fresh) return token
      const { access_token, refresh_token = token.refresh_token, expires_at } = fresh
      return { ...token, access_token, refresh_token, expires_at, error: undefined }
    } catch (error) {
      options.onError?.(error as TraktError)
      const refused = isOAuthErrorCode((error as TraktError).code)
      return { ...token, error: "RefreshTokenError", refresh_token: refused ? undefined : token.refresh_token }
    }
  }
}
