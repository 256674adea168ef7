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
 * An access token as a Bearer header carries it (RFC 6750's b64token). Anything
 * else would be sent altered (fetch trims the spaces around a header value, so
 * " abc " would go out as another token) or not at all (a line break).
 */
const BEARER_TOKEN = /^[\w.~+/-]+=*$/
/** A refresh token, sent back in a JSON body: no space or line break in it. */
const REFRESH_TOKEN = /^\S+$/

/**
 * Checks a token response body against Trakt's contract (`tokenResponseSchema`)
 * and keeps the fields it documents: the one check of every token response, the
 * code exchange's and every refresh's, whichever auth library asked.
 * `access_token` must be a token a Bearer header can carry; `token_type`, when
 * sent, must be `bearer` (any case); `expires_in`, when sent, must be a
 * positive whole number of seconds (an unusable lifetime would make the token
 * look eternal); `refresh_token` must be printable with no whitespace, and an
 * empty one counts as none. Anything else is `INVALID_RESPONSE`.
 */
export function parseTokenResponse(body: unknown): TraktTokenSet {
  const json = objectOr(body)
  const { access_token, token_type = "bearer", expires_in, refresh_token } = json
  const usable =
    typeof access_token == "string" &&
    BEARER_TOKEN.test(access_token) &&
    /^bearer$/i.test(token_type) &&
    (expires_in === undefined || (Number.isSafeInteger(expires_in) && expires_in > 0)) &&
    (!refresh_token || (typeof refresh_token == "string" && REFRESH_TOKEN.test(refresh_token)))
  // One message for every way: what Trakt sent stays out of it (it may hold a token).
  if (!usable) throw new TraktError("INVALID_RESPONSE", "the token response is unusable")
  return {
    ...typed(json, "access_token scope", "string"),
    refresh_token: refresh_token || undefined,
    token_type: "bearer",
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
  const params = {
    grant_type: "refresh_token",
    refresh_token: requireRefreshToken(options.refreshToken),
    redirect_uri: redirectUriFor(options),
  }
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
export async function revokeTraktToken(
  options: TraktConnectionOptions & { /** The access token to revoke. */ token: string },
): Promise<void> {
  const { transport, endpoints, credentials } = connect(options)
  await sendJson(transport, endpoints().revoke, { json: withCredentials({ token: options.token }, credentials()) })
}
