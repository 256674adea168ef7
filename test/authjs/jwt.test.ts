/**
 * Token rotation through Auth(): the JWT helper, the database recipe with a
 * real adapter, and revocation on sign-out. The clock moves; Trakt's 7-day
 * tokens expire at the stand-in exactly as they would at Trakt.
 */
import type { AuthConfig } from "@auth/core"
import { http, HttpResponse } from "msw"
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest"
import Trakt, { refreshTraktAccount, revokeTraktToken, traktJwt, type TraktError } from "../../src/index.js"
import { authConfig, Browser } from "../support/browser.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, environments, ORIGIN, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"

const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
const refreshOptions = { ...credentials, redirectUri: CALLBACK_URL }
const EIGHT_DAYS = 8 * 24 * 60 * 60 * 1000

beforeEach(() => {
  // Only Date: real timers keep driving msw and the request timeouts.
  vi.useFakeTimers({ toFake: ["Date"] })
})
afterEach(() => {
  vi.useRealTimers()
})

const refreshRequests = () => trakt.requests("/oauth/token").filter((r) => r.body.grant_type === "refresh_token")

/** A JWT-session app using traktJwt; its session exposes the access token so the test can check it at Trakt. */
function jwtApp(overrides: Partial<AuthConfig> = {}, onError: (error: TraktError) => void = () => {}) {
  return authConfig([Trakt(credentials)], {
    callbacks: {
      jwt: traktJwt({ ...refreshOptions, onError }),
      session: ({ session, token }) => ({ ...session, error: token.error, accessToken: token.access_token }),
    },
    ...overrides,
  })
}

describe("traktJwt (JWT sessions)", () => {
  test("stores the tokens at sign-in and leaves a valid token alone", async () => {
    const browser = new Browser(jwtApp())
    await browser.signInWithTrakt()
    const session = await browser.session()
    expect(session.error).toBeUndefined()
    expect(trakt.isValid(session.accessToken)).toBe(true)
    vi.setSystemTime(Date.now() + 6 * 24 * 60 * 60 * 1000) // 6 days: still valid
    expect((await browser.session()).accessToken).toBe(session.accessToken)
    expect(refreshRequests()).toEqual([])
  })

  test("once the access token has expired, the session is backed by a new one after exactly one refresh", async () => {
    const browser = new Browser(jwtApp())
    await browser.signInWithTrakt()
    const first = await browser.session()
    const firstRefreshToken = trakt.requests("/oauth/token").length && (await tokenOf(browser)).refresh_token

    vi.setSystemTime(Date.now() + EIGHT_DAYS)
    expect(trakt.isValid(first.accessToken)).toBe(false)
    const second = await browser.session()
    expect(second.error).toBeUndefined()
    expect(second.accessToken).not.toBe(first.accessToken)
    expect(trakt.isValid(second.accessToken)).toBe(true)

    expect(refreshRequests()).toHaveLength(1)
    expect(refreshRequests()[0]!.url).toBe(environments.production.token)
    expect(refreshRequests()[0]!.body).toEqual({
      grant_type: "refresh_token",
      refresh_token: trakt.masked(String(firstRefreshToken)),
      redirect_uri: CALLBACK_URL,
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
    })
    // The new pair went into the cookie: the next request neither refreshes nor fails.
    expect((await browser.session()).accessToken).toBe(second.accessToken)
    expect(refreshRequests()).toHaveLength(1)
  })

  test("two concurrent requests carrying the same expired token cause one refresh, not two", async () => {
    const browser = new Browser(jwtApp())
    await browser.signInWithTrakt()
    vi.setSystemTime(Date.now() + EIGHT_DAYS)
    const [a, b] = await Promise.all([browser.auth("/auth/session"), browser.auth("/auth/session")])
    const [sessionA, sessionB] = [await a.json(), await b.json()]
    expect(refreshRequests()).toHaveLength(1)
    expect(sessionA.error).toBeUndefined()
    expect(sessionB.accessToken).toBe(sessionA.accessToken)
    expect(trakt.isValid(sessionA.accessToken)).toBe(true)
  })

  test("a request that still carries the spent refresh token gets the new pair, not invalid_grant", async () => {
    const browser = new Browser(jwtApp())
    await browser.signInWithTrakt()
    const staleCookies = new Map(browser.cookies)
    vi.setSystemTime(Date.now() + EIGHT_DAYS)
    const fresh = await browser.session()
    // Another tab sent its request before the new cookie arrived.
    const otherTab = new Browser(browser.config)
    for (const [k, v] of staleCookies) otherTab.cookies.set(k, v)
    const late = await otherTab.session()
    expect(late.error).toBeUndefined()
    expect(late.accessToken).toBe(fresh.accessToken)
    expect(refreshRequests()).toHaveLength(1)
  })

  test("a refused refresh marks the session with RefreshTokenError, throws nothing, and is not retried for a while", async () => {
    const errors: TraktError[] = []
    const config = jwtApp({}, (error) => errors.push(error))
    const browser = new Browser(config)
    await browser.signInWithTrakt()
    const refused: string[] = []
    server.use(
      http.post(environments.production.token, async ({ request }) => {
        refused.push(((await request.json()) as { refresh_token: string }).refresh_token)
        return HttpResponse.json({ error: "invalid_grant" }, { status: 400 })
      }),
    )
    vi.setSystemTime(Date.now() + EIGHT_DAYS)

    const response = await browser.auth("/auth/session")
    expect(response.status).toBe(200)
    expect((await response.json()).error).toBe("RefreshTokenError")
    expect(config.logs.errors).toEqual([])
    expect(errors.map((e) => e.code)).toEqual(["invalid_grant"])
    // No request hammers Trakt with the refused token...
    expect((await browser.session()).error).toBe("RefreshTokenError")
    expect(refused).toHaveLength(1)
    // ...but it stays in the cookie: a refusal may be the app's configuration,
    // and a fixed deployment (or this one, 5 minutes on) tries it again.
    const kept = (await tokenOf(browser)).refresh_token
    expect(kept).toBe(refused[0])
    vi.setSystemTime(Date.now() + 5 * 60_000 + 1)
    await browser.session()
    expect(refused).toEqual([kept, kept])
  })

  test("a transient failure keeps the tokens, tells nobody to sign in again, reaches onError, and the next request recovers", async () => {
    const errors: TraktError[] = []
    const browser = new Browser(jwtApp({}, (error) => errors.push(error)))
    await browser.signInWithTrakt()
    const before = await tokenOf(browser)
    server.use(http.post(environments.production.token, () => new HttpResponse(null, { status: 503 }), { once: true }))
    vi.setSystemTime(Date.now() + EIGHT_DAYS)
    const during = await browser.session()
    expect(during.error).toBeUndefined()
    expect(during.accessToken).toBe(before.access_token)
    expect((await tokenOf(browser)).refresh_token).toBe(before.refresh_token)
    expect(errors.map((e) => e.code)).toEqual(["SERVER_ERROR"])
    const recovered = await browser.session()
    expect(recovered.error).toBeUndefined()
    expect(trakt.isValid(recovered.accessToken)).toBe(true)
  })

  test("a token from before Trakt's migration (400 invalid_grant) asks for a new sign-in", async () => {
    const token = await traktJwt({ ...refreshOptions, onError() {} })({
      token: { access_token: "old", refresh_token: "pre-migration", expires_at: Math.floor(Date.now() / 1000) - 1 },
    })
    expect(token).toMatchObject({ error: "RefreshTokenError", access_token: "old", refresh_token: "pre-migration" })
    expect(refreshRequests()[0]!.body.refresh_token).toBe(trakt.masked("pre-migration"))
  })

  test("tokens of another provider are left alone", async () => {
    const jwt = traktJwt(refreshOptions)
    const token = { sub: "1" }
    const account = { provider: "github", type: "oauth" as const, providerAccountId: "1", access_token: "gh" }
    expect(await jwt({ token, account })).toBe(token)
    expect(await jwt({ token })).toBe(token)
    expect(trakt.requests()).toEqual([])
  })
})

describe("refreshTraktAccount (database sessions)", () => {
  test("returns null while valid, fails with a TraktError when Trakt refuses", async () => {
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const now = Math.floor(Date.now() / 1000)
    const reported: string[] = []
    const options = { ...refreshOptions, onError: (error: TraktError) => void reported.push(error.code) }
    expect(await refreshTraktAccount({ ...issued, expires_at: now + 3600 }, options)).toBeNull()
    // Within the clock skew counts as expired.
    const fresh = await refreshTraktAccount({ ...issued, expires_at: now + 30 }, options)
    expect(fresh?.access_token).toEqual(expect.any(String))
    await expect(refreshTraktAccount({ refresh_token: "unknown", expires_at: now - 1 }, options)).rejects.toMatchObject({
      name: "TraktError",
      code: "invalid_grant",
      status: 400,
    })
    // Thrown, and reported once: the failure, not the two that went well.
    expect(reported).toEqual(["invalid_grant"])
  })
})

describe("revoking on sign-out", () => {
  test("the events.signOut recipe revokes the Trakt token and the session ends", async () => {
    const config = jwtApp({
      events: {
        // The recipe from the README.
        async signOut(message) {
          const token = "token" in message ? message.token?.access_token : undefined
          if (token) await revokeTraktToken({ ...credentials, token })
        },
      },
    })
    const browser = new Browser(config)
    await browser.signInWithTrakt()
    const { accessToken } = await browser.session()
    const csrfToken = await browser.csrfToken()
    const response = await browser.auth("/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken }),
    })
    expect(response.status).toBe(302)
    expect(config.logs.errors).toEqual([])
    const [revoke] = trakt.requests("/oauth/revoke")
    expect(revoke!.body).toEqual({ token: trakt.masked(accessToken), client_id: CLIENT_ID, client_secret: trakt.masked(CLIENT_SECRET) })
    expect(trakt.isValid(accessToken)).toBe(false)
    expect(await browser.session()).toBeNull()
    expect(response.headers.get("location")).toBe(`${ORIGIN}/dashboard`)
  })
})

/** Decodes the browser's session cookie, as the server sees it. */
async function tokenOf(browser: Browser) {
  const { decode } = await import("@auth/core/jwt")
  const { AUTH_SECRET } = await import("../support/browser.js")
  const token = await decode({ token: browser.cookies.get("authjs.session-token"), secret: AUTH_SECRET, salt: "authjs.session-token" })
  return token!
}
