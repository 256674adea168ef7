/**
 * Trakt's limits as the API client keeps them (src/core/client/pacing.ts): a
 * 429 waited out when short, a token blocked process-wide when long, and
 * writes paced to Trakt's 1 per second per token, across client objects.
 */
import { HttpResponse } from "msw"
import { describe, expect, test } from "vitest"
import { api, calls, callsTo, client, failure, signedIn, STATS, stats } from "../support/api.js"
import { server } from "../support/setup.js"

describe("limits", () => {
  test("a 429 within maxRetryWait is waited out and retried once", async () => {
    calls.length = 0
    let first = true
    server.use(
      api("get", "/users/me/stats", () =>
        first ? ((first = false), new HttpResponse(null, { status: 429, headers: { "retry-after": "1" } })) : HttpResponse.json(STATS),
      ),
    )
    const started = Date.now()
    expect(await client(signedIn(), { maxRetryWait: 2 }).get("/users/me/stats")).toEqual(STATS)
    expect(calls).toHaveLength(2)
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(990)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  test("a second 429 after the wait is thrown", async () => {
    calls.length = 0
    server.use(api("get", "/users/me/stats", () => new HttpResponse(null, { status: 429, headers: { "retry-after": "0" } })))
    await expect(failure(client(signedIn()).get("/users/me/stats"))).resolves.toMatchObject({ code: "RATE_LIMITED", retryAfter: 0 })
    expect(calls).toHaveLength(2)
  })

  test("a longer 429 is thrown at once, and nothing more is sent with that token until it has passed", async () => {
    calls.length = 0
    server.use(
      api("get", "/users/me/stats", (_, call) =>
        call.headers.authorization!.includes(limited.access_token)
          ? new HttpResponse(null, { status: 429, headers: { "retry-after": "300" } })
          : HttpResponse.json(STATS),
      ),
    )
    const limited = signedIn()
    const started = Date.now()
    const error = await failure(client(limited).get("/users/me/stats"))
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfter: 300 })
    expect(Date.now() - started).toBeLessThan(500)
    // Another client object (the next request) with the same token: refused, nothing sent.
    const again = await failure(client(limited).post("/sync/history", {}))
    expect(again.code).toBe("RATE_LIMITED")
    expect(again.retryAfter).toBeGreaterThan(290)
    expect(again.retryAfter).toBeLessThanOrEqual(300)
    expect(calls).toHaveLength(1)
    // Another user is not limited.
    expect(await client(signedIn()).get("/users/me/stats")).toEqual(STATS)
  })

  test("writes with one token are paced to 1 per second across clients: a burst gets no 429", async () => {
    calls.length = 0
    let last = 0
    let tooFast = 0
    server.use(
      api("post", "/sync/history", () => {
        const now = Date.now()
        const ok = now - last >= 1_000
        last = now
        if (!ok) tooFast++
        return ok
          ? HttpResponse.json({ added: { movies: 1 } }, { status: 201 })
          : new HttpResponse(null, { status: 429, headers: { "retry-after": "1" } })
      }),
      stats(),
    )
    const user = signedIn()
    const started = Date.now()
    await Promise.all([0, 1, 2].map(() => client(user).post("/sync/history", { movies: [] })))
    expect(tooFast).toBe(0)
    const posts = callsTo("/sync/history")
    expect(posts).toHaveLength(3)
    for (let i = 1; i < posts.length; i++) expect(posts[i]!.at - posts[i - 1]!.at).toBeGreaterThanOrEqual(1_000)
    expect(Date.now() - started).toBeLessThan(3_000)
    // Reads are not paced.
    const read = Date.now()
    await Promise.all([client(user).get("/users/me/stats"), client(user).get("/users/me/stats")])
    expect(Date.now() - read).toBeLessThan(500)
  })
})
