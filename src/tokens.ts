/** Trakt's token responses, and (see the helpers below) refreshing and revoking them. */
import { resolveEndpoints, type TraktEndpointOptions } from "./endpoints.js"
import { TraktError } from "./errors.js"
import { isObject, typed, type Json } from "./json.js"
import { createTransport, sendJson, withCredentials, type TraktRequestOptions, type Transport } from "./request.js"

/** A token set as Trakt issues it, with `expires_at` added as Auth.js stores it. */
export interface TraktTokenSet {
  access_token: string
  /** Single-use: each refresh returns a new one and kills this one. */
  refresh_token?: string
  token_type: string
  scope?: string
  /** Seconds the access token lives (7 days today; never assume it). */
  expires_in?: number
  /** When Trakt issued the token, in epoch seconds. */
  created_at?: number
  /** When the access token expires, in epoch seconds. */
  expires_at?: number
}

/**
 * Checks a token response body and keeps the fields Trakt documents. Only
 * `access_token` is required; `token_type` defaults to `bearer`, which is what
 * Trakt sends and what Auth.js accepts.
 */
export function parseTokenResponse(body: unknown, now = Date.now()): TraktTokenSet {
  const json: Json = isObject(body) ? body : {}
  if (!json.access_token || typeof json.access_token !== "string") {
    throw new TraktError("INVALID_RESPONSE", "the token response has no access_token")
  }
  const { expires_in } = typed(json, "expires_in", "number")
  return {
    ...typed(json, "access_token refresh_token scope", "string"),
    token_type: typeof json.token_type === "string" ? json.token_type : "bearer",
    ...typed(json, "expires_in created_at", "number"),
    // Expiry is compared with this server's clock, so it is computed on this
    // clock (as Auth.js does at sign-in), not from Trakt's created_at.
    expires_at: expires_in === undefined ? typed(json, "expires_at", "number").expires_at : Math.floor(now / 1000) + expires_in,
  } as TraktTokenSet
}

/**
 * Posts a grant to Trakt's token endpoint as Trakt documents it (JSON, the
 * credentials in the body) and checks the answer: the one token request of the
 * sign-in's code exchange and of every refresh.
 */
export async function requestTokens(
  transport: Transport,
  url: string,
  params: Record<string, string>,
  clientId: string | undefined,
  clientSecret: string | undefined,
): Promise<TraktTokenSet> {
  return parseTokenResponse(await sendJson(transport, url, { json: withCredentials(params, clientId, clientSecret) }))
}

/** Who the app is at Trakt, and where and how to reach it: what every token helper takes. */
export interface TraktClientOptions extends TraktEndpointOptions, TraktRequestOptions {
  /** Your Trakt app's client id. */
  clientId: string
  /** Your Trakt app's secret; leave it out for a PKCE-only app. */
  clientSecret?: string
  /** The fetch to send requests with. @default globalThis.fetch */
  fetch?: typeof fetch
}

/** What {@link refreshTraktToken} takes. */
export interface RefreshTraktTokenOptions extends TraktClientOptions {
  /** The refresh token to spend. Trakt's refresh tokens are single-use. */
  refreshToken: string
  /** The app's registered callback URL: Trakt wants it on refreshes too. */
  redirectUri: string
}

/**
 * Trades a refresh token for a new token set. Trakt's refresh tokens are
 * single-use: the one passed here is dead afterwards, so store the returned
 * `refresh_token`. Fails with a {@link TraktError}; `invalid_grant` means the
 * user must sign in again (the token was used already, was revoked, or was
 * issued before Trakt's July 2026 migration).
 *
 * @example
 * Refresh a stored token set:
 * ```ts
 * import { refreshTraktToken } from "authjs-trakt"
 *
 * const tokens = await refreshTraktToken({
 *   clientId: process.env.AUTH_TRAKT_ID!,
 *   clientSecret: process.env.AUTH_TRAKT_SECRET,
 *   refreshToken: "stored-refresh-token",
 *   redirectUri: "https://example.com/api/auth/callback/trakt",
 * })
 * console.log(tokens.access_token, new Date(tokens.expires_at! * 1000))
 * ```
 */
export async function refreshTraktToken(options: RefreshTraktTokenOptions): Promise<TraktTokenSet> {
  const { clientId, clientSecret, refreshToken, redirectUri } = options
  if (!refreshToken) throw new TraktError("invalid_grant", "no refresh token: sign in again")
  const params = { grant_type: "refresh_token", refresh_token: refreshToken, redirect_uri: redirectUri }
  return requestTokens(createTransport(options), resolveEndpoints(options).token, params, clientId, clientSecret)
}

/** What {@link revokeTraktToken} takes. */
export interface RevokeTraktTokenOptions extends TraktClientOptions {
  /** The access token to revoke. */
  token: string
}

/**
 * Revokes an access token at Trakt (`POST /oauth/revoke`), so it stops working
 * before it expires: use it when a user signs out. Fails with a {@link TraktError}.
 *
 * @example
 * Revoke on sign-out (JWT sessions):
 * ```ts
 * import { revokeTraktToken } from "authjs-trakt"
 *
 * export const events = {
 *   async signOut(message: { token?: { access_token?: string } | null }) {
 *     const token = message.token?.access_token
 *     if (token) await revokeTraktToken({ clientId: process.env.AUTH_TRAKT_ID!, token })
 *   },
 * }
 * ```
 */
export async function revokeTraktToken(options: RevokeTraktTokenOptions): Promise<void> {
  const json = withCredentials({ token: options.token }, options.clientId, options.clientSecret)
  await sendJson(createTransport(options), resolveEndpoints(options).revoke, { json })
}
