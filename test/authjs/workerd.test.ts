/**
 * Sign-in, refresh and a Trakt API call inside workerd, Cloudflare Workers'
 * runtime: test/workerd/worker.ts (the Worker docs/edge.md shows) bundled as
 * wrangler would, served by `workerd serve` on loopback, and driven from here
 * over HTTP with real requests and carried cookies, against the Trakt
 * stand-in on loopback. The bundle is built for the browser platform, so any
 * `node:` import fails the build.
 */
import { readFileSync } from "node:fs"
import { decode, type JWT } from "@auth/core/jwt"
import { build } from "esbuild"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { DEFAULT_TOKEN_LIFETIME, sampleWatchlist, startTraktStandIn, type RunningTraktStandIn } from "../../src/testing.js"
import { decideAtTrakt, keepCookies } from "../support/browsing.js"
import { CLIENT_ID, CLIENT_SECRET, settingsFixture } from "../support/handlers.js"
import { allowLoopback } from "../testing/loopback.js"
import { serveInWorkerd, type RunningWorkerd } from "../workerd/serve.js"

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
const AUTH_SECRET = "a-workerd-test-secret-that-is-long-enough-0123456789"
const COOKIE = "authjs.session-token"

/** The Worker, bundled as wrangler bundles one (its export conditions, ESM, no Node built-ins). */
async function bundleWorker(): Promise<string> {
  const result = await build({
    entryPoints: [new URL("../workerd/entry.ts", import.meta.url).pathname],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    define: { __VERSION__: JSON.stringify(version) },
    logLevel: "silent",
  })
  return result.outputFiles[0]!.text
}

/** A browser on the Worker's origin: cookies kept, redirects not followed, so each hop can be asserted. */
class Browser {
  readonly cookies = new Map<string, string>()
  constructor(readonly origin: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "))
    // A hung workerd fails the test instead of hanging it.
    const response = await fetch(new URL(path, this.origin), { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(5_000) })
    keepCookies(this.cookies, response.headers.getSetCookie())
    return response
  }

  async json(path: string): Promise<any> {
    const response = await this.fetch(path)
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200)
    return response.json()
  }

  /** Presses "Sign in with Trakt": the response redirects to Trakt's authorize page. */
  async signIn(): Promise<Response> {
    const { csrfToken } = await this.json("/auth/csrf")
    return this.fetch("/auth/signin/trakt", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${this.origin}/dashboard` }),
    })
  }

  /** The session cookie, decrypted as the Worker would (the tokens live there, not in the session). */
  async sessionToken(): Promise<JWT> {
    const chunks = [...this.cookies].filter(([name]) => name === COOKIE || name.startsWith(`${COOKIE}.`))
    const token = chunks
      .sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))
      .map(([, value]) => value)
      .join("")
    return (await decode({ token, secret: AUTH_SECRET, salt: COOKIE }))!
  }
}

let bundle: string
beforeAll(async () => {
  bundle = await bundleWorker()
})
// The test's own fetch goes to workerd and the stand-in on 127.0.0.1; msw lets it through.
allowLoopback()

/**
 * The compatibility settings a Worker may have. workerd (1.20261123) turns
 * nodejs_compat on by default from the compatibility date 2026-08-04, and with
 * it a `process` whose `env` holds the bindings; `no_nodejs_compat` turns it
 * off, leaving a `process` with an empty `env`. Before that date a Worker
 * without the flag has no `process` at all: the strictest case.
 */
const BINDINGS = ["AUTH_SECRET", "AUTH_TRAKT_ID", "AUTH_TRAKT_SECRET", "TRAKT_BASE_URL"]
const runtimes = [
  {
    name: "without nodejs_compat, before 2026-08-04 (no process)",
    compatibilityDate: "2026-08-03",
    compatibilityFlags: [],
    processEnv: null,
  },
  {
    name: "with no_nodejs_compat (process.env empty)",
    compatibilityDate: "2026-11-23",
    compatibilityFlags: ["no_nodejs_compat"],
    processEnv: [],
  },
  {
    name: "with nodejs_compat, the default (process.env from bindings)",
    compatibilityDate: "2026-11-23",
    compatibilityFlags: [],
    processEnv: BINDINGS,
  },
]

describe.each(runtimes)("in workerd $name", (runtime) => {
  let trakt: RunningTraktStandIn
  let worker: RunningWorkerd
  let callbackUrl: string

  beforeAll(async () => {
    trakt = await startTraktStandIn({
      clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris: [] }],
      users: [{ ...structuredClone(settingsFixture), watchlist: sampleWatchlist() }],
      approve: "page",
    })
    worker = await serveInWorkerd({
      script: bundle,
      compatibilityDate: runtime.compatibilityDate,
      compatibilityFlags: runtime.compatibilityFlags,
      bindings: { AUTH_SECRET, AUTH_TRAKT_ID: CLIENT_ID, AUTH_TRAKT_SECRET: CLIENT_SECRET, TRAKT_BASE_URL: trakt.url },
    })
    // The Worker's port is known only now: register its callback URL at the stand-in.
    callbackUrl = `${worker.url}/auth/callback/trakt`
    trakt.client(CLIENT_ID).redirectUris.push(callbackUrl)
  })
  afterAll(async () => {
    await worker?.stop()
    await trakt?.stop()
    // Auth.js and the package log failures with console.error: a clean run printed nothing.
    expect(worker?.output()).toBe("")
  })

  const refreshes = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")

  /** Signs in through Trakt's consent page with a token that is already due for a refresh. */
  async function signInWithExpiringToken(browser: Browser): Promise<JWT> {
    // The package refreshes a token 60 s before it expires: one that lives 30 s is due at once.
    trakt.tokenLifetime = 30
    try {
      const signIn = await browser.signIn()
      const callback = await browser.fetch(await decideAtTrakt(signIn.headers.get("location")!))
      expect(callback.status, worker.output()).toBe(302)
    } finally {
      trakt.tokenLifetime = DEFAULT_TOKEN_LIFETIME
    }
    return browser.sessionToken()
  }

  test("answers as workerd, with the process this compatibility gives", async () => {
    const answer = await new Browser(worker.url).json("/runtime")
    expect(answer).toEqual({ userAgent: "Cloudflare-Workers", processEnv: runtime.processEnv })
  })

  test("signs in with PKCE, refreshes the expired token once, and calls Trakt", async () => {
    const browser = new Browser(worker.url)
    trakt.tokenLifetime = 30
    const signIn = await browser.signIn()
    expect(signIn.status).toBe(302)
    const authorize = new URL(signIn.headers.get("location")!)
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${trakt.url}/oauth/authorize`)
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: callbackUrl,
      code_challenge_method: "S256",
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/.{16}/),
    })

    // Trakt's consent page, approved: back to the Worker with a code, exchanged with the PKCE verifier.
    const callback = await browser.fetch(await decideAtTrakt(authorize.href))
    trakt.tokenLifetime = DEFAULT_TOKEN_LIFETIME
    expect(callback.status, worker.output()).toBe(302)
    expect(callback.headers.get("location")).toBe(`${worker.url}/dashboard`)
    const exchange = trakt.requests("/oauth/token")
    expect(exchange).toHaveLength(1)
    expect(exchange[0]!.headers["content-type"]).toMatch(/^application\/json/)
    expect(exchange[0]!.headers.authorization).toBeUndefined()
    expect(exchange[0]!.body).toEqual({
      grant_type: "authorization_code",
      code: expect.stringMatching(/^\*\*\*/),
      code_verifier: expect.stringMatching(/^\*\*\*/),
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
      redirect_uri: callbackUrl,
    })
    const first = await browser.sessionToken()
    expect(first.access_token).toEqual(expect.any(String))

    // The first page load after sign-in finds the token expired: traktJwt refreshes it, once.
    const session = await browser.json("/auth/session")
    expect(session.user).toEqual({ name: "Justin Nemeth", image: settingsFixture.user.images.avatar.full })
    expect(session.error).toBeUndefined()
    expect(JSON.stringify(session)).not.toContain(first.access_token)
    expect(refreshes()).toHaveLength(1)
    expect(refreshes()[0]!.headers["content-type"]).toMatch(/^application\/json/)
    expect(refreshes()[0]!.body).toEqual({
      grant_type: "refresh_token",
      refresh_token: trakt.masked(first.refresh_token!),
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
      redirect_uri: callbackUrl,
    })
    const refreshed = await browser.sessionToken()
    expect(refreshed.access_token).not.toBe(first.access_token)
    expect(trakt.isValid(refreshed.access_token!)).toBe(true)

    // An app route: createTraktClient with the cookie's token, Trakt's headers on every call.
    const watchlist = await browser.json("/api/watchlist")
    expect(watchlist).toEqual(sampleWatchlist().map((item) => item.movie?.title ?? item.show?.title))
    const pages = trakt.requests("/users/me/watchlist")
    expect(pages.map((page) => new URL(page.url).search)).toEqual(["?page=1&limit=10", "?page=2&limit=10"])
    for (const page of pages) {
      expect(page.headers).toMatchObject({
        authorization: `Bearer ${trakt.masked(refreshed.access_token!)}`,
        "trakt-api-key": CLIENT_ID,
        "trakt-api-version": "2",
      })
    }
    expect(refreshes()).toHaveLength(1)
  })

  test("two requests at once with an expired token: one refresh, shared between them", async () => {
    const browser = new Browser(worker.url)
    const first = await signInWithExpiringToken(browser)
    const before = refreshes().length
    // A page and its data request, both with the expired cookie: two requests in one isolate.
    const [session, watchlist] = await Promise.all([browser.fetch("/auth/session"), browser.fetch("/api/watchlist")])
    expect([session.status, watchlist.status], worker.output()).toEqual([200, 200])
    expect((await session.json()).error).toBeUndefined()
    expect(await watchlist.json()).toHaveLength(sampleWatchlist().length)
    expect(
      refreshes()
        .slice(before)
        .map((r) => r.body.refresh_token),
    ).toEqual([trakt.masked(first.refresh_token!)])
    expect(trakt.isValid((await browser.sessionToken()).access_token!)).toBe(true)
  })

  test("an app route refreshes first: the next session takes its successor, with no second refresh", async () => {
    const browser = new Browser(worker.url)
    const first = await signInWithExpiringToken(browser)
    const before = refreshes().length
    // The client refreshes; an app route's response does not rewrite the cookie...
    expect(await browser.json("/api/watchlist")).toHaveLength(sampleWatchlist().length)
    expect((await browser.sessionToken()).access_token).toBe(first.access_token)
    // ...so traktJwt meets the spent token next, and finds what the client got.
    const session = await browser.json("/auth/session")
    expect(session.error).toBeUndefined()
    expect(refreshes()).toHaveLength(before + 1)
    const now = await browser.sessionToken()
    expect(now.access_token).not.toBe(first.access_token)
    expect(trakt.isValid(now.access_token!)).toBe(true)
  })
})
