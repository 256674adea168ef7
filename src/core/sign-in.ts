/**
 * The Trakt core every provider entry adapts to its framework's provider
 * shape: who Trakt is, where it lives, the code exchange with its checks, and
 * the profile. An entry adds only what its framework needs; no Trakt rule is
 * written in an entry.
 */
import { lazyEndpoints, type TraktEndpoints } from "./endpoints.js"
import { TraktError } from "./errors.js"
import { assertChecks, parseAccountId, parseAvatarUrl, type TraktAccountId, type TraktOptions } from "./options.js"
import { loadProfile, userOf, type TraktUser } from "./profile.js"
import { leaveSignIn } from "./sign-in-record.js"
import { requestTokens, type TraktTokenSet } from "./tokens.js"
import { createTransport, type Transport } from "./transport.js"

/** What both entries' providers say of themselves. */
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

/** The app's credentials, as the entry knows them when a request is made. */
export interface Credentials {
  clientId: string | undefined
  clientSecret: string | undefined
}

/** A code exchange, as the callback delivers it. */
export interface CodeGrant {
  code: string
  redirect_uri: string
  code_verifier: string | undefined
}

export interface TraktCore {
  transport: Transport
  /** Throws `INVALID_OPTION` for a bad `baseUrl` or `oauthBaseUrl`, on first use. */
  endpoints: () => TraktEndpoints
  /**
   * The endpoints, or `undefined` when they are invalid: for the provider's
   * fields, which frameworks read outside their error handling. The request
   * that then goes through `endpoints()` fails with `INVALID_OPTION`.
   */
  validEndpoints: () => TraktEndpoints | undefined
  /** Exchanges a sign-in's code for tokens, as Trakt wants it. */
  exchangeCode(grant: CodeGrant, credentials: Credentials): Promise<TraktTokenSet>
  /** The signed-in user's profile. */
  loadProfile(clientId: string | undefined, accessToken: string | undefined): Promise<TraktUser>
  /** The user Auth.js (or next-auth v4) makes of a profile; `image` is the app's avatar route with `avatarUrl`. */
  user(profile: TraktUser): ReturnType<typeof userOf>
}

/** A callback refused by a check this package makes itself. */
export const callbackRefused = (why: string) =>
  new TraktError("INVALID_CALLBACK", `${why} (forged or replayed?)`)

/**
 * Checks what is wrong whatever the environment (`accountId`, `checks`,
 * `timeout`, `userAgent`: a `TypeError` now) and defers what may come from it
 * (`baseUrl`, credentials: checked by the request that needs them).
 */
export function createTraktCore(options: TraktOptions & { checks?: unknown; fetch?: typeof fetch }): TraktCore {
  const accountId = parseAccountId(options.accountId)
  assertChecks(options.checks)
  const avatarUrl = parseAvatarUrl(options.avatarUrl)
  const transport = createTransport(options)
  const endpoints = lazyEndpoints(options)
  return {
    transport,
    endpoints,
    validEndpoints() {
      try {
        return endpoints()
      } catch {
        return undefined
      }
    },
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
