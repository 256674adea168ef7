/** Trakt's rate limits per user, and the failures a test asks for. */
import { CLOUDFLARE_BLOCK_PAGE, html } from "./responses.js"

/** One limit: `limit` calls per `period` seconds. */
export interface RateLimit {
  limit: number
  /** Seconds. */
  period: number
}

/** Trakt's limits per user: 500 authenticated GETs per 5 minutes (a Trakt maintainer, trakt-api #909, September 2026; docs.trakt.tv still says 1,000), 1 write per second. `false` turns one off. */
export interface TraktStandInRateLimits {
  /** Authenticated GETs. @default { limit: 500, period: 300 } */
  get?: RateLimit | false
  /** Authenticated POST, PUT, DELETE. @default { limit: 1, period: 1 } */
  write?: RateLimit | false
}

export const DEFAULT_LIMITS = { get: { limit: 500, period: 300 }, write: { limit: 1, period: 1 } } as const

interface Window {
  start: number
  count: number
}

/** The `X-Ratelimit` header Trakt sends with a 429. */
export const rateLimitHeader = (name: string, limit: RateLimit, remaining: number, until: number) =>
  JSON.stringify({ name, period: limit.period, limit: limit.limit, remaining, until: new Date(until).toISOString() })

/** Fixed windows per user and kind, as Trakt counts them. */
export class RateLimiter {
  private windows = new Map<string, Window>()

  constructor(private limits: { get: RateLimit | false; write: RateLimit | false }) {}

  /** Counts one call; a 429 answer when it is over the limit. */
  take(user: string, kind: "get" | "write"): Response | undefined {
    const limit = this.limits[kind]
    if (!limit) return undefined
    const key = `${kind}:${user}`
    const now = Date.now()
    let window = this.windows.get(key)
    if (!window || now >= window.start + limit.period * 1000) {
      window = { start: now, count: 0 }
      this.windows.set(key, window)
    }
    const until = window.start + limit.period * 1000
    if (window.count >= limit.limit) {
      const name = kind === "get" ? "AUTHED_API_GET_LIMIT" : "AUTHED_API_POST_LIMIT"
      return tooManyRequests(Math.max(1, Math.ceil((until - now) / 1000)), rateLimitHeader(name, limit, 0, until))
    }
    window.count++
    return undefined
  }

  reset() {
    this.windows.clear()
  }
}

export function tooManyRequests(retryAfter: number, xRatelimit?: string): Response {
  const headers: Record<string, string> = { "retry-after": String(retryAfter) }
  if (xRatelimit) headers["x-ratelimit"] = xRatelimit
  return Response.json({ error: "rate_limit_exceeded", error_description: "Rate limit exceeded. Retry later." }, { status: 429, headers })
}

/** What {@link TraktStandIn.failNext} makes the next requests answer. */
export interface FailureSpec {
  /** How many requests fail. @default 1 */
  times?: number
  /** @default 500, or 429 when `retryAfter` is set */
  status?: number
  /**
   * `"cloudflare-html"` for Cloudflare's HTML block page; anything else is sent
   * as JSON. @default `{ error, error_description }` naming the status
   */
  body?: "cloudflare-html" | unknown
  /** Seconds, sent as `Retry-After` (and, on a 429, in an `X-Ratelimit` JSON header). */
  retryAfter?: number
  /**
   * Never answer: the request hangs until the client gives up (aborts), or
   * until `stop()`. `status` and `body` are ignored.
   */
  hang?: boolean
  /** Only requests with this method. Any method by default. */
  method?: string
  /** Headers to add: `X-Account-Locked` on a 423, `Location` on a redirect, ... */
  headers?: Record<string, string>
}

export interface Failure extends FailureSpec {
  path: string
  left: number
}

const STATUS_ERRORS: Record<number, string> = {
  400: "bad_request",
  401: "invalid_token",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  420: "account_limit",
  423: "locked",
  426: "vip_only",
  429: "rate_limit_exceeded",
  500: "server_error",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout",
}

/** The answer of an injected failure. */
export function failureResponse(failure: FailureSpec, method: string): Response {
  const status = failure.status ?? (failure.retryAfter !== undefined ? 429 : 500)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(failure.headers ?? {})) headers[name.toLowerCase()] = value
  if (failure.retryAfter !== undefined) {
    headers["retry-after"] = String(failure.retryAfter)
    if (status === 429) {
      const until = Date.now() + failure.retryAfter * 1000
      const [name, limit] =
        method === "GET" ? ["AUTHED_API_GET_LIMIT", DEFAULT_LIMITS.get] : ["AUTHED_API_POST_LIMIT", DEFAULT_LIMITS.write]
      headers["x-ratelimit"] = rateLimitHeader(name, limit, 0, until)
    }
  }
  if (failure.body === "cloudflare-html") {
    return html(CLOUDFLARE_BLOCK_PAGE, status, { ...headers, server: "cloudflare" })
  }
  const error = STATUS_ERRORS[status] ?? "error"
  const body = failure.body === undefined ? { error, error_description: `HTTP ${status}` } : failure.body
  // A redirect or a 304 carries no body.
  if ((status >= 300 && status < 400) || status === 204) return new Response(null, { status, headers })
  return Response.json(body, { status, headers })
}
