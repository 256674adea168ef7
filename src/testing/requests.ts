/**
 * The requests the stand-in received, kept with every secret masked so that a
 * test can print them. A masked secret is `***` and a short fingerprint, so a
 * test can still tell which token an app sent (`masked(token)`) without the
 * token itself being kept or printed.
 */
import { createHash } from "node:crypto"

/** One request as the stand-in received it. */
export interface TraktStandInRequest {
  method: string
  /** The full URL, query included. */
  url: string
  /** The path, e.g. `/oauth/token`. */
  path: string
  /** Lower-case names. `authorization` keeps its scheme: `Bearer ***1a2b3c4d`. */
  headers: Record<string, string>
  /** The parsed JSON body, the raw text when it was not JSON, or undefined. */
  body?: any
  /** The status the stand-in answered with (undefined while it hangs). */
  status?: number
}

/**
 * The form a secret takes in the requests kept: `***` and 8 hex digits of its
 * SHA-256, enough to tell two tokens apart, not to recover one.
 */
export const masked = (secret: string) => `***${createHash("sha256").update(secret).digest("hex").slice(0, 8)}`
const SECRET_FIELDS = new Set(["client_secret", "code", "code_verifier", "refresh_token", "access_token", "token"])
const SECRET_HEADERS = new Set(["cookie", "trakt-api-secret"])

function maskHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    const scheme = name === "authorization" ? /^(\S+)\s+(.*)$/s.exec(value) : null
    if (scheme) out[name] = `${scheme[1]} ${masked(scheme[2]!)}`
    else out[name] = name === "authorization" || SECRET_HEADERS.has(name) ? masked(value) : value
  })
  return out
}

function maskFields(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) && typeof v === "string" && v !== "" ? masked(v) : v]),
  )
}

/** Masks secrets in a body: JSON objects and form fields alike. */
export function maskBody(text: string, parsed: unknown): unknown {
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return maskFields(parsed as Record<string, unknown>)
  if (parsed !== undefined || !text) return parsed
  if (/^[\w.%+-]+=/.test(text)) {
    const form = new URLSearchParams(text)
    for (const name of SECRET_FIELDS) if (form.get(name)) form.set(name, masked(form.get(name)!))
    return form.toString()
  }
  return text
}

export function maskUrl(url: URL): string {
  const copy = new URL(url)
  for (const name of SECRET_FIELDS) if (copy.searchParams.get(name)) copy.searchParams.set(name, masked(copy.searchParams.get(name)!))
  return copy.href
}

export function recordOf(request: Request, url: URL, text: string, parsed: unknown): TraktStandInRequest {
  return {
    method: request.method,
    url: maskUrl(url),
    path: url.pathname,
    headers: maskHeaders(request.headers),
    body: maskBody(text, parsed),
  }
}
