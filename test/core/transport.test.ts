/**
 * The transport (src/core/transport.ts), the one way this package talks to
 * Trakt, on a fetch of the test's own: the headers every request carries, the
 * error code each answer becomes, the timeout (a hung answer, a stalled body),
 * and messages that never repeat a query, a body or a header.
 */
import { describe, expect, test } from "vitest"
import { TraktError } from "../../src/core/errors.js"
import { createTransport, errorFor, retryAfter, send, sendJson, withCredentials } from "../../src/core/transport.js"

const URL_ = "https://api.trakt.tv/users/settings?secret=query-secret"

/** A transport whose fetch answers with `answer` and records what it was asked. */
function transport(answer: (request: Request) => Response | Promise<Response>, timeout = 1_000) {
  const seen: Request[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    seen.push(request)
    return answer(request)
  }
  return Object.assign(createTransport({ userAgent: "test-app/1.0", timeout, fetch: fetch as typeof globalThis.fetch }), { seen })
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("resolved"),
    (error: unknown) => {
      expect(error).toBeInstanceOf(TraktError)
      return error as TraktError
    },
  )

describe("every request", () => {
  test("carries Trakt's headers and a JSON body, is a POST when it has one, and follows no redirect", async () => {
    const t = transport(() => Response.json({ ok: true }))
    expect(await sendJson(t, "https://auth.trakt.tv/oauth/token", { json: { code: "c" }, headers: { "trakt-api-version": "2" } })).toEqual({
      ok: true,
    })
    const [request] = t.seen
    expect(request!.method).toBe("POST")
    expect(request!.redirect).toBe("manual")
    expect(Object.fromEntries(request!.headers)).toMatchObject({
      "user-agent": "test-app/1.0",
      "content-type": "application/json",
      accept: "application/json",
      "trakt-api-version": "2",
    })
    expect(await request!.text()).toBe('{"code":"c"}')
  })

  test("a GET sends no body, and its caller cannot take the User-Agent or Content-Type away", async () => {
    const t = transport(() => Response.json([]))
    await sendJson(t, URL_, { headers: { "user-agent": "", "content-type": "text/plain" } })
    expect(t.seen[0]!.method).toBe("GET")
    expect(t.seen[0]!.headers.get("user-agent")).toBe("test-app/1.0")
    expect(t.seen[0]!.headers.get("content-type")).toBe("application/json")
    expect(t.seen[0]!.body).toBeNull()
  })

  test("an empty 2xx body is undefined (revoke answers with none); one that is not JSON is INVALID_RESPONSE", async () => {
    expect(
      await sendJson(
        transport(() => new Response(null, { status: 200 })),
        URL_,
      ),
    ).toBeUndefined()
    const error = await failure(
      sendJson(
        transport(() => new Response("<html>", { status: 200 })),
        URL_,
      ),
    )
    expect(error).toMatchObject({ code: "INVALID_RESPONSE", status: 200 })
  })
})

describe("what an answer becomes", () => {
  test.each([
    [401, "", "UNAUTHORIZED"],
    [403, "", "FORBIDDEN"],
    [403, "<!DOCTYPE html><title>Attention Required! | Cloudflare</title>", "CLOUDFLARE_BLOCKED"],
    [404, "", "NOT_FOUND"],
    [409, "", "CONFLICT"],
    [412, "", "HTTP_ERROR"],
    [420, "", "ACCOUNT_LIMIT"],
    [423, "", "ACCOUNT_LOCKED"],
    [426, "", "VIP_REQUIRED"],
    [429, "", "RATE_LIMITED"],
    [500, "", "SERVER_ERROR"],
    [503, "<html>down</html>", "SERVER_ERROR"],
    [522, "", "SERVER_ERROR"],
    [400, '{"error":"invalid_grant","error_description":"The provided authorization grant is invalid"}', "invalid_grant"],
    [401, '{"error":"invalid_client","error_description":"Client authentication failed"}', "invalid_client"],
    [400, '{"error":"slow_down","error_description":"no"}', "OAUTH_ERROR"],
    [400, "not json", "HTTP_ERROR"],
  ] as const)("%i %s → %s", async (status, body, code) => {
    const error = await failure(
      sendJson(
        transport(() => new Response(body, { status })),
        URL_,
      ),
    )
    expect(error.code).toBe(code)
    expect(error.status).toBe(status)
    expect(error.message).toMatch(/^Trakt \S+: GET \/users\/settings answered \d{3}/)
  })

  test("Trakt's OAuth error and its description are kept; the message never has the query, a body or a header", async () => {
    const t = transport(() => Response.json({ error: "invalid_grant", error_description: "used already" }, { status: 400 }))
    const error = await failure(
      sendJson(t, URL_, { json: { refresh_token: "body-secret" }, headers: { authorization: "Bearer header-secret" } }),
    )
    expect(error).toMatchObject({ code: "invalid_grant", error: "invalid_grant", description: "used already" })
    expect(error.message).toBe("Trakt invalid_grant: POST /users/settings answered 400: used already")
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/query-secret|body-secret|header-secret/)
  })

  test("a 429 carries Retry-After in seconds, from seconds or an HTTP date", async () => {
    const limited = transport(() => new Response(null, { status: 429, headers: { "retry-after": "30" } }))
    expect((await failure(sendJson(limited, URL_))).retryAfter).toBe(30)
    expect(retryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThanOrEqual(59)
    expect(retryAfter("soon")).toBeUndefined()
    expect(retryAfter(null)).toBeUndefined()
  })

  test("errorFor tells Cloudflare's HTML 403 apart and says how to fix it", () => {
    const error = errorFor("GET /users/settings", new Response(null, { status: 403 }), "  <html>blocked</html>")
    expect(error.code).toBe("CLOUDFLARE_BLOCKED")
    expect(error.message).toContain('set the "userAgent" option')
  })
})

describe("what never gets an answer", () => {
  test("a fetch that hangs is TIMEOUT after the timeout, and the request is aborted", async () => {
    let signal: AbortSignal | undefined
    const t = transport((request) => ((signal = request.signal), new Promise<never>(() => {})), 100)
    const started = performance.now()
    expect((await failure(sendJson(t, URL_))).code).toBe("TIMEOUT")
    expect(performance.now() - started).toBeGreaterThanOrEqual(95)
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(signal?.aborted).toBe(true)
  })

  test("a body that stalls after the headers is TIMEOUT too", async () => {
    const stalled = new ReadableStream({ start() {} })
    const t = transport(() => new Response(stalled, { status: 200 }), 100)
    expect((await failure(sendJson(t, URL_))).code).toBe("TIMEOUT")
  })

  test("a caller's shorter deadline wins over the transport's timeout", async () => {
    const t = transport(() => new Promise<never>(() => {}), 5_000)
    const started = performance.now()
    expect((await failure(send(t, URL_, { timeout: 50 }))).code).toBe("TIMEOUT")
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  test("a fetch that fails (DNS, TLS, reset) is NETWORK_ERROR, the failure kept as cause", async () => {
    const cause = new TypeError("fetch failed")
    const error = await failure(
      sendJson(
        transport(() => Promise.reject(cause)),
        URL_,
      ),
    )
    expect(error).toMatchObject({ code: "NETWORK_ERROR", cause })
    expect(error.message).toBe("Trakt NETWORK_ERROR: GET /users/settings got no answer")
  })
})

describe("options and credentials", () => {
  test.each([
    [{ userAgent: "" }, "userAgent"],
    [{ userAgent: "a\r\nInjected: yes" }, "userAgent"],
    [{ timeout: 0 }, "timeout"],
    [{ timeout: -1 }, "timeout"],
    [{ timeout: Infinity }, "timeout"],
    [{ timeout: "5000" }, "timeout"],
  ])("%j is a TypeError naming %s", (options, option) => {
    expect(() => createTransport(options as never)).toThrow(
      expect.objectContaining({ name: "TypeError", message: expect.stringContaining(`"${option}"`) }),
    )
  })

  test("credentials go in the body; a PKCE-only app sends no secret; no client id is MISSING_CLIENT_ID", () => {
    expect(withCredentials({ code: "c" }, { clientId: "id", clientSecret: "s" })).toEqual({
      code: "c",
      client_id: "id",
      client_secret: "s",
    })
    expect(withCredentials({ code: "c" }, { clientId: "id", clientSecret: undefined })).toEqual({ code: "c", client_id: "id" })
    expect(() => withCredentials({}, { clientId: undefined, clientSecret: "s" })).toThrow(
      expect.objectContaining({ code: "MISSING_CLIENT_ID" }),
    )
  })
})
