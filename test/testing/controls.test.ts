/** The controls a test drives the stand-in with. */
import { describe, expect, test } from "vitest"
import { CLOUDFLARE_BLOCK_PAGE } from "../../src/testing.js"
import { APP, apiCall, authorize, newStandIn, oauthPost, PKCE_APP, refreshBody, signIn } from "./helpers.js"

describe("tokens", () => {
  test("issueTokens gives a pair the API accepts, for the app and user asked for", async () => {
    const trakt = newStandIn({
      users: [{ user: { username: "ann", ids: { slug: "ann" } } }, { user: { username: "Bob", ids: { slug: "bob" } } }],
    })
    const tokens = trakt.issueTokens({ client: PKCE_APP.id, user: "Bob", expiresIn: 120 })
    expect(tokens.expires_in).toBe(120)
    // The shape an app keeps, which the client and the refresh helpers read.
    expect(tokens.expires_at).toBe(tokens.created_at + 120)
    expect(trakt.isValid(tokens.access_token)).toBe(true)
    expect(trakt.canRefresh(tokens.refresh_token)).toBe(true)
    const me = await apiCall(trakt, "/users/me", { token: tokens.access_token, headers: { "trakt-api-key": PKCE_APP.id } })
    expect(((await me.json()) as any).username).toBe("Bob")
    // The first app by default.
    expect((await apiCall(trakt, "/users/settings", { token: trakt.issueTokens().access_token })).status).toBe(200)
    expect(() => trakt.issueTokens({ client: "nobody" })).toThrow(TypeError)
  })

  test("expire makes the access token answer 401 while its refresh token still works", async () => {
    const trakt = newStandIn()
    const tokens = trakt.issueTokens()
    const other = trakt.issueTokens({ client: PKCE_APP.id })
    expect(trakt.expire({ token: tokens.access_token })).toBe(1)
    expect(trakt.isValid(tokens.access_token)).toBe(false)
    expect(trakt.isValid(other.access_token)).toBe(true)
    expect((await apiCall(trakt, "/users/settings", { token: tokens.access_token })).status).toBe(401)
    expect(trakt.canRefresh(tokens.refresh_token)).toBe(true)
    expect((await oauthPost(trakt, "/oauth/token", refreshBody(tokens.refresh_token))).status).toBe(200)
    expect(trakt.expire({ user: "justin" })).toBe(2) // the other app's, and the refreshed one
  })

  test("revoke kills the pair: 401 at the API, invalid_grant on refresh", async () => {
    const trakt = newStandIn()
    const tokens = trakt.issueTokens()
    expect(trakt.revoke({ user: "justin" })).toBe(1)
    expect(trakt.isValid(tokens.access_token)).toBe(false)
    expect(trakt.canRefresh(tokens.refresh_token)).toBe(false)
    const refresh = await oauthPost(trakt, "/oauth/token", refreshBody(tokens.refresh_token))
    expect(((await refresh.json()) as any).error).toBe("invalid_grant")
  })

  test("refreshes counts refresh requests and those granted", async () => {
    const trakt = newStandIn()
    const tokens = trakt.issueTokens()
    await oauthPost(trakt, "/oauth/token", refreshBody(tokens.refresh_token))
    await oauthPost(trakt, "/oauth/token", refreshBody(tokens.refresh_token))
    expect(trakt.refreshes).toEqual({ requested: 2, granted: 1 })
  })

  test("tokenLifetime applies to the tokens issued after it changes", async () => {
    const trakt = newStandIn()
    trakt.tokenLifetime = 65
    expect((await signIn(trakt)).expires_in).toBe(65)
  })
})

describe("requests", () => {
  test("are kept with client_secret, codes, tokens and Authorization masked", async () => {
    const trakt = newStandIn()
    const tokens = await signIn(trakt)
    await apiCall(trakt, "/users/settings", { token: tokens.access_token })
    await oauthPost(trakt, "/oauth/token", refreshBody(tokens.refresh_token))
    const all = JSON.stringify(trakt.requests())
    for (const secret of [APP.secret, tokens.access_token, tokens.refresh_token]) expect(all).not.toContain(secret)
    const [exchange, refresh] = trakt.requests("/oauth/token")
    const hidden = expect.stringMatching(/^\*\*\*[0-9a-f]{8}$/)
    expect(exchange!.body).toMatchObject({
      client_id: APP.id,
      client_secret: trakt.masked(APP.secret),
      code: hidden,
      code_verifier: hidden,
      grant_type: "authorization_code",
    })
    expect(refresh!.body).toMatchObject({ refresh_token: trakt.masked(tokens.refresh_token), redirect_uri: APP.redirectUris[0] })
    expect(trakt.masked(tokens.refresh_token)).not.toBe(trakt.masked(tokens.access_token))
    const [settings] = trakt.requests("/users/settings")
    expect(settings).toMatchObject({ method: "GET", path: "/users/settings", status: 200 })
    expect(settings!.headers).toMatchObject({
      authorization: `Bearer ${trakt.masked(tokens.access_token)}`,
      "trakt-api-key": APP.id,
      "user-agent": "my-app/1.0.0",
    })
    expect(trakt.requests("/oauth/authorize")[0]!.status).toBe(302)
  })

  test("a form body's secrets are masked too, and clearRequests forgets", async () => {
    const trakt = newStandIn()
    await oauthPost(trakt, "/oauth/token", undefined, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      raw: `client_id=${APP.id}&client_secret=${APP.secret}`,
    })
    expect(trakt.requests()[0]!.body).toBe(`client_id=${APP.id}&client_secret=${encodeURIComponent(trakt.masked(APP.secret))}`)
    trakt.clearRequests()
    expect(trakt.requests()).toEqual([])
  })
})

describe("failNext", () => {
  test("answers the next N requests to a path with the status and body asked for, then Trakt again", async () => {
    const trakt = newStandIn()
    const { access_token } = trakt.issueTokens()
    trakt.failNext("/users/settings", { times: 2, status: 503 })
    expect((await apiCall(trakt, "/users/settings", { token: access_token })).status).toBe(503)
    expect((await apiCall(trakt, "/users/settings", { token: access_token })).status).toBe(503)
    expect((await apiCall(trakt, "/users/settings", { token: access_token })).status).toBe(200)
  })

  test("403 with Cloudflare's HTML", async () => {
    const trakt = newStandIn()
    trakt.failNext("/oauth/token", { status: 403, body: "cloudflare-html" })
    const response = await oauthPost(trakt, "/oauth/token", {})
    expect(response.status).toBe(403)
    expect(response.headers.get("content-type")).toMatch(/^text\/html/)
    expect(await response.text()).toBe(CLOUDFLARE_BLOCK_PAGE)
  })

  test("429 with Retry-After and X-Ratelimit JSON; a JSON body of the test's choice", async () => {
    const trakt = newStandIn()
    trakt.failNext("/users/me/stats", { retryAfter: 7 })
    trakt.failNext("/users/me", { status: 401, body: { error: "custom" }, method: "GET" })
    const limited = await apiCall(trakt, "/users/me/stats")
    expect(limited.status).toBe(429)
    expect(limited.headers.get("retry-after")).toBe("7")
    expect(JSON.parse(limited.headers.get("x-ratelimit")!)).toMatchObject({ remaining: 0, until: expect.any(String) })
    const custom = await apiCall(trakt, "/users/me")
    expect([custom.status, await custom.json()]).toEqual([401, { error: "custom" }])
  })

  test("a hang lasts until the client aborts", async () => {
    const trakt = newStandIn()
    trakt.failNext("/oauth/token", { hang: true })
    const abort = new AbortController()
    const pending = trakt.handle(new Request("http://trakt.test/oauth/token", { method: "POST", body: "{}", signal: abort.signal }))
    const early = await Promise.race([pending.then(() => "answered"), new Promise((r) => setTimeout(() => r("hanging"), 50))])
    expect(early).toBe("hanging")
    abort.abort()
    expect((await pending).status).toBe(503)
  })

  test("a count that is not a positive integer is a TypeError", () => {
    expect(() => newStandIn().failNext("/oauth/token", { times: 0 })).toThrow(TypeError)
  })
})

describe("users", () => {
  test("signInAs chooses who signs in; settings() is live", async () => {
    const trakt = newStandIn({
      users: [{ user: { username: "ann", ids: { slug: "ann" } } }, { user: { username: "bob", ids: { slug: "bob", uuid: "u-bob" } } }],
    })
    trakt.signInAs("bob")
    trakt.settings("bob").user.name = "Bob B."
    const { access_token } = await signIn(trakt)
    const settings = (await (await apiCall(trakt, "/users/settings", { token: access_token })).json()) as any
    expect(settings.user).toMatchObject({ username: "bob", name: "Bob B.", ids: { uuid: "u-bob" } })
    expect(() => trakt.signInAs("carol")).toThrow(TypeError)
  })

  test("the default user is justin, with an avatar served by the stand-in itself", async () => {
    const trakt = newStandIn()
    const settings = (await (await apiCall(trakt, "/users/settings", { token: trakt.issueTokens().access_token })).json()) as any
    expect(settings.user).toMatchObject({
      username: "justin",
      name: "Justin Nemeth",
      ids: { slug: "justin", trakt: 2, uuid: "2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10" },
    })
    expect(settings.user.images.avatar.full).toBe("http://trakt.test/images/users/justin/avatar.svg")
    expect(Object.keys(settings)).toEqual(["user", "account", "connections", "sharing_text", "limits", "permissions"])
  })

  test("the authorize page's approval can change mid-test", async () => {
    const trakt = newStandIn()
    trakt.approve = "deny"
    expect((await authorize(trakt)).searchParams.get("error")).toBe("access_denied")
  })
})

test("client(id) is the live registration; defaultStandInUser() a fresh copy of the default user", async () => {
  const { defaultStandInUser } = await import("../../src/testing.js")
  const trakt = newStandIn()
  trakt.client(APP.id).redirectUris.push("http://localhost:5173/auth/callback/trakt")
  const back = await authorize(trakt, { redirect_uri: "http://localhost:5173/auth/callback/trakt" })
  expect(back.searchParams.get("code")).toBeTruthy()
  expect(() => trakt.client("nobody")).toThrow(TypeError)
  const user = defaultStandInUser()
  user.user.name = "changed"
  expect(defaultStandInUser().user.name).toBe("Justin Nemeth")
})

test("options that cannot work are TypeErrors naming them", () => {
  expect(() => newStandIn({ approve: "yes" as never })).toThrow(/"approve"/)
  expect(() => newStandIn({ tokenLifetime: 0 })).toThrow(/"tokenLifetime"/)
  expect(() => newStandIn({ users: [] })).toThrow(/"users"/)
  expect(() => newStandIn({ users: [{ user: { username: "x" } } as never] })).toThrow(/ids\.slug/)
  expect(() => newStandIn({ clients: [{ id: "x" } as never] })).toThrow(/redirectUris/)
})

test("reset() forgets tokens, requests, failures, limits and counts, and restores the options", async () => {
  const trakt = newStandIn({ rateLimits: { get: { limit: 1, period: 60 } } })
  const tokens = trakt.issueTokens()
  await apiCall(trakt, "/users/settings", { token: tokens.access_token })
  await oauthPost(trakt, "/oauth/token", refreshBody(tokens.refresh_token))
  trakt.failNext("/users/me", { status: 500 })
  trakt.approve = "deny"
  trakt.tokenLifetime = 5
  trakt.settings().user.name = "changed"
  trakt.reset()
  expect(trakt.requests()).toEqual([])
  expect(trakt.refreshes).toEqual({ requested: 0, granted: 0 })
  expect(trakt.isValid(tokens.access_token)).toBe(false)
  expect([trakt.approve, trakt.tokenLifetime, trakt.settings().user.name]).toEqual(["auto", 604800, "Justin Nemeth"])
  const fresh = trakt.issueTokens().access_token
  expect((await apiCall(trakt, "/users/me", { token: fresh })).status).toBe(200) // no failure left, a new window
})

test("failNext adds the headers asked for: a redirect, X-Account-Locked", async () => {
  const trakt = newStandIn()
  trakt.failNext("/images/users/justin/avatar.svg", { status: 302, headers: { Location: "http://127.0.0.1:6379/" } })
  trakt.failNext("/users/settings", { status: 423, headers: { "X-Account-Locked": "true" } })
  const redirect = await trakt.handle(new Request("http://trakt.test/images/users/justin/avatar.svg"))
  expect([redirect.status, redirect.headers.get("location"), await redirect.text()]).toEqual([302, "http://127.0.0.1:6379/", ""])
  const locked = await apiCall(trakt, "/users/settings")
  expect([locked.status, locked.headers.get("x-account-locked")]).toEqual([423, "true"])
})

test("sampleWatchlist(n) makes n items for a test of paging", async () => {
  const { sampleWatchlist } = await import("../../src/testing.js")
  const trakt = newStandIn({ users: [{ user: { username: "ann", ids: { slug: "ann" } }, watchlist: sampleWatchlist(1000) }] })
  const page = await apiCall(trakt, "/users/ann/watchlist/movies?page=10&limit=100")
  expect(page.headers.get("x-pagination-item-count")).toBe("997") // three of the samples are shows
  expect(page.headers.get("x-pagination-page-count")).toBe("10")
  expect(((await page.json()) as any[]).at(-1).rank).toBe(1000)
})
