/** Trakt's token responses, the one token request, and the public refresh and revoke calls. */
import { redirectUriFor } from "./refresh/redirect-uri.js"
import { connect, type TraktConnectionOptions } from "./connection.js"
import { TraktError } from "./errors.js"
import { objectOr, typed } from "./util/json.js"
import { sendJson, withCredentials, type TraktCredentials, type Transport } from "./transport.js"

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
 * Checks a token response body against Trakt's contract (`tokenResponseSchema`)
 * and keeps the fields it documents. `access_token` is required; `expires_in`,
 * when sent, must be a positive whole number of seconds, or the answer is
 * `INVALID_RESPONSE` (an unusable lifetime would make the token look eternal);
 * an empty `refresh_token` counts as none; `token_type` defaults to `bearer`,
 * which is what Trakt sends and what Auth.js accepts.
 */
export function parseTokenResponse(body: unknown): TraktTokenSet {
  const json = objectOr(body)
  const { expires_in } = json
  if (!json.access_token || typeof json.access_token !== "string" || !(expires_in === undefined || (Number.isSafeInteger(expires_in) && expires_in > 0))) {
    throw new TraktError("INVALID_RESPONSE", "the token response lacks access_token or a usable expires_in")
  }
  return {
    ...typed(json, "access_token scope", "string"),
    refresh_token: json.refresh_token || undefined,
    token_type: typeof json.token_type === "string" ? json.token_type : "bearer",
    ...typed(json, "expires_in created_at", "number"),
    // Expiry is compared with this server's clock, so it is computed on this
    // clock (as Auth.js does at sign-in), not from Trakt's created_at.
    expires_at: expires_in === undefined ? undefined : Math.floor(Date.now() / 1000) + expires_in,
  } as TraktTokenSet
}

/** Throws the refusal a missing refresh token means, before anything is sent: the one place it is written. */
export function requireRefreshToken(refreshToken: string | null | undefined): string {
  if (!refreshToken) throw new TraktError("invalid_grant", "no refresh token: sign in again")
  return refreshToken
}

/**
 * Whether a token expiring at `expiresAt` (epoch seconds) needs a refresh now:
 * within `clockSkew` seconds of it, so that a request made just before expiry
 * does not fail at Trakt. No `expiresAt` means it never expires. The one expiry rule.
 */
export const isExpired = (expiresAt: number | null | undefined, clockSkew: number, now = Date.now()) =>
  expiresAt != null && now / 1000 >= expiresAt - clockSkew

/**
 * Posts a grant to Trakt's token endpoint as Trakt documents it (JSON, the
 * credentials in the body) and checks the answer: the one token request of the
 * sign-in's code exchange and of every refresh.
 */
export async function requestTokens(
  transport: Transport,
  url: string,
  params: Record<string, string>,
  credentials: TraktCredentials,
  timeout?: number,
): Promise<TraktTokenSet> {
  return parseTokenResponse(await sendJson(transport, url, { json: withCredentials(params, credentials), timeout }))
}

/**
 * Trades a refresh token for a new token set, once: no store, no sharing (the
 * refresh helpers add those). Trakt's refresh tokens are single-use: the one
 * passed here is dead afterwards, so store the returned `refresh_token`.
 * Credentials default to `AUTH_TRAKT_ID` / `AUTH_TRAKT_SECRET`, the callback
 * URL (`redirectUri`, which Trakt wants here too) to `AUTH_URL` read as
 * next-auth reads it. Fails with a {@link TraktError}; `invalid_grant` means
 * the user must sign in again (the token was used already, was revoked, or was
 * issued before Trakt's July 2026 migration).
 *
 * @example
 * Refresh a stored token set:
 * ```ts
 * import { refreshTraktToken } from "authjs-trakt"
 *
 * const tokens = await refreshTraktToken({
 *   refreshToken: "stored-refresh-token",
 *   redirectUri: "https://example.com/api/auth/callback/trakt",
 * })
 * console.log(tokens.access_token, new Date(tokens.expires_at! * 1000))
 * ```
 */
export async function refreshTraktToken(
  options: TraktConnectionOptions & {
    /** The refresh token to spend. */
    refreshToken: string
    /** The app's callback URL, or its Auth.js base URL. @default process.env.AUTH_URL ?? process.env.NEXTAUTH_URL */
    redirectUri?: string
    /** The provider's id, if not `"trakt"`: it ends the callback URL. */
    providerId?: string
  },
): Promise<TraktTokenSet> {
  const connection = connect(options)
  const params = { grant_type: "refresh_token", refresh_token: requireRefreshToken(options.refreshToken), redirect_uri: redirectUriFor(options) }
  return requestTokens(connection.transport, connection.endpoints().token, params, connection.credentials())
}

/**
 * Revokes an access token at Trakt (`POST /oauth/revoke`), so it stops working
 * before it expires: use it when a user signs out. Credentials default to
 * `AUTH_TRAKT_ID` / `AUTH_TRAKT_SECRET`. Fails with a {@link TraktError}.
 *
 * @example
 * Revoke on sign-out (JWT sessions):
 * ```ts
 * import { revokeTraktToken } from "authjs-trakt"
 *
 * export const events = {
 *   async signOut(message: { token?: { access_token?: string } | null }) {
 *     const token = message.token?.access_token
 *     if (token) await revokeTraktToken({ token })
 *   },
 * }
 * ```
 */
export async function revokeTraktToken(options: TraktConnectionOptions & { /** The access token to revoke. */ token: string }): Promise<void> {
  const { transport, endpoints, credentials } = connect(options)
  await sendJson(transport, endpoints().revoke, { json: withCredentials({ token: options.token }, credentials()) })
}
