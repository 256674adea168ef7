/** The requests the stand-in received, kept with every secret masked so that a test can print them. */

/** One request as the stand-in received it. */
export interface TraktStandInRequest {
  method: string
  /** The full URL, query included. */
  url: string
  /** The path, e.g. `/oauth/token`. */
  path: string
  /** Lower-case names. `authorization` keeps its scheme: `Bearer ***`. */
  headers: Record<string, string>
  /** The parsed JSON body, the raw text when it was not JSON, or undefined. */
  body?: any
  /** The status the stand-in answered with (undefined while it hangs). */
  status?: number
}

/** What is masked, wherever it appears: a value the test never needs to read back. */
export const MASK = "***"
const SECRET_FIELDS = new Set(["client_secret", "code", "code_verifier", "refresh_token", "access_token", "token"])
const SECRET_HEADERS = new Set(["cookie", "trakt-api-secret"])

function maskHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    if (name === "authorization") out[name] = value.replace(/^(\S+\s+).*$/s, `$1${MASK}`).replace(/^[^\s]+$/, MASK)
    else out[name] = SECRET_HEADERS.has(name) ? MASK : value
  })
  return out
}

function maskFields(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) && typeof v === "string" && v !== "" ? MASK : v]),
  )
}

/** Masks secrets in a body: JSON objects and form fields alike. */
export function maskBody(text: string, parsed: unknown): unknown {
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return maskFields(parsed as Record<string, unknown>)
  if (parsed !== undefined || !text) return parsed
  if (/^[\w.%+-]+=/.test(text)) {
    const form = new URLSearchParams(text)
    for (const name of SECRET_FIELDS) if (form.get(name)) form.set(name, MASK)
    return form.toString()
  }
  return text
}

export function maskUrl(url: URL): string {
  const masked = new URL(url)
  for (const name of SECRET_FIELDS) if (masked.searchParams.get(name)) masked.searchParams.set(name, MASK)
  return masked.href
}

export function recordOf(request: Request, url: URL, text: string, parsed: unknown): TraktStandInRequest {
  return { method: request.method, url: maskUrl(url), path: url.pathname, headers: maskHeaders(request.headers), body: maskBody(text, parsed) }
}
