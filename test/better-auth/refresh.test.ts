/**
 * Better Auth's `getAccessToken` with the Trakt plugin, in one process: concurrent
 * calls on an expired token spend Trakt's single-use refresh token once and all
 * get the live successor; a refusal and a passing failure are told apart (and
 * the account keeps its refresh token after the second); the cause reaches the
 * app; and the browser never reads a token over HTTP.
 */
import { describe, expect, test } from "vitest"
import { BetterAuthBrowser, betterAuthApp, type BetterAuthApp } from "../support/better-auth.js"
import { BETTER_AUTH_CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, environments, trakt } from "../support/handlers.js"

/** An app with a user signed in through the real handler: the browser, and the Trakt account row. */
async function signedIn(app: BetterAuthApp) {
  const browser = new BetterAuthBrowser(app)
  await browser.signIn()
  return { browser, account: app.rows.account[0]! }
}

/** `auth.api.getAccessToken`, as server code calls it for the signed-in browser: its token, or the APIError's status and body. */
async function accessToken(app: BetterAuthApp, browser: BetterAuthBrowser, accountId: string) {
  try {
    const { accessToken } = await app.auth.api.getAccessToken({ body: { accountId }, headers: browser.headers() })
    return { accessToken }
  } catch (error) {
    const { statusCode, body } = error as { statusCode: number; body: Record<string, unknown> }
    return { status: statusCode, body }
  }
}

/** Makes the account's stored token expire (by Better Auth's clock; Trakt would still take it a little longer). */
const expire = (account: Record<string, any>) => (account.accessTokenExpiresAt = new Date(Date.now() - 1_000))
const refreshRequests = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")

describe.each(["better-auth", "memory"] as const)("getAccessToken on an expired token (store: %s)", (store) => {
  test("6 calls at once: one refresh at Trakt, as Trakt wants it; the same live token for all; the row holds the new pair", async () => {
    const app = betterAuthApp({ store })
    const { browser, account } = await signedIn(app)
    const spent = account.refreshToken
    expire(account)
    const answers = await Promise.all(Array.from({ length: 6 }, () => accessToken(app, browser, account.id)))

    expect(trakt.refreshes).toEqual({ requested: 1, granted: 1 })
    const [refresh] = refreshRequests()
    expect(refresh!.url).toBe(environments.production.token)
    expect(refresh!.headers["content-type"]).toBe("application/json")
    expect(refresh!.headers.authorization).toBeUndefined()
    expect(refresh!.body).toEqual({
      grant_type: "refresh_token",
      refresh_token: trakt.masked(spent),
      redirect_uri: BETTER_AUTH_CALLBACK_URL,
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
    })
    const [first] = answers
    expect(first!.accessToken).toBeTruthy()
    expect(answers).toEqual(Array(6).fill({ accessToken: first!.accessToken }))
    expect(trakt.isValid(first!.accessToken!)).toBe(true)
    expect(account.accessToken).toBe(first!.accessToken)
    expect(trakt.canRefresh(account.refreshToken)).toBe(true)
    expect(account.accessTokenExpiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000)
    expect(app.errors).toEqual([])
  })
})

describe("when it refreshes", () => {
  test("with more than 5 s left on the stored expiry (Trakt's minus 55 s) it does not; within 5 s it does", async () => {
    const app = betterAuthApp()
    const { browser, account } = await signedIn(app)
    account.accessTokenExpiresAt = new Date(Date.now() + 10_000)
    expect((await accessToken(app, browser, account.id)).accessToken).toBe(account.accessToken)
    expect(trakt.refreshes.requested).toBe(0)
    account.accessTokenExpiresAt = new Date(Date.now() + 3_000)
    const fresh = await accessToken(app, browser, account.id)
    expect(trakt.refreshes).toEqual({ requested: 1, granted: 1 })
    expect(fresh.accessToken).toBe(account.accessToken)
  })
})

describe("a refresh that fails", () => {
  test("Trakt down (503): 503 TRAKT_REFRESH_FAILED for every caller, heard once; the account keeps its refresh token; the next call succeeds", async () => {
    const app = betterAuthApp()
    const { browser, account } = await signedIn(app)
    const kept = account.refreshToken
    expire(account)
    trakt.failNext("/oauth/token", { status: 503 })
    const answers = await Promise.all([1, 2, 3].map(() => accessToken(app, browser, account.id)))
    expect(answers).toEqual(
      Array(3).fill({
        status: 503,
        body: { code: "TRAKT_REFRESH_FAILED", message: expect.stringContaining("try again"), traktCode: "SERVER_ERROR" },
      }),
    )
    expect(account.refreshToken).toBe(kept)
    expect(trakt.canRefresh(kept)).toBe(true)
    // One failure, one report: to onError and to Better Auth's logger.
    expect(app.errors.map((e) => e.code)).toEqual(["SERVER_ERROR"])
    expect(app.logs.filter((line) => line.includes("SERVER_ERROR"))).toHaveLength(1)

    const again = await accessToken(app, browser, account.id)
    expect(trakt.isValid(again.accessToken!)).toBe(true)
    // Two refresh requests in all: the one that met the 503, and the one that worked.
    expect(refreshRequests()).toHaveLength(2)
    expect(trakt.refreshes.granted).toBe(1)
  })

  test("Trakt refusing the refresh token (revoked): 401 TRAKT_REFRESH_REFUSED, sign in again", async () => {
    const app = betterAuthApp()
    const { browser, account } = await signedIn(app)
    trakt.revoke({ token: account.accessToken })
    expire(account)
    expect(await accessToken(app, browser, account.id)).toEqual({
      status: 401,
      body: { code: "TRAKT_REFRESH_REFUSED", message: expect.stringContaining("sign in with Trakt again"), traktCode: "invalid_grant" },
    })
    expect(app.errors.map((e) => e.code)).toEqual(["invalid_grant"])
  })

  test("a refresh Trakt answers with no usable token set: the passing kind, INVALID_RESPONSE", async () => {
    const app = betterAuthApp()
    const { browser, account } = await signedIn(app)
    expire(account)
    trakt.failNext("/oauth/token", { status: 200, body: "{}" })
    expect(await accessToken(app, browser, account.id)).toMatchObject({ status: 503, body: { traktCode: "INVALID_RESPONSE" } })
  })
})

describe("the tokens stay on the server", () => {
  const post = (browser: BetterAuthBrowser, path: string, body: object) =>
    browser.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

  test("the browser's own session cannot read them over HTTP: 403 TRAKT_TOKENS_STAY_ON_THE_SERVER, and nothing is refreshed", async () => {
    const app = betterAuthApp()
    const { browser, account } = await signedIn(app)
    for (const path of ["/api/auth/get-access-token", "/api/auth/refresh-token"]) {
      const response = await post(browser, path, { accountId: account.id })
      expect(response.status).toBe(403)
      const text = await response.text()
      expect(JSON.parse(text)).toMatchObject({ code: "TRAKT_TOKENS_STAY_ON_THE_SERVER" })
      expect(text).not.toContain(account.accessToken)
      expect(text).not.toContain(account.refreshToken)
    }
    expect(trakt.refreshes.requested).toBe(0)
    // Server code still reads it.
    expect((await accessToken(app, browser, account.id)).accessToken).toBe(account.accessToken)
  })

  test("exposeTokens: true lets the browser read its access token, as Better Auth alone does", async () => {
    const app = betterAuthApp({ exposeTokens: true })
    const { browser, account } = await signedIn(app)
    const response = await post(browser, "/api/auth/get-access-token", { accountId: account.id })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ accessToken: account.accessToken })
  })

  test("what Better Auth answers the browser otherwise holds no token: the session, the accounts", async () => {
    const app = betterAuthApp()
    const { browser, account } = await signedIn(app)
    for (const path of ["/api/auth/get-session", "/api/auth/list-accounts"]) {
      const text = await (await browser.request(path)).text()
      expect(text.length).toBeGreaterThan(10)
      expect(text).not.toContain(account.accessToken)
      expect(text).not.toContain(account.refreshToken)
    }
  })
})
