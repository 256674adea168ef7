/** The one way this package talks to Trakt: headers, timeout, redirects, errors. */
import { argumentError, isOAuthErrorCode, missingClientId, TraktError, type TraktErrorCode } from "./errors.js"
import { typed } from "./util/json.js"
import { withDeadline } from "./util/time.js"

declare const __VERSION__: string

/** How requests to Trakt are sent. */
export interface TraktRequestOptions {
  /**
   * Sent as `User-Agent` on every request: Cloudflare answers Trakt requests
   * without one with an HTML 403 page. Trakt suggests `AppName/1.0.0`.
   * @default "authjs-trakt/<version>"
   */
  userAgent?: string
  /**
   * Milliseconds each request to Trakt may take before it fails with `TIMEOUT`.
   * @default 10000
   */
  timeout?: number
}

/** Validated request settings, plus the fetch to send them with. */
export interface Transport {
  userAgent: string
  timeout: number
  /** Looked up on every request, so a fetch patched later (msw, a proxy) is used. */
  fetch: () => typeof fetch
}

/** The default `timeout`, in ms. */
export const DEFAULT_TIMEOUT = 10_000

/** Validates the request options once (they never come from the environment), naming the one that is wrong. */
export function createTransport({
  userAgent = `authjs-trakt/${__VERSION__}`,
  timeout = DEFAULT_TIMEOUT,
  fetch,
}: TraktRequestOptions & { fetch?: typeof globalThis.fetch }): Transport {
  if (typeof userAgent !== "string" || !/^[^\r\n]*\S[^\r\n]*$/.test(userAgent)) {
    throw argumentError("userAgent", "must be a non-empty single line")
  }
  if (typeof timeout != "number" || !(timeout > 0 && timeout < Infinity)) {
    throw argumentError("timeout", "must be a positive number (ms)")
  }
  return { userAgent, timeout, fetch: () => fetch ?? globalThis.fetch }
}

/** The app's credentials at Trakt, as an entry knows them when a request is made. */
export interface TraktCredentials {
  clientId: string | undefined
  /** None for a PKCE-only app. */
  clientSecret: string | undefined
}

/** One request to Trakt. A `json` body makes it a POST unless `method` says otherwise. */
export interface TraktRequest {
  method?: string
  json?: unknown
  headers?: Record<string, string>
  /** Milliseconds this request may take, when less than the transport's `timeout` is left of a caller's deadline. */
  timeout?: number
}

/** `GET /users/settings`: how messages name a request. Never a query, a body or a header. */
export const describeRequest = (method: string, url: string) => `${method} ${new URL(url).pathname}`

/**
 * Sends one request to Trakt and reads its answer with `read` (given the request's
 * description for its messages), both within the
 * timeout; never follows a redirect (a body carrying client credentials or a
 * token must not be replayed to another host). Fails only with `TIMEOUT` or
 * `NETWORK_ERROR`: the status is the caller's to judge.
 */
export async function send<T = string>(
  t: Transport,
  url: string,
  { method, json, headers, timeout = t.timeout }: TraktRequest = {},
  read: (response: Response, what: string) => Promise<T> = (response) => response.text() as Promise<T>,
): Promise<{ response: Response; body: T; what: string }> {
  method ??= json ? "POST" : "GET"
  const what = describeRequest(method, url)
  // A timer cleared once the answer is read, not AbortSignal.timeout: that one
  // costs several times more per request and keeps its timer to the end. The
  // deadline covers the answer and the reading of its body; a custom fetch (or
  // a stalled body) may not heed the signal, so it is raced too.
  const controller = new AbortController()
  const exchange = async () => {
    const response = await t.fetch()(url, {
      method,
      // Trakt documents Content-Type on every call, GETs included (412 otherwise).
      headers: { accept: "application/json", ...headers, "user-agent": t.userAgent, "content-type": "application/json" },
      body: JSON.stringify(json),
      redirect: "manual",
      signal: controller.signal,
    })
    return { response, body: await read(response, what), what }
  }
  try {
    return await withDeadline(exchange, Math.min(timeout, t.timeout), () => controller.abort())
  } catch (cause) {
    if (cause instanceof TraktError) throw cause
    // Once our timer fired, whatever failed failed for it.
    const code = controller.signal.aborted || (cause as Error)?.name === "TimeoutError" ? "TIMEOUT" : "NETWORK_ERROR"
    throw new TraktError(code, `${what} got no answer`, { cause })
  }
}

/**
 * Sends one request to Trakt and parses the JSON of its 2xx answer; every other
 * outcome is a {@link TraktError}. Messages name the method and path only, never
 * a query, a body or a header, so no token or secret reaches a log line.
 */
export const sendJson = async (t: Transport, url: string, request?: TraktRequest): Promise<unknown> => readJson(await send(t, url, request))

/** The JSON in `text`; `undefined` for an empty body (Trakt answers some POSTs, revoke, with none). Throws for anything else. */
const parseJson = (text: string): unknown => (text ? JSON.parse(text) : undefined)

/** The JSON of a 2xx answer `send` read; every other outcome is a {@link TraktError}. */
export function readJson({ response, body, what }: { response: Response; body: string; what: string }): unknown {
  if (!response.ok) throw errorFor(what, response, body)
  try {
    return parseJson(body)
  } catch {
    throw new TraktError("INVALID_RESPONSE", `${what} answered ${response.status}, not JSON`, { status: response.status })
  }
}

/**
 * A token or revoke body with the client credentials in it, where Trakt wants
 * them (it rejects HTTP Basic). A PKCE-only app has no secret and sends none.
 */
export function withCredentials(json: Record<string, string>, { clientId, clientSecret }: TraktCredentials): Record<string, string> {
  if (!clientId) throw missingClientId()
  return { ...json, client_id: clientId, ...(clientSecret && { client_secret: clientSecret }) }
}

/** Reads `Retry-After`: seconds, as Trakt sends it, or an HTTP date. */
export function retryAfter(value: string | null): number | undefined {
  const seconds = value ? (/^\d+$/.test(value) ? +value : Math.ceil((Date.parse(value) - Date.now()) / 1000)) : NaN
  return seconds >= 0 ? seconds : undefined
}

/** The codes a status means by itself, when the body says nothing more precise. */
const STATUS_CODES: Record<number, TraktErrorCode> = {
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  420: "ACCOUNT_LIMIT",
  423: "ACCOUNT_LOCKED",
  426: "VIP_REQUIRED",
  429: "RATE_LIMITED",
}

/** The {@link TraktError} for a non-2xx answer whose body is `text`. */
export function errorFor(what: string, response: Response, text: string): TraktError {
  const { status } = response
  let body: unknown
  try {
    body = parseJson(text)
  } catch {}
  const { error, error_description: description } = typed(Object(body), "error error_description", "string") as {
    error?: string
    error_description?: string
  }
  const blocked = status == 403 && /^\s*</.test(text)
  const code: TraktErrorCode =
    // Trakt answers OAuth errors with 400 (invalid_grant with 401 on the older server).
    error && isOAuthErrorCode(error)
      ? error
      : error && status == 400
        ? "OAUTH_ERROR"
        : blocked
          ? "CLOUDFLARE_BLOCKED"
          : (STATUS_CODES[status] ?? (status > 499 ? "SERVER_ERROR" : "HTTP_ERROR"))
  const reason = blocked ? ': Cloudflare blocked it (set the "userAgent" option)' : description ? `: ${description}` : ""
  return new TraktError(code, `${what} answered ${status}${reason}`, {
    status,
    error,
    description,
    retryAfter: retryAfter(response.headers.get("retry-after")),
  })
}
