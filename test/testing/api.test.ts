/** The API endpoints the client and avatar features call: profile, stats, watchlist, writes, limits, images. */
import { describe, expect, test, vi } from "vitest"
import { apiCall, BASE, newStandIn } from "./helpers.js"

describe("profile and stats", () => {
  test("/users/me has no uuid; the extra fields with extended=full, images only with extended=images", async () => {
    const trakt = newStandIn()
    const token = trakt.issueTokens().access_token
    const plain = (await (await apiCall(trakt, "/users/me", { token })).json()) as any
    expect(plain).toEqual({
      username: "justin",
      private: false,
      name: "Justin Nemeth",
      vip: true,
      vip_ep: false,
      director: false,
      ids: { slug: "justin", trakt: 2 },
    })
    const full = (await (await apiCall(trakt, "/users/me?extended=full", { token })).json()) as any
    expect(full).toMatchObject({ location: "San Diego, CA", joined_at: "2010-09-25T17:49:25.000Z" })
    expect(full.images).toBeUndefined()
    const images = (await (await apiCall(trakt, "/users/me?extended=full,images", { token })).json()) as any
    expect(images.images.avatar.full).toBe(`${BASE}/images/users/justin/avatar.svg`)
    expect((await apiCall(trakt, "/users/me")).status).toBe(401)
  })

  test("/users/{slug}: public without a token, a private user only to themselves", async () => {
    const trakt = newStandIn({
      users: [{ user: { username: "ann", ids: { slug: "ann" } } }, { user: { username: "Hid", private: true, ids: { slug: "hid" } } }],
    })
    expect((await apiCall(trakt, "/users/ann")).status).toBe(200)
    expect((await apiCall(trakt, "/users/hid/watchlist")).status).toBe(401)
    expect((await apiCall(trakt, "/users/hid/stats", { token: trakt.issueTokens({ user: "hid" }).access_token })).status).toBe(200)
    expect((await apiCall(trakt, "/users/nobody")).status).toBe(404)
  })

  test("/users/me/stats: the user's own, or zeros", async () => {
    const stats = { movies: { plays: 3 } }
    const trakt = newStandIn({
      users: [{ user: { username: "ann", ids: { slug: "ann" } }, stats }, { user: { username: "bo", ids: { slug: "bo" } } }],
    })
    expect(await (await apiCall(trakt, "/users/me/stats", { token: trakt.issueTokens().access_token })).json()).toEqual(stats)
    const zeros = (await (await apiCall(trakt, "/users/bo/stats")).json()) as any
    expect(zeros.movies.plays).toBe(0)
    expect(zeros.network).toEqual({ friends: 0, followers: 0, following: 0 })
  })
})

describe("watchlist", () => {
  test("pages with page and limit, and Trakt's X-Pagination headers", async () => {
    const trakt = newStandIn()
    const token = trakt.issueTokens().access_token
    const first = await apiCall(trakt, "/users/me/watchlist/movies", { token })
    const headers = (r: Response) => ["page", "limit", "page-count", "item-count"].map((h) => r.headers.get(`x-pagination-${h}`))
    expect(headers(first)).toEqual(["1", "10", "2", "12"])
    const items = (await first.json()) as any[]
    expect(items).toHaveLength(10)
    expect(items[0]).toMatchObject({
      rank: 1,
      type: "movie",
      movie: { title: "Blade Runner", year: 1982, ids: { slug: "blade-runner-1982" } },
    })
    const last = await apiCall(trakt, "/users/justin/watchlist/movies?page=2&limit=10", { token })
    expect(headers(last)).toEqual(["2", "10", "2", "12"])
    expect((await last.json()) as any[]).toHaveLength(2)
    const shows = await apiCall(trakt, "/users/me/watchlist/shows?limit=2", { token })
    expect(headers(shows)).toEqual(["1", "2", "2", "3"])
    expect(((await shows.json()) as any[]).map((i) => i.type)).toEqual(["show", "show"])
  })

  test("POST /sync/watchlist adds (201) and /sync/watchlist/remove removes, as Trakt counts them", async () => {
    const trakt = newStandIn({ users: [{ user: { username: "ann", ids: { slug: "ann" } }, watchlist: [] }], rateLimits: { write: false } })
    const token = trakt.issueTokens().access_token
    const add = await apiCall(trakt, "/sync/watchlist", {
      token,
      method: "POST",
      body: {
        movies: [{ title: "Heat", year: 1995, ids: { trakt: 42, slug: "heat-1995" } }, { title: "No ids" }],
        shows: [{ ids: { tvdb: 7 } }],
      },
    })
    expect(add.status).toBe(201)
    expect(await add.json()).toMatchObject({
      added: { movies: 1, shows: 1 },
      existing: { movies: 0, shows: 0 },
      not_found: { movies: [{ title: "No ids" }] },
    })
    const again = await apiCall(trakt, "/sync/watchlist", { token, method: "POST", body: { movies: [{ ids: { slug: "heat-1995" } }] } })
    expect(await again.json()).toMatchObject({ added: { movies: 0 }, existing: { movies: 1 } })
    const listed = (await (await apiCall(trakt, "/users/me/watchlist/movies", { token })).json()) as any[]
    expect(listed.map((i) => i.movie.title)).toEqual(["Heat"])
    const remove = await apiCall(trakt, "/sync/watchlist/remove", {
      token,
      method: "POST",
      body: { movies: [{ ids: { trakt: 42 } }, { ids: { trakt: 9 } }] },
    })
    expect(remove.status).toBe(200)
    expect(await remove.json()).toMatchObject({ deleted: { movies: 1, shows: 0 }, not_found: { movies: [{ ids: { trakt: 9 } }] } })
  })
})

describe("rate limits", () => {
  test("authenticated GETs: N per window per user, then 429 with Retry-After and X-Ratelimit until the window ends", async () => {
    const trakt = newStandIn({ rateLimits: { get: { limit: 2, period: 60 } } })
    const ann = trakt.issueTokens().access_token
    const other = newStandIn() // limits are per stand-in
    expect((await apiCall(trakt, "/users/me", { token: ann })).status).toBe(200)
    expect((await apiCall(trakt, "/users/settings", { token: ann })).status).toBe(200)
    const limited = await apiCall(trakt, "/users/me", { token: ann })
    expect(limited.status).toBe(429)
    expect(limited.headers.get("retry-after")).toBe("60")
    expect(JSON.parse(limited.headers.get("x-ratelimit")!)).toEqual({
      name: "AUTHED_API_GET_LIMIT",
      period: 60,
      limit: 2,
      remaining: 0,
      until: expect.any(String),
    })
    expect((await apiCall(other, "/users/me", { token: other.issueTokens().access_token })).status).toBe(200)
    // Unauthenticated calls are not counted against the user.
    expect((await apiCall(trakt, "/users/justin")).status).toBe(200)
    vi.useFakeTimers({ now: Date.now() + 60_000, toFake: ["Date"] })
    try {
      expect((await apiCall(trakt, "/users/me", { token: ann })).status).toBe(200)
    } finally {
      vi.useRealTimers()
    }
  })

  test("writes: one per second per user", async () => {
    const trakt = newStandIn({ users: [{ user: { username: "a", ids: { slug: "a" } } }, { user: { username: "b", ids: { slug: "b" } } }] })
    const a = trakt.issueTokens({ user: "a" }).access_token
    const b = trakt.issueTokens({ user: "b" }).access_token
    const write = (token: string) => apiCall(trakt, "/sync/watchlist", { token, method: "POST", body: { movies: [{ ids: { trakt: 1 } }] } })
    expect((await write(a)).status).toBe(201)
    const second = await write(a)
    expect(second.status).toBe(429)
    expect(second.headers.get("retry-after")).toBe("1")
    expect(JSON.parse(second.headers.get("x-ratelimit")!)).toMatchObject({ name: "AUTHED_API_POST_LIMIT", period: 1, limit: 1 })
    expect((await write(b)).status).toBe(201)
  })
})

describe("avatars", () => {
  const avatar = (trakt: ReturnType<typeof newStandIn>, headers: Record<string, string> = {}) =>
    trakt.handle(new Request(`${BASE}/images/users/justin/avatar.svg`, { headers }))

  test("an SVG with the username's initial, an ETag, and 304 to If-None-Match", async () => {
    const trakt = newStandIn()
    const response = await avatar(trakt)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("image/svg+xml")
    expect(await response.text()).toMatch(/^<svg [^>]*>.*>J<\/text><\/svg>$/)
    const etag = response.headers.get("etag")!
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await avatar(trakt, { "if-none-match": etag })
    expect(again.status).toBe(304)
    expect(again.headers.get("etag")).toBe(etag)
  })

  test("refuses a foreign Referer or Origin (hot-linking) with 403, takes its own", async () => {
    const trakt = newStandIn()
    expect((await avatar(trakt, { referer: "http://localhost:3000/dashboard" })).status).toBe(403)
    expect((await avatar(trakt, { origin: "http://localhost:3000" })).status).toBe(403)
    expect((await avatar(trakt, { referer: `${BASE}/somewhere` })).status).toBe(200)
  })

  test("an unknown user or image is 404", async () => {
    const trakt = newStandIn()
    expect((await trakt.handle(new Request(`${BASE}/images/users/nobody/avatar.svg`))).status).toBe(404)
    expect((await trakt.handle(new Request(`${BASE}/images/other.png`))).status).toBe(404)
  })
})

test("an unknown endpoint is a JSON 404", async () => {
  const response = await apiCall(newStandIn(), "/calendars/my/shows")
  expect(response.status).toBe(404)
  expect(response.headers.get("content-type")).toMatch(/json/)
})
