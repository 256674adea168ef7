/**
 * <div style={{backgroundColor: "#ED2224", display: "flex", justifyContent: "space-between", color: "#fff", padding: 16}}>
 * <span>Sign in with <b>Trakt</b>, on Trakt's OAuth as it is since July 2026.</span>
 * </div>
 *
 * @module authjs-trakt
 */
import type { OAuthConfig, OAuthUserConfig } from "@auth/core/providers"
import { answeringCustomFetch, findCustomFetch } from "./custom-fetch.js"
import { resolveEndpoints } from "./endpoints.js"
import { missingClientId, TraktError } from "./errors.js"
import { assertChecks, parseAccountId, type TraktOptions } from "./options.js"
import { loadProfile, userOf, type TraktUser } from "./profile.js"
import { createTransport } from "./request.js"
import { leaveSignIn } from "./sign-in.js"
import { requestTokens } from "./tokens.js"

/** Marks the token responses our fetch made, for `token.conform` to recognise. */
const EXCHANGED = "x-authjs-trakt-exchange"

const bypassed = () =>
  new TraktError(
    "UNSUPPORTED_AUTHJS",
    "Auth.js sent the token request without this provider's fetch, so Trakt got a form body it refuses. " +
      "This package supports @auth/core 0.41.x (next-auth 5.0.0-beta.32, @auth/sveltekit 1.11); for next-auth v4 import authjs-trakt/next-auth-v4",
  )

/**
 * Add "Sign in with Trakt" to Auth.js.
 *
 * OAuth runs on `https://auth.trakt.tv` with state and PKCE (S256), the token
 * exchange sends Trakt's JSON body with the credentials in it (never HTTP Basic),
 * and the profile comes from `GET /users/settings`. Every failure is a
 * {@link TraktError} with a stable `code`.
 *
 * Callback URL: `https://example.com/api/auth/callback/trakt` (next-auth), or
 * `{origin}{basePath}/callback/trakt` in general.
 *
 * @example
 * With @auth/core (or any Auth.js framework package):
 * ```ts
 * import { Auth } from "@auth/core"
 * import Trakt from "authjs-trakt"
 *
 * export const handle = (request: Request) =>
 *   Auth(request, {
 *     secret: process.env.AUTH_SECRET,
 *     trustHost: true,
 *     providers: [
 *       Trakt({
 *         clientId: process.env.AUTH_TRAKT_ID,
 *         clientSecret: process.env.AUTH_TRAKT_SECRET,
 *         accountId: "uuid",
 *       }),
 *     ],
 *   })
 * ```
 */
export function trakt<P extends TraktUser = TraktUser>(
  options: OAuthUserConfig<P> & TraktOptions = {},
): OAuthConfig<P> {
  const accountId = parseAccountId(options.accountId)
  assertChecks(options.checks)
  const endpoints = resolveEndpoints(options)
  const transport = createTransport({ ...options, fetch: findCustomFetch(options) })

  // Auth.js may fill in AUTH_TRAKT_ID / AUTH_TRAKT_SECRET after this factory has
  // returned (setEnvDefaults assigns them to the returned object), so the
  // credentials are looked up when they are used, never captured here.
  const clientId = () => options.clientId ?? provider.clientId
  const clientSecret = () => options.clientSecret ?? provider.clientSecret

  const provider: OAuthConfig<P> = {
    id: "trakt",
    name: "Trakt",
    type: "oauth",
    // Lets a callback carrying RFC 9207's `iss` through (oauth4webapi checks it).
    issuer: endpoints.issuer,
    // A getter, because it is read on every request, after Auth.js has filled in
    // the credentials. Without a client id there is no URL: Auth.js then asks
    // the issuer for its metadata through our fetch, which fails the sign-in
    // with MISSING_CLIENT_ID instead of sending the user to Trakt with
    // client_id=undefined.
    get authorization() {
      // A scope keeps Auth.js from adding `openid profile email`; `public` is
      // the scope Trakt grants.
      return { url: clientId() ? endpoints.authorize : undefined, params: { scope: "public" } }
    },
    token: {
      url: endpoints.token,
      // Auth.js hands this the token response before reading it. One that our
      // fetch below did not make means Auth.js sent Trakt its own form-encoded
      // request, which Trakt refuses with "client_id is required": say why instead.
      conform(response: Response) {
        if (!response.headers.has(EXCHANGED)) throw bypassed()
        return response
      },
    } as OAuthConfig<P>["token"],
    userinfo: {
      url: endpoints.settings,
      request: ({ tokens }: { tokens: { access_token?: string } }) =>
        loadProfile(transport, endpoints.settings, clientId(), tokens.access_token, accountId),
    },
    profile: (profile) => userOf(profile, accountId),
    checks: ["pkce", "state"],
    // oauth4webapi then puts no Authorization header on the token request;
    // our fetch below sends the credentials in Trakt's JSON body instead.
    client: { token_endpoint_auth_method: "none" },
    style: { logo: "https://authjs.dev/img/providers/trakt.svg", brandColor: "#ED2224" },
    // Auth.js routes every request of the flow through this fetch, found on
    // `options` under whichever copy of @auth/core is running (see
    // custom-fetch.ts); the app's own [customFetch] is used underneath it.
    options: answeringCustomFetch(options, async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!clientId()) throw missingClientId()
      const url = input instanceof Request ? input.url : String(input)
      if (url === endpoints.token && init?.body instanceof URLSearchParams) {
        // oauth4webapi sends a form; Trakt's token endpoint takes JSON.
        const params = Object.fromEntries(init.body)
        // Auth.js leaves the verifier out when something took "pkce" off the provider's checks.
        if (!params.code_verifier) throw new TraktError("INVALID_CALLBACK", "no PKCE verifier: Trakt sign-in always uses PKCE")
        const tokens = await requestTokens(transport, url, params, clientId(), clientSecret())
        leaveSignIn(tokens.access_token, { redirect_uri: params.redirect_uri!, token_endpoint: url })
        return Response.json(tokens, { headers: { [EXCHANGED]: "json" } })
      }
      return transport.fetch()(input, init)
    }),
  }
  return provider
}

export default trakt
