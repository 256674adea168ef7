/**
 * <div style={{backgroundColor: "#ED2224", display: "flex", justifyContent: "space-between", color: "#fff", padding: 16}}>
 * <span>Sign in with <b>Trakt</b>, on Trakt's OAuth as it is since July 2026.</span>
 * </div>
 *
 * @module authjs-trakt
 */
import type { OAuthConfig, OAuthUserConfig } from "@auth/core/providers"
import { createTraktSignIn, TRAKT, type CodeGrant } from "../core/sign-in.js"
import { answeringCustomFetch, findCustomFetch } from "./custom-fetch.js"
import { missingClientId, TraktError } from "../core/errors.js"
import type { TraktOptions } from "../core/options.js"
import type { TraktUser } from "../core/profile.js"

/** Marks the token responses our fetch made, for `token.conform` to recognise. */
const EXCHANGED = "x-authjs-trakt-exchange"

const bypassed = () =>
  new TraktError(
    "UNSUPPORTED_AUTHJS",
    "Auth.js sent its own token request, which Trakt refuses: use @auth/core 0.41.x (next-auth v4: authjs-trakt/next-auth-v4)",
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
export default function Trakt<P extends TraktUser = TraktUser>(options: OAuthUserConfig<P> & TraktOptions = {}): OAuthConfig<P> {
  const trakt = createTraktSignIn({ ...options, fetch: findCustomFetch(options) })

  // Auth.js may fill in AUTH_TRAKT_ID / AUTH_TRAKT_SECRET after this factory has
  // returned (setEnvDefaults assigns them to the returned object), so the
  // credentials are looked up when they are used, never captured here.
  const credentials = () => ({
    clientId: options.clientId ?? provider.clientId,
    clientSecret: options.clientSecret ?? provider.clientSecret,
  })

  // Every URL is a getter: Auth.js reads them per request, outside its error
  // handling, so they never throw; a bad `baseUrl` from the environment fails
  // the first request through our fetch below (INVALID_OPTION), never a build.
  const provider: OAuthConfig<P> = {
    id: TRAKT.id,
    name: TRAKT.name,
    type: "oauth",
    // Lets a callback carrying RFC 9207's `iss` through (oauth4webapi checks it).
    get issuer() {
      return trakt.fieldEndpoints().issuer
    },
    // Without a client id (or with a bad baseUrl) there is no URL: Auth.js
    // then asks the issuer for its metadata through our fetch, which fails the
    // sign-in with MISSING_CLIENT_ID (or INVALID_OPTION) instead of sending the
    // user to Trakt with client_id=undefined.
    get authorization() {
      const url = credentials().clientId ? trakt.validEndpoints()?.authorize : undefined
      return { url, params: { scope: TRAKT.scope } }
    },
    token: {
      // Production's when the options are bad: the exchange goes through our fetch below, which fails first.
      get url() {
        return trakt.fieldEndpoints().token
      },
      // Auth.js hands this the token response before reading it. One that our
      // fetch below did not make means Auth.js sent Trakt its own form-encoded
      // request, which Trakt refuses with "client_id is required": say why instead.
      conform(response: Response) {
        if (!response.headers.has(EXCHANGED)) throw bypassed()
        return response
      },
    } as OAuthConfig<P>["token"],
    userinfo: {
      get url() {
        return trakt.fieldEndpoints().settings
      },
      request: ({ tokens }: { tokens: { access_token?: string } }) => trakt.loadProfile(credentials().clientId, tokens.access_token),
    },
    profile: (profile) => trakt.user(profile),
    checks: [...TRAKT.checks],
    // oauth4webapi then puts no Authorization header on the token request;
    // our fetch below sends the credentials in Trakt's JSON body instead.
    client: { token_endpoint_auth_method: "none" },
    style: { logo: TRAKT.logo, brandColor: TRAKT.brandColor },
    // Auth.js routes every request of the flow through this fetch, found on
    // `options` under whichever copy of @auth/core is running (see
    // custom-fetch.ts); the app's own [customFetch] is used underneath it.
    options: answeringCustomFetch(options, async (input: RequestInfo | URL, init?: RequestInit) => {
      const { token } = trakt.endpoints()
      if (!credentials().clientId) throw missingClientId()
      const url = input instanceof Request ? input.url : String(input)
      if (url === token && init?.body instanceof URLSearchParams) {
        // oauth4webapi sends a form (code, redirect_uri, code_verifier); Trakt's token endpoint takes JSON.
        const tokens = await trakt.exchangeCode(Object.fromEntries(init.body) as unknown as CodeGrant, credentials())
        return Response.json(tokens, { headers: { [EXCHANGED]: "json" } })
      }
      return trakt.transport.fetch()(input, init)
    }),
  }
  return provider
}
