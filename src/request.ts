/** The one way this package talks to Trakt: headers, timeout, JSON, errors. */
import { invalidOption } from "./options.js"
import { isOAuthErrorCode, missingClientId, TraktError, type TraktErrorCode } from "./errors.js"

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

/** Validates the request options once, naming the option that is wrong. */
export function createTransport({
  userAgent = `authjs-trakt/${__VERSION__}`,
  timeout = 10_000,
  fetch,
}: TraktRequestOptions & { fetch?: typeof globalThis.fetch }): Transport {
  if (typeof userAgent !== "string" || !/^[^\r\n]*\S[^\r\n]*$/.test(userAgent)) {
    throw invalidOption("userAgent", "must be a non-empty single line")
  }
  if (typeof timeout != "number" || !(timeout > 0 && timeout < Infinity)) {
    throw invalidOption("timeout", "must be a positive number (ms)")
  }
  return { userAgent, timeout, fetch: () => fetch ?? globalThis.fetch }
}

/** One request to Trakt. A `json` body makes it a POST. */
export interface TraktRequest {
  json?: object
  headers?: Record<string, string>
}

/**
 * Sends one request to Trakt and parses the JSON of its 2xx answer; every other
 * outcome is a {@link TraktError}. Messages name the method and path only, never
 * a query, a body or a header, so no token or secret reaches a log line.
 */
export async function sendJson(t: Transport, url: string, { json, headers }: TraktRequest = {}): Promise<unknown> {
  const what = `${json ? "POST" : "GET"} ${new URL(url).pathname}`
  const signal = AbortSignal.timeout(t.timeout)
  // A custom fetch (or a stalled body) may not heed the signal, so race it too.
  const timedOut = new Promise<never>((_, reject) => (signal.onabort = () => reject(signal.reason)))
  timedOut.catch(() => {})
  let response: Response
  let text: string
  try {
    response = await Promise.race([
      t.fetch()(url, {
        method: json ? "POST" : "GET",
        headers: {
          ...headers,
          "user-agent": t.userAgent,
          accept: "application/json",
          // Trakt documents this header on every call, GETs included (412 otherwise).
          "content-type": "application/json",
        },
        body: json && JSON.stringify(json),
        // Never replay a body that carries client credentials to another host.
        redirect: "manual",
        signal,
      }),
      timedOut,
    ])
    text = await Promise.race([response.text(), timedOut])
  } catch (cause) {
    const code = (cause as Error)?.name === "TimeoutError" ? "TIMEOUT" : "NETWORK_ERROR"
    throw new TraktError(code, `${what} got no answer`, { cause })
  }
  const { status } = response
  let body: any
  try {
    // Trakt answers some POSTs (revoke) with an empty body.
    body = text ? JSON.parse(text) : undefined
  } catch (cause) {
    if (response.ok) throw new TraktError("INVALID_RESPONSE", `${what} answered ${status}, not JSON`, { status, cause })
  }
  if (response.ok) return body
  throw errorFor(what, response, body, /^\s*</.test(text))
}

/**
 * A token or revoke body with the client credentials in it, where Trakt wants
 * them (it rejects HTTP Basic). A PKCE-only app has no secret and sends none.
 */
export function withCredentials(
  json: Record<string, string>,
  clientId: string | undefined,
  clientSecret: string | undefined,
): Record<string, string> {
  if (!clientId) throw missingClientId()
  return { ...json, client_id: clientId, ...(clientSecret && { client_secret: clientSecret }) }
}

/** Reads `Retry-After`: seconds, as Trakt sends it, or an HTTP date. */
function retryAfter(value: string | null): number | undefined {
  const seconds = value ? (/^\d+$/.test(value) ? +value : Math.ceil((Date.parse(value) - Date.now()) / 1000)) : NaN
  return seconds >= 0 ? seconds : undefined
}

/** The codes a status means by itself, when the body says nothing more precise. */
const STATUS_CODES: Record<number, TraktErrorCode> = {
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  423: "ACCOUNT_LOCKED",
  429: "RATE_LIMITED",
}

function errorFor(what: string, response: Response, body: any, html: boolean): TraktError {
  const { status } = response
  const error = typeof body?.error === "string" ? body.error : undefined
  const description = typeof body?.error_description === "string" ? body.error_description : undefined
  const blocked = status == 403 && html
  const code: TraktErrorCode =
    // Trakt answers OAuth errors with 400 (invalid_grant with 401 on the older server).
    error && isOAuthErrorCode(error)
      ? error
      : error && status == 400
        ? "OAUTH_ERROR"
        : blocked
          ? "CLOUDFLARE_BLOCKED"
          : STATUS_CODES[status] ?? (status > 499 ? "SERVER_ERROR" : "HTTP_ERROR")
  const reason = blocked ? ': Cloudflare blocked it (set the "userAgent" option)' : description ? `: ${description}` : ""
  return new TraktError(code, `${what} answered ${status}${reason}`, {
    status,
    error,
    description,
    retryAfter: retryAfter(response.headers.get("retry-after")),
  })
}
