/**
 * <div style={{backgroundColor: "#ED2224", display: "flex", justifyContent: "space-between", color: "#fff", padding: 16}}>
 * <span>Sign in with <b>Trakt</b> on <b>next-auth v4</b>, on Trakt's OAuth as it is since July 2026.</span>
 * </div>
 *
 * The entry `authjs-trakt/next-auth-v4`: the same Trakt contract as the main
 * entry (endpoints, JSON token bodies, headers, errors, profile), in next-auth
 * v4's provider shape. Nothing here loads `@auth/core` or `next-auth` at run
 * time: v4 apps have no `@auth/core`.
 *
 * @module authjs-trakt/next-auth-v4
 */
import type {} from "next-auth"
import type {} from "next-auth/jwt"
import type { OAuthConfig, OAuthUserConfig } from "next-auth/providers/oauth"
import { resolveEndpoints } from "./endpoints.js"
import { missingClientId, TraktError } from "./errors.js"
import { assertChecks, parseAccountId, type TraktOptions } from "./options.js"
import { loadProfile, userOf, type TraktUser } from "./profile.js"
import { createTransport } from "./request.js"
import { leaveSignIn } from "./sign-in.js"
import type { TraktJwtFields } from "./refresh.js"
import { requestTokens } from "./tokens.js"

/** What {@link TraktProvider} takes: next-auth v4's provider options, and Trakt's. */
export type TraktProviderOptions<P extends TraktUser = TraktUser> = Omit<OAuthUserConfig<P>, "clientId" | "clientSecret"> &
  TraktOptions & {
    /** Your Trakt app's client id. next-auth v4 reads no environment for it: pass it. */
    clientId?: string
    /** Your Trakt app's secret; leave it out for a PKCE-only app. */
    clientSecret?: string
  }

const callbackRefused = (why: string) => new TraktError("INVALID_CALLBACK", `${why}: a forged or replayed callback gets no session`)

/**
 * Stands in for a missing client id in the authorize URL. openid-client
 * (next-auth v4) builds that URL by turning each parameter into a string, so
 * the sign-in fails right there with MISSING_CLIENT_ID, before anyone is sent
 * to Trakt with no client id; a placeholder id gets it past openid-client's
 * own check before that. (v4 deep-merges the provider on every request,
 * calling any getter, so the check cannot be a getter as in the main entry.)
 */
const noClientId = { toString: (): string => { throw missingClientId() } }

/**
 * Add "Sign in with Trakt" to next-auth v4 (`pages/api/auth/[...nextauth].ts`).
 *
 * Unlike `next-auth/providers/trakt`, it signs in on `https://auth.trakt.tv`
 * with state and PKCE (S256), sends Trakt's JSON token body with the
 * credentials in it (a custom `token.request`, which also checks the
 * callback's state itself, since v4 skips that check for custom requests),
 * reads the profile from `GET /users/settings`, and fails with a
 * {@link TraktError} carrying a stable `code`.
 *
 * Callback URL: `https://example.com/api/auth/callback/trakt`.
 *
 * @example
 * `pages/api/auth/[...nextauth].ts`:
 * ```ts
 * import NextAuth from "next-auth"
 * import TraktProvider, { traktJwt } from "authjs-trakt/next-auth-v4"
 *
 * export default NextAuth({
 *   providers: [
 *     TraktProvider({
 *       clientId: process.env.AUTH_TRAKT_ID,
 *       clientSecret: process.env.AUTH_TRAKT_SECRET,
 *       accountId: "uuid",
 *     }),
 *   ],
 *   callbacks: { jwt: traktJwt() },
 * })
 * ```
 */
export function TraktProvider<P extends TraktUser = TraktUser>(options: TraktProviderOptions<P> = {}): OAuthConfig<P> {
  const accountId = parseAccountId(options.accountId)
  assertChecks(options.checks)
  const endpoints = resolveEndpoints(options)
  const transport = createTransport(options)
  const missing = !options.clientId

  return {
    id: "trakt",
    name: "Trakt",
    type: "oauth",
    issuer: endpoints.issuer,
    authorization: {
      url: endpoints.authorize,
      // A scope keeps openid-client from asking for `openid`; `public` is the scope Trakt grants.
      params: { scope: "public", ...(missing && { client_id: noClientId as unknown as string }) },
    },
    token: {
      url: endpoints.token,
      async request({ params, checks, provider }) {
        // v4 compares the callback's state with the browser's only in
        // openid-client's oauthCallback, which a custom request skips.
        if (!checks.state || params.state !== checks.state) throw callbackRefused("the callback's state is not this browser's")
        // PKCE stays required, whatever `checks` the app set.
        if (!checks.code_verifier) throw callbackRefused('no PKCE verifier for this callback (keep checks: ["pkce", "state"])')
        // The app's own `issuer` option, merged into `provider`, wins as in the main entry.
        if (params.iss !== undefined && params.iss !== (provider.issuer ?? endpoints.issuer)) {
          throw callbackRefused("the callback's iss is not Trakt's")
        }
        if (typeof params.code !== "string") throw callbackRefused("the callback has no code")
        const grant = { grant_type: "authorization_code", code: params.code, redirect_uri: provider.callbackUrl, code_verifier: checks.code_verifier }
        const tokens = await requestTokens(transport, endpoints.token, grant, provider.clientId, provider.clientSecret)
        leaveSignIn(tokens.access_token, { redirect_uri: provider.callbackUrl, token_endpoint: endpoints.token })
        // Only the fields adapters have columns for: v4 hands every token
        // field to linkAccount, and Prisma's Account model rejects others.
        const { access_token, refresh_token, token_type, scope, expires_at } = tokens
        const account = { access_token, refresh_token, token_type, scope, expires_at }
        return { tokens: Object.fromEntries(Object.entries(account).filter(([, value]) => value !== undefined)) }
      },
    },
    userinfo: {
      url: endpoints.settings,
      // v4 types the profile as OIDC claims (`name?: string`); Trakt's is a TraktUser, as `profile` below expects.
      request: async ({ tokens, provider }) =>
        (await loadProfile(transport, endpoints.settings, provider.clientId, tokens.access_token, accountId)) as never,
    },
    profile: (profile) => userOf(profile, accountId),
    checks: ["pkce", "state"],
    // openid-client needs a string client id to build the sign-in URL at all (see noClientId).
    client: { token_endpoint_auth_method: "none", ...(missing && { client_id: "authjs-trakt:no-client-id" }) },
    style: { logo: "https://authjs.dev/img/providers/trakt.svg", bg: "#ED2224", text: "#fff" },
    options: options as OAuthUserConfig<P>,
  }
}

export default TraktProvider

export * from "./shared-exports.js"

declare module "next-auth/jwt" {
  /** The fields `traktJwt` keeps in next-auth v4's JWT. */
  interface JWT extends TraktJwtFields {}
}

declare module "next-auth" {
  interface Session {
    /** Set when the Trakt access token could not be refreshed: sign the user in again. */
    error?: "RefreshTokenError"
  }
}
