/**
 * createTraktClient against msw: what Trakt receives on every call, the refresh
 * (before expiry, on a 401, shared with traktJwt), retries by method,
 * pagination, refused URLs, and errors that never carry a token (the limits
 * are pacing.test.ts's). The API endpoints are answered behind the same checks
 * Trakt makes (test/support/api.ts); tokens and refreshes are the stand-in's.
 */
import { delay, http, HttpResponse } from "msw"
import { createStorage } from "unstorage"
import { describe, expect, test } from "vitest"
import { createTraktClient, TraktError, traktJwt, type TraktErrorCode, type TraktTokenSet } from "../../src/index.js"
import { forgetRotations } from "../../src/core/refresh/rotation.js"
import { describeError } from "../support/browser.js"
import { bundledCopy } from "../support/bundled-copy.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET } from "../support/handlers.js"
import {
  API,
  api,
  calls,
  callsTo,
  client,
  failure,
  refreshes,
  signedIn,
  standIn,
  STATS,
  stats,
  USER_AGENT,
  type Call,
} from "../support/api.js"
import { server } from "../support/setup.js"

describe("every call", () => {
  test("carries Trakt's headers, JSON bodies, and resolves to the parsed JSON (null for 204)", async () => {
    calls.length = 0
    server.use(
      stats(),
      api("post", "/sync/watchlist", async (request) => HttpResponse.json({ added: await request.json() }, { status: 201 })),
      api("put", "/users/me/lists/1", async (request) => HttpResponse.json(await request.json())),
      api("delete", "/users/me/lists/1", () => new HttpResponse(null, { status: 204 })),
    )
    const user = signedIn()
    const trakt = client(user)
    expect(await trakt.get("/users/me/stats", { query: { extended: "full", skip: undefined } })).toEqual(STATS)
    const [added, put, deleted, response] = await Promise.all([
      trakt.post("/sync/watchlist", { movies: [{ ids: { trakt: 1 } }] }),
      trakt.put("users/me/lists/1", { name: "Renamed" }),
      trakt.delete("/users/me/lists/1"),
      trakt.request("/users/me/stats"),
    ])
    expect(added).toEqual({ added: { movies: [{ ids: { trakt: 1 } }] } })
    expect(put).toEqual({ name: "Renamed" })
    expect(deleted).toBeNull()
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual(STATS)

    expect(calls.map((c) => c.method).sort()).toEqual(["DELETE", "GET", "GET", "POST", "PUT"])
    for (const call of calls) {
      expect(call.headers).toMatchObject({
        "trakt-api-key": CLIENT_ID,
        "trakt-api-version": "2",
        authorization: `Bearer ${user.access_token}`,
        "user-agent": USER_AGENT,
        "content-type": "application/json",
      })
    }
    expect(calls[0]!.url.href).toBe(`${API}/users/me/stats?extended=full`)
    expect(JSON.parse(calls.find((c) => c.method === "PUT")!.body)).toEqual({ name: "Renamed" })
    expect(refreshes()).toHaveLength(0)
  })

  test("a full URL away from the API, or a path that leaves it, is refused before any request", async () => {
    calls.length = 0
    const trakt = client(signedIn(), { baseUrl: "http://127.0.0.1:4010/trakt" })
    for (const path of [
      "https://evil.example/users/me",
      "//evil.example/users/me",
      "/\\\\evil.example/x",
      "http://127.0.0.1:4011/trakt/x",
      "/../oauth/token",
      "mailto:x@y.z",
    ]) {
      const error = await failure(trakt.get(path))
      expect(error.code, path).toBe("INVALID_PATH")
      expect(error.message).not.toContain("evil")
    }
    await expect(failure(trakt.post("https://evil.example/sync", { secret: 1 }))).resolves.toMatchObject({ code: "INVALID_PATH" })
    expect(calls).toEqual([]) // and msw saw nothing unhandled (setup.ts)
  })

  test("a full URL at the API itself is a path like another", async () => {
    calls.length = 0
    server.use(stats())
    expect(await client(signedIn()).get(`${API}/users/me/stats`)).toEqual(STATS)
    expect(calls).toHaveLength(1)
  })

  test("nobody signed in (getToken found no cookie): UNAUTHORIZED, nothing sent", async () => {
    calls.length = 0
    const error = await failure(client(null).get("/users/me/stats"))
    expect(error.code).toBe("UNAUTHORIZED")
    expect(calls).toEqual([])
  })

  test("options wrong whatever the environment are TypeErrors at creation", () => {
    expect(() => createTraktClient({ token: null, maxRetryWait: -1 })).toThrow(TypeError)
    expect(() => createTraktClient({ token: "abc" as never })).toThrow(/"token"/)
  })
})

describe("the refresh", () => {
  test("an expired token is refreshed before the call, once for calls made at once, and onTokens hears it", async () => {
    calls.length = 0
    server.use(stats())
    const user = signedIn(30) // within clockSkew (60 s)
    const trakt = client(user)
    await Promise.all([trakt.get("/users/me/stats"), trakt.get("/users/me/stats"), trakt.get("/users/me/stats")])
    expect(refreshes()).toHaveLength(1)
    expect(refreshes()[0]!.body).toMatchObject({ refresh_token: standIn.masked(user.refresh_token), redirect_uri: CALLBACK_URL })
    expect(trakt.rotated).toHaveLength(1)
    const fresh = trakt.rotated[0]!
    expect(fresh.access_token).not.toBe(user.access_token)
    expect(calls.map((c) => c.headers.authorization)).toEqual(Array(3).fill(`Bearer ${fresh.access_token}`))
    // Later calls use the new token, with no refresh.
    await trakt.get("/users/me/stats")
    expect(refreshes()).toHaveLength(1)
  })

  test("another client (the next request) with the same stale token gets the successor: no second Trakt refresh", async () => {
    server.use(stats())
    const user = signedIn(-10)
    await client(user).get("/users/me/stats")
    const next = client(user)
    await next.get("/users/me/stats")
    expect(refreshes()).toHaveLength(1)
  })

  test("a 401 on a token believed valid: one refresh, one retry", async () => {
    calls.length = 0
    server.use(stats())
    const user = signedIn(86400, -1) // Trakt let it expire (or it was revoked)
    const trakt = client(user)
    expect(await trakt.get("/users/me/stats")).toEqual(STATS)
    expect(refreshes()).toHaveLength(1)
    expect(calls.map((c) => c.headers.authorization)).toEqual([`Bearer ${user.access_token}`, `Bearer ${trakt.rotated[0]!.access_token}`])
  })

  test("calls at once that all meet a 401 share one refresh", async () => {
    calls.length = 0
    server.use(stats())
    const trakt = client(signedIn(86400, -1))
    await Promise.all([trakt.get("/users/me/stats"), trakt.get("/users/me/stats"), trakt.get("/users/me/stats")])
    expect(refreshes()).toHaveLength(1)
    expect(trakt.rotated).toHaveLength(1)
    expect(calls.filter((c) => c.headers.authorization === `Bearer ${trakt.rotated[0]!.access_token}`)).toHaveLength(3)
  })

  test("with traktJwt's store, another instance's traktJwt finds what the client got: one refresh", async () => {
    server.use(stats())
    const store = createStorage()
    const token = signedIn(-10)
    const seen: TraktTokenSet[] = []
    await client(token, { store, onTokens: (t) => void seen.push(t) }).get("/users/me/stats")
    forgetRotations() // another instance: no memory of its own, only the store
    const jwt = await traktJwt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, store, onError: (e) => expect.fail(e.message) })({
      token,
    })
    expect(jwt.access_token).toBe(seen[0]!.access_token)
    expect(refreshes()).toHaveLength(1)
  })

  test("a 401 that persists after the refresh is UNAUTHORIZED, never a loop", async () => {
    calls.length = 0
    server.use(
      http.get(
        `${API}/users/me/stats`,
        ({ request }) => (calls.push({ url: new URL(request.url) } as Call), new HttpResponse(null, { status: 401 })),
      ),
    )
    const error = await failure(client(signedIn()).get("/users/me/stats"))
    expect(error).toMatchObject({ code: "UNAUTHORIZED", status: 401 })
    expect(refreshes()).toHaveLength(1)
    expect(calls).toHaveLength(2)
  })

  test("an expired token refreshed before the call, then a 401: no second refresh", async () => {
    calls.length = 0
    server.use(
      http.get(
        `${API}/users/me/stats`,
        ({ request }) => (calls.push({ url: new URL(request.url) } as Call), new HttpResponse(null, { status: 401 })),
      ),
    )
    const error = await failure(client(signedIn(-10)).get("/users/me/stats"))
    expect(error.code).toBe("UNAUTHORIZED")
    expect(refreshes()).toHaveLength(1)
    expect(calls).toHaveLength(1)
  })

  test("a refresh Trakt refuses throws its TraktError (and reaches onError); nothing is called", async () => {
    calls.length = 0
    server.use(stats())
    const trakt = client({ ...signedIn(-10), refresh_token: "spent-or-unknown" })
    const error = await failure(trakt.get("/users/me/stats"))
    expect(error.code).toBe("invalid_grant")
    expect(trakt.errors).toEqual([error])
    expect(calls).toEqual([])
  })

  test("a client and traktJwt in two separately loaded copies of the package share one refresh", async () => {
    server.use(stats())
    const [pageCopy, proxyCopy] = await Promise.all(["page", "proxy"].map(bundledCopy))
    expect(pageCopy!.createTraktClient).not.toBe(createTraktClient)
    const token = signedIn(-10)
    const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, onError: (error: TraktError) => expect.fail(error.message) }
    // A server component's client refreshes; it cannot rewrite the cookie.
    let seen: TraktTokenSet | undefined
    await pageCopy!.createTraktClient({ ...options, token, onTokens: (t) => void (seen = t) }).get("/users/me/stats")
    // The next request's proxy meets the same stale cookie.
    const jwt = await proxyCopy!.traktJwt(options)({ token })
    expect(jwt.error).toBeUndefined()
    expect(jwt.access_token).toBe(seen!.access_token)
    expect(jwt.refresh_token).toBe(seen!.refresh_token)
    expect(refreshes()).toHaveLength(1)
  })
})

describe("retries", () => {
  /** An endpoint that fails `failures` times with `status` (or a network error), then answers. */
  function flaky(method: "get" | "post" | "put" | "delete", path: string, failures: number, status: number | "network" = 503) {
    let left = failures
    return api(method, path, () => {
      if (left-- > 0) return status === "network" ? HttpResponse.error() : new HttpResponse("<html>bad gateway</html>", { status })
      return HttpResponse.json({ ok: true })
    })
  }

  test.each([
    ["GET", 502],
    ["GET", 504],
    ["GET", "network"],
    ["PUT", 503],
    ["DELETE", 503],
  ] as const)("%s after %s: retried with a back-off", async (method, status) => {
    calls.length = 0
    const verb = method.toLowerCase() as "get" | "put" | "delete"
    server.use(flaky(verb, "/users/me/lists/2", 1, status))
    const trakt = client(signedIn())
    const result = verb === "put" ? trakt.put("/users/me/lists/2", {}) : trakt[verb]("/users/me/lists/2")
    expect(await result).toEqual({ ok: true })
    expect(callsTo("/users/me/lists/2")).toHaveLength(2)
  })

  test("a POST is not retried unless the caller says it is safe", async () => {
    calls.length = 0
    server.use(flaky("post", "/scrobble/start", 1))
    await expect(failure(client(signedIn()).post("/scrobble/start", {}))).resolves.toMatchObject({ code: "SERVER_ERROR", status: 503 })
    expect(calls).toHaveLength(1)
    expect(await client(signedIn()).post("/scrobble/start", {}, { retry: true })).toEqual({ ok: true })
    expect(calls).toHaveLength(2)
  })

  test("retries stop within maxRetryWait", async () => {
    calls.length = 0
    server.use(flaky("get", "/users/me/stats", 100))
    const started = Date.now()
    await expect(failure(client(signedIn(), { maxRetryWait: 1 }).get("/users/me/stats"))).resolves.toMatchObject({
      code: "SERVER_ERROR",
      status: 503,
    })
    // Waits of 250 and 500 ms fit in 1 s; the next, 1 s, does not.
    expect(calls).toHaveLength(3)
    expect(Date.now() - started).toBeLessThan(1_500)
    calls.length = 0
    await failure(client(signedIn(), { maxRetryWait: 0 }).get("/users/me/stats"))
    expect(calls).toHaveLength(1)
  })

  test("a call that ran into the timeout is not retried", async () => {
    calls.length = 0
    server.use(api("get", "/users/me/stats", async () => (await delay(400), HttpResponse.json(STATS))))
    await expect(failure(client(signedIn(), { timeout: 100 }).get("/users/me/stats"))).resolves.toMatchObject({ code: "TIMEOUT" })
    expect(calls).toHaveLength(1)
  })
})

describe("errors", () => {
  test.each([
    [404, "NOT_FOUND"],
    [409, "CONFLICT"],
    [420, "ACCOUNT_LIMIT"],
    [423, "ACCOUNT_LOCKED"],
    [426, "VIP_REQUIRED"],
    [500, "SERVER_ERROR"],
    [418, "HTTP_ERROR"],
  ] as [number, TraktErrorCode][])("%i is %s", async (status, code) => {
    server.use(api("get", "/users/me/lists/9", () => HttpResponse.json({ error: "nope" }, { status })))
    const error = await failure(client(signedIn(), { maxRetryWait: 0 }).get("/users/me/lists/9"))
    expect(error).toMatchObject({ code, status })
    expect(error.message).toBe(`Trakt ${code}: GET /users/me/lists/9 answered ${status}`)
  })

  test("no error carries a token, a secret, a header, a query or a body", async () => {
    const user = signedIn()
    const expired = signedIn(-10)
    server.use(
      api("get", "/users/me/stats", () => new HttpResponse(null, { status: 429, headers: { "retry-after": "120" } })),
      api("post", "/sync/history", () => HttpResponse.json({ error: "bad" }, { status: 422 })),
      http.get(`${API}/users/me/lists`, () => HttpResponse.error()),
      http.put(`${API}/users/me/lists/3`, () => new HttpResponse(null, { status: 401 })),
      http.get(`${API}/users/me/history`, async () => (await delay(300), HttpResponse.json([]))),
    )
    const query = { query: { q: "query-value-do-not-log" } }
    const errors = [
      await failure(client(user).get("/users/me/stats", query)),
      await failure(client(user).get("/users/me/stats", query)), // refused: still limited
      await failure(client(signedIn()).post("/sync/history", { note: "body-do-not-log" })),
      await failure(client(signedIn(), { maxRetryWait: 0.3 }).get("/users/me/lists", query)),
      await failure(client(signedIn()).put("/users/me/lists/3", { note: "body-do-not-log" })),
      await failure(client(signedIn(), { timeout: 50 }).get("/users/me/history", query)),
      await failure(client({ ...expired, refresh_token: "refresh-do-not-log" }).get("/users/me/stats")),
      await failure(client(user).get(`https://evil.example/?token=${user.access_token}`)),
    ]
    expect(errors.map((e) => e.code)).toEqual([
      "RATE_LIMITED",
      "RATE_LIMITED",
      "HTTP_ERROR",
      "NETWORK_ERROR",
      "UNAUTHORIZED",
      "TIMEOUT",
      "invalid_grant",
      "INVALID_PATH",
    ])
    const text = errors.map((e) => describeError(e) + JSON.stringify({ ...e })).join("\n")
    for (const secret of [
      user.access_token,
      user.refresh_token,
      expired.access_token,
      "refresh-do-not-log",
      CLIENT_SECRET,
      "query-value-do-not-log",
      "body-do-not-log",
      "Bearer",
      USER_AGENT,
      CLIENT_ID,
    ]) {
      expect(text).not.toContain(secret)
    }
  })
})

describe("paginate", () => {
  test("yields the items of every page, limit sent on each, up to X-Pagination-Page-Count", async () => {
    calls.length = 0
    const items = Array.from({ length: 25 }, (_, i) => ({ rank: i + 1, movie: { ids: { trakt: i } } }))
    server.use(
      api("get", "/users/me/watchlist/movies", (request) => {
        const url = new URL(request.url)
        const page = Number(url.searchParams.get("page"))
        const limit = Number(url.searchParams.get("limit"))
        const pageCount = Math.ceil(items.length / limit)
        return HttpResponse.json(items.slice((page - 1) * limit, page * limit), {
          headers: {
            "x-pagination-page": `${page}`,
            "x-pagination-limit": `${limit}`,
            "x-pagination-page-count": `${pageCount}`,
            "x-pagination-item-count": `${items.length}`,
          },
        })
      }),
    )
    const seen = []
    for await (const item of client(signedIn()).paginate<{ rank: number }>("/users/me/watchlist/movies", {
      query: { sort: "rank" },
      limit: 10,
    }))
      seen.push(item)
    expect(seen).toEqual(items)
    expect(calls.map((c) => c.url.search)).toEqual([
      "?sort=rank&page=1&limit=10",
      "?sort=rank&page=2&limit=10",
      "?sort=rank&page=3&limit=10",
    ])
  })

  test("a list without pagination headers is one page", async () => {
    calls.length = 0
    server.use(api("get", "/users/me/lists", () => HttpResponse.json([{ name: "a" }, { name: "b" }])))
    const seen = []
    for await (const item of client(signedIn()).paginate("/users/me/lists")) seen.push(item)
    expect(seen).toHaveLength(2)
    expect(calls).toHaveLength(1)
  })

  test("a page that is not a list is INVALID_RESPONSE", async () => {
    server.use(api("get", "/users/me/stats", () => HttpResponse.json(STATS)))
    const pages = client(signedIn()).paginate("/users/me/stats")
    await expect(failure(pages.next())).resolves.toMatchObject({ code: "INVALID_RESPONSE" })
  })
})
