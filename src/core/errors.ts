/**
 * Every code a {@link TraktError} carries, each with when it happens: the one
 * list. {@link TraktErrorCode} is its keys, and the table in docs/errors.md is
 * generated from it (`npm run docs`). The codes are stable: branch on them, not
 * on the wording of `message`. Nothing reads it at run time, so no bundle
 * carries it.
 */
export const TRAKT_ERROR_CODES = {
  /** No client id was configured (`clientId` or `AUTH_TRAKT_ID`). */
  MISSING_CLIENT_ID: "MISSING_CLIENT_ID",
  /**
   * The running Auth.js sent Trakt a request without this provider's handling
   * (its core outside 0.41.x, or next-auth v4 given the main entry instead of
   * `authjs-trakt/next-auth-v4`).
   */
  UNSUPPORTED_AUTHJS: "UNSUPPORTED_AUTHJS",
  /**
   * A sign-in callback failed a check this package makes itself (state and
   * issuer under next-auth v4, the PKCE verifier everywhere): forged, replayed,
   * or a protection switched off.
   */
  INVALID_CALLBACK: "INVALID_CALLBACK",
  /** A refresh has no callback URL to send Trakt (see the `redirectUri` option of the refresh helpers). */
  MISSING_REDIRECT_URI: "MISSING_REDIRECT_URI",
  /**
   * An option whose value may come from the environment (a URL, an id) is
   * malformed; the message names the option and the value's shape, and nothing
   * was sent. Checked when first needed, so a build without the environment
   * still succeeds.
   */
  INVALID_OPTION: "INVALID_OPTION",
  /**
   * The token store failed (down, slow, or a record it holds is garbage); the
   * refresh went on without it, or, when another instance was refreshing the
   * same token, was left to the next request.
   */
  STORE_ERROR: "STORE_ERROR",
  /**
   * Reading or writing the Trakt account in the app's database failed, or took
   * longer than `timeout` (database sessions).
   */
  DATABASE_ERROR: "DATABASE_ERROR",
  /** Trakt did not answer within the `timeout` option. */
  TIMEOUT: "TIMEOUT",
  /** The request never got an HTTP answer (DNS, TLS, reset, aborted). */
  NETWORK_ERROR: "NETWORK_ERROR",
  /** 401, the access token is invalid or expired. */
  UNAUTHORIZED: "UNAUTHORIZED",
  /** 403 from Trakt itself: invalid API key or an unapproved app. */
  FORBIDDEN: "FORBIDDEN",
  /** 403 with an HTML page: Cloudflare blocked the request. */
  CLOUDFLARE_BLOCKED: "CLOUDFLARE_BLOCKED",
  /**
   * An API client call was given a path outside the Trakt API (a full URL to
   * another host, `//host/...`); nothing was sent.
   */
  INVALID_PATH: "INVALID_PATH",
  /** 404, no such item, list or user (or a private one). */
  NOT_FOUND: "NOT_FOUND",
  /** 409, the item exists already (a check-in under way, a list of that name). */
  CONFLICT: "CONFLICT",
  /** 420, the user reached an account limit (lists, items in a list); VIP raises it. */
  ACCOUNT_LIMIT: "ACCOUNT_LIMIT",
  /** 423, the Trakt account is locked. */
  ACCOUNT_LOCKED: "ACCOUNT_LOCKED",
  /** 426, the call needs the user to have Trakt VIP. */
  VIP_REQUIRED: "VIP_REQUIRED",
  /**
   * 429, see {@link TraktError.retryAfter}; or, from the API client, a call not
   * sent because the token is still limited after a 429.
   */
  RATE_LIMITED: "RATE_LIMITED",
  /** 5xx, Trakt or Cloudflare in front of it is down. */
  SERVER_ERROR: "SERVER_ERROR",
  /** Any other unexpected status. */
  HTTP_ERROR: "HTTP_ERROR",
  /** A 2xx whose body is not the JSON Trakt documents. */
  INVALID_RESPONSE: "INVALID_RESPONSE",
  /**
   * `traktAvatar` refused an avatar: its URL (or a redirect) is not on Trakt's
   * image hosts over `https:`, or the answer is not an image or is larger than
   * `maxBytes`. Nothing was fetched from a refused URL; the placeholder was
   * served instead.
   */
  IMAGE_REFUSED: "IMAGE_REFUSED",
  /** RFC 6749: Trakt found the token request malformed (a missing parameter, say). */
  invalid_request: "invalid_request",
  /** RFC 6749: Trakt does not know the client id, or the secret is wrong. */
  invalid_client: "invalid_client",
  /**
   * RFC 6749: Trakt refused the code or the refresh token: used already,
   * revoked, issued before Trakt's July 2026 migration, or for another callback
   * URL. The user must sign in again.
   */
  invalid_grant: "invalid_grant",
  /** RFC 6749: the app may not use this grant. */
  unauthorized_client: "unauthorized_client",
  /** RFC 6749: Trakt does not support this grant type. */
  unsupported_grant_type: "unsupported_grant_type",
  /** RFC 6749: the scope asked for is not one Trakt grants. */
  invalid_scope: "invalid_scope",
  /** An OAuth error code outside RFC 6749 (see `error` on the instance). */
  OAUTH_ERROR: "OAUTH_ERROR",
} as const

/** What went wrong, as a stable code: one of {@link TRAKT_ERROR_CODES}, each documented there and in docs/errors.md. */
export type TraktErrorCode = keyof typeof TRAKT_ERROR_CODES

/** The token endpoint error codes of RFC 6749 §5.2: refusals. */
type OAuthErrorCode =
  "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope"

/** @internal RFC 6749 §5.2's codes, to tell them from Trakt's own. */
export const isOAuthErrorCode = (error: string): error is OAuthErrorCode =>
  /^(invalid_(request|client|grant|scope)|unauthorized_client|unsupported_grant_type)$/.test(error)

/** Details a {@link TraktError} can carry besides its code and message (its fields, documented there). */
interface TraktErrorDetails {
  /** The HTTP status Trakt answered with, when there was an answer. */
  status?: number
  /** Seconds to wait before trying again (429 answers). */
  retryAfter?: number
  /** Trakt's OAuth `error` value, as sent. */
  error?: string
  /** Trakt's OAuth `error_description`, as sent. */
  description?: string
  /** The underlying error (a network failure, a JSON parse error, ...). */
  cause?: unknown
}

const BRAND = Symbol.for("authjs-trakt.TraktError")

/**
 * The one error this package throws for a failed exchange with Trakt.
 *
 * Inside Auth.js it reaches your `logger.error` as the cause of Auth.js's own
 * error (`CallbackRouteError`); {@link findTraktError} digs it out.
 *
 * @example
 * Branch on the code, not the message:
 * ```ts
 * import { refreshTraktToken, TraktError } from "authjs-trakt"
 *
 * try {
 *   await refreshTraktToken({
 *     clientId: process.env.AUTH_TRAKT_ID!,
 *     refreshToken: "stored-refresh-token",
 *     redirectUri: "https://example.com/api/auth/callback/trakt",
 *   })
 * } catch (error) {
 *   if (error instanceof TraktError && error.code === "invalid_grant") {
 *     // The refresh token was used already or predates July 2026: sign in again.
 *   }
 * }
 * ```
 */
export class TraktError extends Error {
  /**
   * True for a `TraktError` of any copy of this package: an app can load it
   * twice (its ESM and CJS builds, or one copy per bundle, as Next.js does for
   * proxy and pages), and each copy has its own class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (value as Record<symbol, unknown> | null)?.[BRAND] === true
  }
  /** @internal The brand `instanceof` checks. */
  get [BRAND](): true {
    return true
  }

  // `declare`: the constructor assigns these, so no field initialisers are emitted.
  declare name: "TraktError"
  /** What went wrong, as a stable code. */
  declare readonly code: TraktErrorCode
  /** The HTTP status Trakt answered with, when there was an answer. */
  declare readonly status?: number
  /** Seconds to wait before retrying, from a 429's `Retry-After`. */
  declare readonly retryAfter?: number
  /** Trakt's OAuth `error` value, as sent. */
  declare readonly error?: string
  /** Trakt's OAuth `error_description`, as sent. */
  declare readonly description?: string

  constructor(code: TraktErrorCode, message: string, { cause, ...details }: TraktErrorDetails = {}) {
    // The code leads the message: Auth.js's logger prints messages, not codes.
    super(`Trakt ${code}: ${message}`, { cause })
    Object.assign(this, details, { name: "TraktError", code })
  }
}

/**
 * Finds the {@link TraktError} behind an error, following `cause` the way
 * Auth.js nests it (`CallbackRouteError` keeps the original as `cause.err`).
 *
 * @example
 * Alert on Cloudflare blocks from Auth.js's logger:
 * ```ts
 * import { findTraktError } from "authjs-trakt"
 *
 * const logger = {
 *   error(error: Error) {
 *     const trakt = findTraktError(error)
 *     if (trakt?.code === "CLOUDFLARE_BLOCKED") console.error("Trakt blocked us", trakt.status)
 *   },
 * }
 * ```
 */
export function findTraktError(error: unknown): TraktError | undefined {
  // A depth bound, because cause chains can be cyclic.
  for (let i = 0; i < 8 && error; i++) {
    if (error instanceof TraktError) return error
    const cause: any = (error as { cause?: unknown }).cause
    error = cause?.err ?? cause
  }
  return undefined
}

/** @internal */
export const missingClientId = () => new TraktError("MISSING_CLIENT_ID", "no client id: set AUTH_TRAKT_ID or pass clientId")

/**
 * @internal For an option that is wrong whatever the environment (`timeout: -1`):
 * a `TypeError` naming it, thrown when the provider or helper is created, as
 * oauth4webapi throws for bad arguments. Never repeats the value.
 */
export function argumentError(option: string, requirement: string): TypeError {
  return Object.assign(new TypeError(`Trakt: "${option}" ${requirement}`), { code: "ERR_INVALID_ARG_VALUE" })
}

/**
 * @internal For an option whose value may come from the environment (a URL, an
 * id): checked when first needed, so `next build` without the environment
 * succeeds, and the sign-in or refresh that needs it fails with this instead.
 * It names the option and the value's shape, never the value (it may carry
 * credentials), and says so when the value looks like an unset variable.
 */
export function invalidOption(option: string, requirement: string, value: unknown): TraktError {
  return new TraktError("INVALID_OPTION", `"${option}" ${requirement}; got ${shapeOf(value)}`)
}

function shapeOf(value: unknown): string {
  if (typeof value !== "string") return value === null ? "null" : typeof value
  // `${process.env.AUTH_URL}/callback/trakt` with AUTH_URL unset.
  const hint = /^(undefined|null)\b/.test(value) ? ": is an environment variable unset?" : ""
  return value.trim() ? `a string of ${value.length} characters${hint}` : "an empty string"
}

/**
 * @internal Whether Trakt refused a refresh token (an OAuth error such as
 * `invalid_grant`): the user must sign in again. Anything else (5xx, timeout,
 * network, 429, a store that is down, a configuration fault) is "could not
 * refresh right now": the tokens stay and the next request tries again.
 */
export const isRefusal = (error: unknown): boolean =>
  error instanceof TraktError && (isOAuthErrorCode(error.code) || error.code === "OAUTH_ERROR")
