/** next-auth v4's provider shape over Trakt's sign-in (core/sign-in.ts). */
import type { OAuthConfig, OAuthUserConfig } from "next-auth/providers/oauth"
import { callbackRefused, createTraktSignIn, TRAKT } from "../core/sign-in.js"
import { missingClientId } from "../core/errors.js"
import type { TraktOptions } from "../core/options.js"
import type { TraktUser } from "../core/profile.js"

/**
 * A parameter of the authorize URL whose value is worked out as the URL is
 * built. openid-client (next-auth v4) turns each parameter into a string
 * inside v4's error handling, so a check that throws there fails the sign-in
 * (MISSING_CLIENT_ID, INVALID_OPTION) before anyone is sent to Trakt; a
 * placeholder client id gets it past openid-client's own check before that.
 */
const checkedParam = (value: () => string): string => ({ toString: value }) as unknown as string

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
export default function TraktProvider<P extends TraktUser = TraktUser>(
  options: Omit<OAuthUserConfig<P>, "clientId" | "clientSecret"> &
    TraktOptions & {
      /** Your Trakt app's client id. next-auth v4 reads no environment for it: pass it. */
      clientId?: string
      /** Your Trakt app's secret; leave it out for a PKCE-only app. */
      clientSecret?: string
    } = {},
): OAuthConfig<P> {
  const trakt = createTraktSignIn(options)
  const missing = !options.clientId
  // v4 deep-merges (and so reads) every field on each request, outside its
  // error handling: the URLs are getters that never throw. A bad `baseUrl`
  // from the environment is checked when the sign-in URL is built (see
  // checkedParam), never while `next build` merely creates the provider.
  const endpoints = trakt.fieldEndpoints
  const clientIdParam = checkedParam(() => {
    trakt.endpoints()
    if (!options.clientId) throw missingClientId()
    return options.clientId
  })
  return {
    id: TRAKT.id,
    name: TRAKT.name,
    type: "oauth",
    get issuer() {
      return endpoints().issuer
    },
    authorization: {
      get url() {
        return endpoints().authorize
      },
      params: { scope: TRAKT.scope, client_id: clientIdParam },
    },
    token: {
      get url() {
        return endpoints().token
      },
      async request({ params, checks, provider }) {
        // v4 compares the callback's state with the browser's only in
        // openid-client's oauthCallback, which a custom request skips.
        if (!checks.state || params.state !== checks.state) throw callbackRefused("the callback's state is not this browser's")
        // The app's own `issuer` option, merged into `provider`, wins as in the main entry.
        if (params.iss !== undefined && params.iss !== (provider.issuer ?? trakt.endpoints().issuer)) {
          throw callbackRefused("the callback's iss is not Trakt's")
        }
        if (typeof params.code !== "string") throw callbackRefused("the callback has no code")
        const grant = { code: params.code, redirect_uri: provider.callbackUrl, code_verifier: checks.code_verifier }
        const tokens = await trakt.exchangeCode(grant, { clientId: provider.clientId, clientSecret: provider.clientSecret })
        // Only the fields adapters have columns for: v4 hands every token
        // field to linkAccount, and Prisma's Account model rejects others.
        const { access_token, refresh_token, token_type, scope, expires_at } = tokens
        const account = { access_token, refresh_token, token_type, scope, expires_at }
        return { tokens: Object.fromEntries(Object.entries(account).filter(([, value]) => value !== undefined)) }
      },
    },
    userinfo: {
      get url() {
        return endpoints().settings
      },
      // v4 types the profile as OIDC claims (`name?: string`); Trakt's is a TraktUser, as `profile` below expects.
      request: async ({ tokens, provider }) => (await trakt.loadProfile(provider.clientId, tokens.access_token)) as never,
    },
    profile: (profile) => trakt.user(profile),
    checks: [...TRAKT.checks],
    // openid-client needs a string client id to build the sign-in URL at all (see checkedParam).
    client: { token_endpoint_auth_method: "none", ...(missing && { client_id: "authjs-trakt:no-client-id" }) },
    style: { logo: TRAKT.logo, bg: TRAKT.brandColor, text: "#fff" },
    options: options as OAuthUserConfig<P>,
  }
}
