/**
 * Drives Auth.js the way a browser does: real `Request`s into `Auth()`, cookies
 * carried from each response to the next, redirects followed by hand so each
 * hop can be asserted.
 */
import type { AuthConfig } from "@auth/core"
import { Auth } from "./auth-core.js"
import type { Provider } from "@auth/core/providers"
import { decideAtTrakt, keepCookies } from "./browsing.js"
import { ORIGIN } from "./constants.js"

export const AUTH_SECRET = "a-test-secret-that-is-long-enough-for-jose-0123456789"

/** What `logger.error` / `logger.warn` received during a flow. */
export interface Logs {
  errors: Error[]
  warnings: string[]
}

export function authConfig(providers: Provider[], overrides: Partial<AuthConfig> = {}): AuthConfig & { logs: Logs } {
  const logs: Logs = { errors: [], warnings: [] }
  return {
    secret: AUTH_SECRET,
    trustHost: true,
    basePath: "/auth",
    providers,
    logger: {
      error: (error) => logs.errors.push(error),
      warn: (code) => logs.warnings.push(code),
      debug() {},
    },
    ...overrides,
    logs,
  }
}

/** Flattens an error with its causes (and Auth.js's `cause.err`) into text. */
export function describeError(value: unknown, depth = 0): string {
  if (depth > 5 || value == null) return String(value)
  if (value instanceof Error) {
    const cause = (value as any).cause
    return `${value.name}: ${value.message}\n${value.stack}\n${describeError(cause?.err ?? cause, depth + 1)}`
  }
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

export class Browser {
  readonly cookies = new Map<string, string>()

  constructor(readonly config: AuthConfig) {}

  private store(response: Response) {
    keepCookies(this.cookies, response.headers.getSetCookie())
  }

  private get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ")
  }

  /** Sends a request for `path` (on the app's origin) through `Auth()`. */
  async auth(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set("cookie", this.cookieHeader)
    const response = await Auth(new Request(new URL(path, ORIGIN), { ...init, headers }), this.config)
    this.store(response)
    return response
  }

  async csrfToken(): Promise<string> {
    const response = await this.auth("/auth/csrf")
    return ((await response.json()) as { csrfToken: string }).csrfToken
  }

  /** Presses "Sign in with Trakt": returns where Auth.js redirects the browser. */
  async signIn(providerId = "trakt", callbackUrl = `${ORIGIN}/dashboard`): Promise<Response> {
    const csrfToken = await this.csrfToken()
    return this.auth(`/auth/signin/${providerId}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl }),
    })
  }

  /** At Trakt's consent page, presses Approve (or Deny): returns the callback URL Trakt redirects to. */
  decideAtTrakt(authorizeUrl: string, decision: "approve" | "deny" = "approve"): Promise<string> {
    return decideAtTrakt(authorizeUrl, decision)
  }

  /** Follows Trakt's redirect back into the app. */
  async callback(callbackUrl: string): Promise<Response> {
    const url = new URL(callbackUrl)
    return this.auth(url.pathname + url.search)
  }

  /** The whole round trip: sign-in POST, Trakt's consent, callback. Returns the callback's response. */
  async signInWithTrakt(decision: "approve" | "deny" = "approve"): Promise<Response> {
    const signIn = await this.signIn()
    const authorizeUrl = signIn.headers.get("location")!
    return this.callback(await this.decideAtTrakt(authorizeUrl, decision))
  }

  async session(): Promise<any> {
    const response = await this.auth("/auth/session")
    return response.json()
  }
}
