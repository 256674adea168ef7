/** The redirect URI (Auth.js calls it the callback URL) a refresh sends Trakt, which wants the registered one on refreshes too. */
import { readEnv } from "../util/env.js"
import { invalidOption, TraktError } from "../errors.js"

/**
 * The redirect URI a `redirectUri` option (or AUTH_URL) stands for, read the way
 * next-auth reads `AUTH_URL`: a URL ending in `/callback/<providerId>` is used
 * as it is; any other URL is Auth.js's base URL (origin + base path) and gets
 * `/callback/<providerId>`; a bare origin gets next-auth's `/api/auth` first.
 * A value that is no absolute URL fails with `INVALID_OPTION` naming `option`.
 */
export function redirectUriOf(value: string, providerId = "trakt", option = "redirectUri"): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalidOption(option, "must be an absolute URL (https://example.com/api/auth)", value)
  }
  const path = url.pathname.replace(/\/+$/, "")
  const callback = `/callback/${providerId}`
  return url.origin + (path.endsWith(callback) ? path : `${path || "/api/auth"}${callback}`)
}

/** Where a refresh's callback URL may come from, in order. */
export interface RedirectUriSources {
  /** The one the user signed in with, which Trakt accepted then. */
  recorded?: unknown
  /** The `redirectUri` option. */
  redirectUri?: string
  providerId?: string
}

/**
 * The callback URL a refresh sends: the sign-in's own, else `redirectUri`, else
 * AUTH_URL / NEXTAUTH_URL. Throws `MISSING_REDIRECT_URI` when there is none,
 * `INVALID_OPTION` when it is no URL.
 */
export function redirectUriFor({ recorded, redirectUri, providerId = "trakt" }: RedirectUriSources): string {
  if (typeof recorded === "string" && recorded) return recorded
  const option = redirectUri !== undefined ? "redirectUri" : readEnv("AUTH_URL") ? "AUTH_URL" : "NEXTAUTH_URL"
  const value = redirectUri ?? readEnv(option)
  if (!value) throw new TraktError("MISSING_REDIRECT_URI", 'no callback URL: pass "redirectUri" or set AUTH_URL')
  return redirectUriOf(value, providerId, option)
}
