/**
 * After a Better Auth sign-in, on the server: `traktClient` (the user's Trakt
 * client, sharing refreshes with `getAccessToken`), the plugin's avatar route,
 * the revoke when the account goes, Better Auth's token encryption, and a real
 * SQL database whose tables come from Better Auth's own migrations.
 */
import { DatabaseSync } from "node:sqlite"
import { getMigrations } from "better-auth/db/migration"
import { http, HttpResponse } from "msw"
import { describe, expect, test } from "vitest"
import { traktClient } from "../../src/better-auth.js"
import { BetterAuthBrowser, betterAuthApp, type BetterAuthApp } from "../support/better-auth.js"
import { CLIENT_ID, environments, settingsFixture, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"

async function signedIn(app: BetterAuthApp) {
  const browser = new BetterAuthBrowser(app)
  await browser.signIn()
  return { browser, account: app.rows.account[0]! }
}

const WATCHLIST = `${environments.production.api}/users/me/watchlist/movies`
const watchlistCalls = () => trakt.requests("/users/me/watchlist/movies")

describe("traktClient", () => {
  test("the signed-in user's client: Trakt's headers, the account's token, the watchlist", async () => {
    const app = betterAuthApp()
    const { browser, account } = await signedIn(app)
    const client = await traktClient(app.auth, { headers: browser.headers() })
    const movies = await client.get<{ movie: { title: string } }[]>("/users/me/watchlist/movies")
    expect(movies.length).toBeGreaterThan(0)
    const [call] = watchlistCalls()
    expect(call!.url).toBe(WATCHLIST)
    expect(call!.headers).toMatchObject({
      "trakt-api-key": CLIENT_ID,
      "trakt-api-version": "2",
      authorization: `Bearer ${trakt.masked(account.accessToken)}`,
    })
  })

  test("nobody signed in: every call fails with UNAUTHORIZED and nothing is sent", async () => {
    const app = betterAuthApp()
    const client = await traktClient(app.auth, { headers: new Headers() })
    await expect(client.get("/users/me/watchlist/movies")).rejects.toMatchObject({ name: "TraktError", code: "UNAUTHORIZED" })
    expect(trakt.requests()).toEqual([])
  })

  test("an expired token met by the client and by getAccessToken at once: one refresh between them, written to the account", async () => {
    const app = betterAuthApp()
    const { browser, account } = await signedIn(app)
    account.accessTokenExpiresAt = new Date(Date.now() - 1_000)
    const [movies, { accessToken }] = await Promise.all([
      traktClient(app.auth, { headers: browser.headers() }).then((client) => client.get<unknown[]>("/users/me/watchlist/movies")),
      app.auth.api.getAccessToken({ body: { accountId: account.id }, headers: browser.headers() }),
    ])
    expect(movies.length).toBeGreaterThan(0)
    expect(trakt.refreshes).toEqual({ requested: 1, granted: 1 })
    expect(accessToken).toBe(account.accessToken)
    expect(trakt.isValid(account.accessToken)).toBe(true)
    expect(watchlistCalls()[0]!.headers.authorization).toBe(`Bearer ${trakt.masked(accessToken)}`)
  })

  test("without the plugin, a TypeError says what is missing", async () => {
    const { betterAuth } = await import("better-auth")
    await expect(traktClient(betterAuth({ baseURL: "http://localhost:3000" }), { headers: new Headers() })).rejects.toThrow(
      /plugins: \[trakt\(\)\]/,
    )
  })
})

describe("the avatar route, {basePath}/trakt/avatar", () => {
  const AVATAR = settingsFixture.user.images.avatar.full
  const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 7, 7, 7])
  const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer())

  test("serves the signed-in user's Trakt avatar, fetched once, with an ETag; never a URL from the request", async () => {
    let fetched = 0
    server.use(http.get(AVATAR, () => (fetched++, new HttpResponse(PNG, { headers: { "content-type": "image/png" } }))))
    const app = betterAuthApp()
    const { browser } = await signedIn(app)
    const first = await browser.request("/api/auth/trakt/avatar?url=https%3A%2F%2Fevil.example%2Fa.png")
    expect(first.status).toBe(200)
    expect(first.headers.get("content-type")).toBe("image/png")
    expect(first.headers.get("cache-control")).toBe("private, no-cache")
    expect(await bytes(first)).toEqual(PNG)
    const again = await browser.request("/api/auth/trakt/avatar", { headers: { "if-none-match": first.headers.get("etag")! } })
    expect(again.status).toBe(304)
    expect(fetched).toBe(1)
  })

  test("signed out: the placeholder, 200, and nothing fetched", async () => {
    const response = await new BetterAuthBrowser(betterAuthApp()).request("/api/auth/trakt/avatar")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("image/svg+xml")
    expect(await response.text()).toMatch(/^<svg/)
    expect(trakt.requests()).toEqual([])
  })
})

describe("when the Trakt account goes, its token is revoked at Trakt", () => {
  const revokes = () => trakt.requests("/oauth/revoke")

  test("unlinking it: one revoke with the account's token, which then stops working", async () => {
    const app = betterAuthApp({}, { account: { accountLinking: { allowUnlinkingAll: true } } })
    const { browser, account } = await signedIn(app)
    const token = account.accessToken
    const unlink = await browser.request("/api/auth/unlink-account", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accountId: account.id }),
    })
    expect(unlink.status).toBe(200)
    expect(app.rows.account).toEqual([])
    expect(revokes()).toHaveLength(1)
    expect(revokes()[0]!.body).toMatchObject({ token: trakt.masked(token), client_id: CLIENT_ID })
    expect(trakt.isValid(token)).toBe(false)
  })

  test("deleting the user: one revoke", async () => {
    const app = betterAuthApp({}, { user: { deleteUser: { enabled: true } } })
    const { browser, account } = await signedIn(app)
    const token = account.accessToken
    const deleted = await browser.request("/api/auth/delete-user", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    })
    expect(deleted.status).toBe(200)
    expect(app.rows.user).toEqual([])
    expect(revokes()).toHaveLength(1)
    expect(trakt.isValid(token)).toBe(false)
  })

  test("revokeOnDelete: false leaves the token alone", async () => {
    const app = betterAuthApp({ revokeOnDelete: false }, { user: { deleteUser: { enabled: true } } })
    const { browser, account } = await signedIn(app)
    await browser.request("/api/auth/delete-user", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
    expect(revokes()).toEqual([])
    expect(trakt.isValid(account.accessToken)).toBe(true)
  })
})

describe("account.encryptOAuthTokens", () => {
  test("the row holds ciphertext; getAccessToken, traktClient and the revoke read the real tokens", async () => {
    const app = betterAuthApp({}, { account: { encryptOAuthTokens: true, accountLinking: { allowUnlinkingAll: true } } })
    const { browser, account } = await signedIn(app)
    expect(trakt.isValid(account.accessToken)).toBe(false) // not a token: ciphertext
    account.accessTokenExpiresAt = new Date(Date.now() - 1_000)
    const { accessToken } = await app.auth.api.getAccessToken({ body: { accountId: account.id }, headers: browser.headers() })
    expect(trakt.isValid(accessToken)).toBe(true)
    expect(account.accessToken).not.toBe(accessToken)
    await (await traktClient(app.auth, { headers: browser.headers() })).get("/users/me/watchlist/movies")
    expect(watchlistCalls()[0]!.headers.authorization).toBe(`Bearer ${trakt.masked(accessToken)}`)
    await browser.request("/api/auth/unlink-account", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accountId: account.id }),
    })
    expect(trakt.requests("/oauth/revoke")[0]!.body).toMatchObject({ token: trakt.masked(accessToken) })
    expect(app.errors).toEqual([])
  })

  test("tokens saved before it was turned on cannot be read: traktClient says so (DATABASE_ERROR), sends nothing", async () => {
    const rows = betterAuthApp().rows
    const before = betterAuthApp({}, { rows })
    await signedIn(before)
    trakt.clearRequests()
    const after = betterAuthApp({}, { rows, account: { encryptOAuthTokens: true } })
    const browser = new BetterAuthBrowser(after)
    for (const [name, value] of new BetterAuthBrowser(before).cookies) browser.cookies.set(name, value)
    await browser.signIn() // a session for this app; the row is rewritten encrypted, as a fresh sign-in does
    rows.account[0]!.accessToken = trakt.issueTokens({ client: CLIENT_ID }).access_token // plain hex, as before the option
    const client = await traktClient(after.auth, { headers: browser.headers() })
    await expect(client.get("/users/me/watchlist/movies")).rejects.toMatchObject({ code: "UNAUTHORIZED" })
    expect(after.errors.map((e) => e.code)).toEqual(["DATABASE_ERROR"])
    expect(after.errors[0]!.message).toContain("encryptOAuthTokens")
    expect(watchlistCalls()).toEqual([])
  })
})

describe("on SQLite, with the tables Better Auth's migrations make", () => {
  test("the plugin's traktAvatar column is created; sign-in and a refresh work", async () => {
    const database = new DatabaseSync(":memory:")
    const app = betterAuthApp({}, { database })
    const { runMigrations } = await getMigrations(app.auth.options)
    await runMigrations()
    const columns = (database.prepare("PRAGMA table_info(account)").all() as { name: string }[]).map((c) => c.name)
    expect(columns).toContain("traktAvatar")

    const browser = new BetterAuthBrowser(app)
    expect((await browser.signIn()).location).toBe("/dashboard")
    const row = database.prepare("SELECT id, accessToken, traktAvatar FROM account").get() as {
      id: string
      accessToken: string
      traktAvatar: string
    }
    expect(row.traktAvatar).toBe(settingsFixture.user.images.avatar.full)
    database.prepare("UPDATE account SET accessTokenExpiresAt = ?").run(new Date(Date.now() - 1_000).toISOString())
    const { accessToken } = await app.auth.api.getAccessToken({ body: { accountId: row.id }, headers: browser.headers() })
    expect(trakt.refreshes).toEqual({ requested: 1, granted: 1 })
    expect(trakt.isValid(accessToken)).toBe(true)
  })
})
