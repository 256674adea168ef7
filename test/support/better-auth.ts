/**
 * A Better Auth app with the Trakt plugin, on Better Auth's memory adapter (its
 * rows are plain arrays a test can read and change), and a browser that drives
 * its real handler with real Requests and carries cookies. Trakt is the unit
 * tests' stand-in behind msw (handlers.ts).
 */
import { betterAuth, type BetterAuthOptions } from "better-auth"
import { memoryAdapter } from "better-auth/adapters/memory"
import { trakt as traktPlugin, type TraktPluginOptions } from "../../src/better-auth.js"
import type { TraktError } from "../../src/index.js"
import { decideAtTrakt, keepCookies } from "./browsing.js"
import { CLIENT_ID, CLIENT_SECRET, ORIGIN } from "./constants.js"

/** Better Auth's tables, as its memory adapter keeps them. */
export type Rows = Record<"user" | "session" | "account" | "verification", Record<string, any>[]>

export const newRows = (): Rows => ({ user: [], session: [], account: [], verification: [] })

/** An app: `auth`, its rows, what reached `onError` and what Better Auth logged. */
export function betterAuthApp(plugin: TraktPluginOptions = {}, more: Partial<BetterAuthOptions> & { rows?: Rows } = {}) {
  const { rows = newRows(), ...options } = more
  const errors: TraktError[] = []
  const logs: string[] = []
  const auth = betterAuth({
    baseURL: ORIGIN,
    secret: "a-better-auth-test-secret-of-forty-chars-00",
    database: memoryAdapter(rows),
    logger: { log: (level, message) => void logs.push(`${level} ${message}`) },
    plugins: [traktPlugin({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, onError: (error) => void errors.push(error), ...plugin })],
    ...options,
  })
  return { auth, rows, errors, logs }
}

export type BetterAuthApp = ReturnType<typeof betterAuthApp>

/** A browser on the app: keeps its cookies, never follows a redirect by itself. */
export class BetterAuthBrowser {
  readonly cookies = new Map<string, string>()
  constructor(private readonly app: BetterAuthApp) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "))
    headers.set("origin", ORIGIN)
    const response = await this.app.auth.handler(new Request(new URL(path, ORIGIN), { ...init, headers, redirect: "manual" }))
    keepCookies(this.cookies, response.headers.getSetCookie())
    return response
  }

  /** The headers a server call on this browser's behalf carries (`auth.api.*({ headers })`). */
  headers(): Headers {
    return new Headers({ cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") })
  }

  /** `POST /api/auth/sign-in/social`, as `authClient.signIn.social({ provider: "trakt" })` sends it. */
  async startSignIn(body: Record<string, unknown> = {}): Promise<{ response: Response; authorize: URL }> {
    const response = await this.request("/api/auth/sign-in/social", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: "trakt", callbackURL: "/dashboard", ...body }),
    })
    const { url } = (await response.clone().json()) as { url?: string }
    return { response, authorize: new URL(url ?? "about:blank") }
  }

  /** Signs in with Trakt: start, decide at Trakt's consent page, back to the callback. */
  async signIn(decision: "approve" | "deny" = "approve", body: Record<string, unknown> = {}) {
    const { authorize } = await this.startSignIn(body)
    const back = new URL(await decideAtTrakt(authorize.href, decision))
    const callback = await this.request(back.pathname + back.search)
    return { authorize, back, callback, location: callback.headers.get("location") }
  }

  async session(): Promise<{ user: Record<string, any>; session: Record<string, any> } | null> {
    return (await this.request("/api/auth/get-session")).json()
  }
}
