/**
 * Drives next-auth v4's real API route handler (`NextAuth(req, res, options)`,
 * what `pages/api/auth/[...nextauth].ts` exports) the way a browser meets it:
 * Next's request and response objects reduced to what the handler uses,
 * cookies carried from each response to the next.
 */
import * as nextAuth from "next-auth"
import type { AuthOptions } from "next-auth"
import { decideAtTrakt, keepCookies } from "./browsing.js"
import { ORIGIN } from "./constants.js"

type ApiHandler = (req: unknown, res: unknown, options: AuthOptions) => Promise<unknown>
// next-auth v4 is CommonJS: from Node's ESM its `default` is the exports object
// (whose `default` is NextAuth); vitest hands over NextAuth itself.
const NextAuth = ((nextAuth.default as unknown as { default?: ApiHandler }).default ?? nextAuth.default) as unknown as ApiHandler

/** What next-auth v4's logger received. */
export interface V4Logs {
  errors: { code: string; metadata: any }[]
}

/** next-auth v4 options with a logger that records errors, and a test secret. */
export function v4Options(options: Omit<AuthOptions, "logger" | "secret">): AuthOptions & { logs: V4Logs } {
  const logs: V4Logs = { errors: [] }
  return {
    secret: "a-test-secret-that-is-long-enough-for-next-auth-v4",
    ...options,
    logger: {
      error: (code, metadata) => logs.errors.push({ code, metadata }),
      warn() {},
      debug() {},
    },
    logs,
  }
}

/** The slice of Next's `NextApiResponse` the handler uses. */
class ApiResponse {
  statusCode = 200
  readonly headers = new Map<string, string | string[]>()
  body: unknown
  status(code: number) {
    this.statusCode = code
    return this
  }
  setHeader(name: string, value: string | string[]) {
    this.headers.set(name.toLowerCase(), value)
    return this
  }
  getHeader(name: string) {
    return this.headers.get(name.toLowerCase())
  }
  end(body?: unknown) {
    this.body = body
    return this
  }
  send(body: unknown) {
    return this.end(body)
  }
  json(body: unknown) {
    return this.end(body)
  }
}

export interface V4Response {
  status: number
  location: string | null
  body: any
}

export class V4Browser {
  readonly cookies = new Map<string, string>()

  constructor(readonly options: AuthOptions) {}

  /** Sends a request for `path` (under /api/auth) through next-auth's API route. */
  async request(path: string, form?: Record<string, string>): Promise<V4Response> {
    const url = new URL(path, ORIGIN)
    const req = {
      method: form ? "POST" : "GET",
      url: url.pathname + url.search,
      // What Next's router gives a catch-all route: the segments after /api/auth.
      query: {
        ...Object.fromEntries(url.searchParams),
        nextauth: url.pathname
          .replace(/^\/api\/auth\/?/, "")
          .split("/")
          .filter(Boolean),
      },
      // Next hands the route its cookies decoded.
      cookies: Object.fromEntries([...this.cookies].map(([name, value]) => [name, decodeURIComponent(value)])),
      headers: {
        host: url.host,
        ...(this.cookies.size && { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") }),
        ...(form && { "content-type": "application/x-www-form-urlencoded" }),
      },
      body: form,
    }
    const res = new ApiResponse()
    await NextAuth(req, res, this.options)
    const setCookie = res.getHeader("set-cookie") ?? []
    keepCookies(this.cookies, Array.isArray(setCookie) ? setCookie : [setCookie])
    return { status: res.statusCode, location: (res.getHeader("location") as string | undefined) ?? null, body: res.body }
  }

  /** Presses "Sign in with Trakt": returns where next-auth redirects the browser. */
  async signIn(callbackUrl = `${ORIGIN}/dashboard`): Promise<V4Response> {
    const { csrfToken } = (await this.request("/api/auth/csrf")).body as { csrfToken: string }
    return this.request("/api/auth/signin/trakt", { csrfToken, callbackUrl })
  }

  /** At Trakt's consent page, presses Approve (or Deny): returns the callback URL Trakt redirects to. */
  decideAtTrakt(authorizeUrl: string, decision: "approve" | "deny" = "approve"): Promise<string> {
    return decideAtTrakt(authorizeUrl, decision)
  }

  /** Follows Trakt's redirect back into the app. */
  callback(callbackUrl: string): Promise<V4Response> {
    const url = new URL(callbackUrl)
    return this.request(url.pathname + url.search)
  }

  /** The whole round trip: sign-in POST, Trakt's consent, callback. */
  async signInWithTrakt(decision: "approve" | "deny" = "approve"): Promise<V4Response> {
    const signIn = await this.signIn()
    return this.callback(await this.decideAtTrakt(signIn.location!, decision))
  }

  async session(): Promise<any> {
    return (await this.request("/api/auth/session")).body
  }
}
