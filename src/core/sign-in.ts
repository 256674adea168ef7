/**
 * Trakt's side of a sign-in, which every auth library's provider adapts to its
 * own shape: who Trakt is, where it lives, the code exchange with its checks,
 * and the profile. A host folder adds only what its auth library needs; no
 * Trakt rule is written there.
 */
import { lazyEndpoints, resolveEndpoints, type TraktEndpoints } from "./endpoints.js"
import { TraktError } from "./errors.js"
import { assertChecks, parseAccountId, parseAvatarUrl, type TraktOptions } from "./options.js"
import { loadProfile, userOf, type TraktUser } from "./profile.js"
import { leaveSignIn } from "./sign-in-record.js"
import { requestTokens, type TraktTokenSet } from "./tokens.js"
import { createTransport, type TraktCredentials, type Transport } from "./transport.js"

/** What every provider says of itself. */
export const TRAKT = {
  id: "trakt",
  name: "Trakt",
  /** A scope keeps Auth.js (and openid-client) from asking for `openid profile email`; `public` is what Trakt grants. */
  scope: "public",
  /** Trakt sign-in always runs with both; an app may add checks, never drop one. */
  checks: ["pkce", "state"] as ("pkce" | "state")[],
  logo: "https://authjs.dev/img/providers/trakt.svg",
  brandColor: "#ED2224",
} as const

/** A code exchange, as the callback delivers it. */
export interface CodeGrant {
  code: string
  redirect_uri: string
  code_verifier: string | undefined
}

/** Trakt's side of a sign-in, for an auth library's provider to adapt. */
export interface TraktSignIn {
  transport: Transport
  /** Throws `INVALID_OPTION` for a bad `baseUrl` or `oauthBaseUrl`, on first use. */
  endpoints: () => TraktEndpoints
  /**
   * The endpoints, or `undefined` when they are invalid: for the provider's
   * fields, which frameworks read outside their error handling. The request
   * that then goes through `endpoints()` fails with `INVALID_OPTION`.
   */
  validEndpoints: () => TraktEndpoints | undefined
  /**
   * The endpoints, or production's when they are invalid: for a field a
   * framework needs a string in, which nobody reaches then (every request
   * goes through `endpoints()` and fails first).
   */
  fieldEndpoints: () => TraktEndpoints
  /** Exchanges a sign-in's code for tokens, as Trakt wants it. */
  exchangeCode(grant: CodeGrant, credentials: TraktCredentials): Promise<TraktTokenSet>
  /** The signed-in user's profile. */
  loadProfile(clientId: string | undefined, accessToken: string | undefined): Promise<TraktUser>
  /** The user Auth.js (or next-auth v4) makes of a profile; `image` is the app's avatar route with `avatarUrl`. */
  user(profile: TraktUser): ReturnType<typeof userOf>
}

/** A callback refused by a check this package makes itself. */
export const callbackRefused = (why: string) => new TraktError("INVALID_CALLBACK", `${why} (forged or replayed?)`)

/**
 * Checks what is wrong whatever the environment (`accountId`, `checks`,
 * `timeout`, `userAgent`: a `TypeError` now) and defers what may come from it
 * (`baseUrl`, credentials: checked by the request that needs them).
 */
export function createTraktSignIn(options: TraktOptions & { checks?: unknown; fetch?: typeof fetch }): TraktSignIn {
  const accountId = parseAccountId(options.accountId)
  assertChecks(options.checks)
  const avatarUrl = parseAvatarUrl(options.avatarUrl)
  const transport = createTransport(options)
  const endpoints = lazyEndpoints(options)
  const validEndpoints = () => {
    try {
      return endpoints()
    } catch {
      return undefined
    }
  }
  return {
    transport,
    endpoints,
    validEndpoints,
    // Resolved again each time: only a bad configuration gets here, whose requests all fail anyway.
    fieldEndpoints: () => validEndpoints() ?? resolveEndpoints(),
    async exchangeCode({ code, redirect_uri, code_verifier }, credentials) {
      // Whatever took "pkce" off the checks, Trakt sign-in stays PKCE. (requestTokens fails a missing client id.)
      if (!code_verifier) throw callbackRefused("no PKCE verifier")
      const { token } = endpoints()
      const params = { grant_type: "authorization_code", code, redirect_uri, code_verifier }
      const tokens = await requestTokens(transport, token, params, credentials)
      leaveSignIn(tokens.access_token, { redirect_uri, token_endpoint: token })
      return tokens
    },
    loadProfile: (clientId, accessToken) => loadProfile(transport, endpoints().settings, clientId, accessToken, accountId),
    // With `avatarUrl` every user gets the route: it serves a placeholder when there is no avatar.
    user: (profile) => userOf(profile, accountId, avatarUrl),
  }
}
