/** refreshTraktToken and revokeTraktToken against the Trakt stand-in. */
import { delay, http, HttpResponse } from "msw"
import { describe, expect, test } from "vitest"
import { refreshTraktToken, revokeTraktToken, TraktError, type TraktErrorCode } from "../../src/index.js"
import {
  CALLBACK_URL,
  CLIENT_ID,
  CLIENT_SECRET,
  CLOUDFLARE_BLOCK_PAGE,
  environments,
  PKCE_CLIENT_ID,
  trakt,
  type Environment,
} from "../support/handlers.js"
import { server } from "../support/setup.js"

const baseUrls: Record<Environment, string | undefined> = {
  production: undefined,
  staging: "https://api-staging.trakt.tv",
  loopback: "http://127.0.0.1:4010",
}

/** Asserts that `promise` fails with a TraktError of `code` and returns it. */
async function failure(promise: Promise<unknown>, code: TraktErrorCode): Promise<TraktError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TraktError)
  expect((error as TraktError).code).toBe(code)
  return error as TraktError
}

describe("refreshTraktToken", () => {
  test.each(Object.keys(environments) as Environment[])("posts Trakt's JSON refresh body to the %s token endpoint", async (env) => {
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const before = Math.floor(Date.now() / 1000)
    const tokens = await refreshTraktToken({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken: issued.refresh_token,
      redirectUri: CALLBACK_URL,
      baseUrl: baseUrls[env],
    })
    const [request] = trakt.requests("/oauth/token")
    expect(request!.url).toBe(environments[env].token)
    expect(request!.headers["content-type"]).toBe("application/json")
    expect(request!.headers.authorization).toBeUndefined()
    expect(request!.headers["user-agent"]).toMatch(/^authjs-trakt\//)
    expect(request!.body).toEqual({
      grant_type: "refresh_token",
      refresh_token: trakt.masked(issued.refresh_token),
      redirect_uri: CALLBACK_URL,
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
    })
    expect(tokens).toMatchObject({ token_type: "bearer", scope: "public", expires_in: 604800 })
    expect(tokens.access_token).not.toBe(issued.access_token)
    expect(tokens.refresh_token).not.toBe(issued.refresh_token)
    expect(tokens.created_at).toBeGreaterThanOrEqual(before)
    expect(tokens.expires_at).toBeGreaterThanOrEqual(before + 604800)
    expect(tokens.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 604800)
    expect(trakt.isValid(tokens.access_token)).toBe(true)
  })

  test("a PKCE-only app refreshes without a secret", async () => {
    const issued = trakt.issueTokens({ client: PKCE_CLIENT_ID })
    await refreshTraktToken({ clientId: PKCE_CLIENT_ID, refreshToken: issued.refresh_token, redirectUri: CALLBACK_URL })
    expect(trakt.requests("/oauth/token")[0]!.body).not.toHaveProperty("client_secret")
  })

  test("a refresh token works once: the second use is invalid_grant with Trakt's status", async () => {
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: issued.refresh_token, redirectUri: CALLBACK_URL }
    await refreshTraktToken(options)
    const error = await failure(refreshTraktToken(options), "invalid_grant")
    expect(error.status).toBe(400)
    expect(error.description).toMatch(/invalid/)
    expect(error.message).not.toContain(issued.refresh_token)
    expect(error.message).not.toContain(CLIENT_SECRET)
  })

  test("no refresh token is invalid_grant without a request; no client id is MISSING_CLIENT_ID", async () => {
    await failure(refreshTraktToken({ clientId: CLIENT_ID, refreshToken: "", redirectUri: CALLBACK_URL }), "invalid_grant")
    await failure(refreshTraktToken({ clientId: undefined as never, refreshToken: "r", redirectUri: CALLBACK_URL }), "MISSING_CLIENT_ID")
    expect(trakt.requests()).toEqual([])
  })

  test("an invalid baseUrl fails with INVALID_OPTION naming it, and nothing is sent", async () => {
    await expect(
      refreshTraktToken({ clientId: CLIENT_ID, refreshToken: "r", redirectUri: CALLBACK_URL, baseUrl: "http://api.trakt.tv" }),
    ).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringMatching(/^Trakt INVALID_OPTION: "baseUrl"/) })
    expect(trakt.requests()).toEqual([])
  })

  const TOKEN_URL = environments.production.token
  test.each([
    ["401 invalid_grant (the older server)", () => HttpResponse.json({ error: "invalid_grant" }, { status: 401 }), "invalid_grant", 401],
    ["401 without a body", () => new HttpResponse(null, { status: 401 }), "UNAUTHORIZED", 401],
    ["429", () => HttpResponse.json({}, { status: 429, headers: { "retry-after": "7" } }), "RATE_LIMITED", 429],
    ["500", () => new HttpResponse(null, { status: 500 }), "SERVER_ERROR", 500],
    ["503 HTML", () => new HttpResponse(CLOUDFLARE_BLOCK_PAGE, { status: 503 }), "SERVER_ERROR", 503],
    ["403 HTML", () => new HttpResponse(CLOUDFLARE_BLOCK_PAGE, { status: 403 }), "CLOUDFLARE_BLOCKED", 403],
    ["a 200 that is not JSON", () => new HttpResponse("<html>", { status: 200 }), "INVALID_RESPONSE", 200],
    ["a 200 without access_token", () => HttpResponse.json({ refresh_token: "x" }), "INVALID_RESPONSE", undefined],
    [
      "a 200 whose expires_in is no lifetime (1e400)",
      () => new HttpResponse('{"access_token":"a","expires_in":1e400}', { status: 200 }),
      "INVALID_RESPONSE",
      undefined,
    ],
    ["a 200 whose expires_in is negative", () => HttpResponse.json({ access_token: "a", expires_in: -5 }), "INVALID_RESPONSE", undefined],
    [
      "a 200 for a token type that is not bearer",
      () => HttpResponse.json({ access_token: "a", token_type: "mac", expires_in: 60 }),
      "INVALID_RESPONSE",
      undefined,
    ],
    [
      "a 200 whose access token has spaces around it",
      () => HttpResponse.json({ access_token: " a ", expires_in: 60 }),
      "INVALID_RESPONSE",
      undefined,
    ],
    ["a 200 whose access token is blank", () => HttpResponse.json({ access_token: "  ", expires_in: 60 }), "INVALID_RESPONSE", undefined],
    [
      "a 200 whose refresh token is over two lines",
      () => HttpResponse.json({ access_token: "a", refresh_token: "r\nr", expires_in: 60 }),
      "INVALID_RESPONSE",
      undefined,
    ],
    ["a dropped connection", () => HttpResponse.error(), "NETWORK_ERROR", undefined],
  ] as const)("%s → %s", async (_, answer, code, status) => {
    server.use(http.post(TOKEN_URL, answer))
    const error = await failure(
      refreshTraktToken({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: "r", redirectUri: CALLBACK_URL }),
      code,
    )
    expect(error.status).toBe(status)
    if (code === "RATE_LIMITED") expect(error.retryAfter).toBe(7)
    expect(error.message).not.toContain(CLIENT_SECRET)
  })

  test("a token type in any case is bearer, and the set says so", async () => {
    server.use(http.post(TOKEN_URL, () => HttpResponse.json({ access_token: "a.b-c_d~e+f/g==", token_type: "Bearer", expires_in: 60 })))
    const tokens = await refreshTraktToken({ clientId: CLIENT_ID, refreshToken: "r", redirectUri: CALLBACK_URL })
    expect(tokens).toMatchObject({ access_token: "a.b-c_d~e+f/g==", token_type: "bearer" })
  })

  test("an empty refresh_token in the answer counts as none: the spent one is not kept", async () => {
    server.use(http.post(TOKEN_URL, () => HttpResponse.json({ access_token: "a", refresh_token: "", expires_in: 60 })))
    const tokens = await refreshTraktToken({ clientId: CLIENT_ID, refreshToken: "r", redirectUri: CALLBACK_URL })
    expect(tokens.refresh_token).toBeUndefined()
    expect(tokens.expires_at).toBeGreaterThan(Date.now() / 1000)
  })

  test("a hung token endpoint fails with TIMEOUT within the timeout", async () => {
    server.use(http.post(TOKEN_URL, () => delay("infinite")))
    const started = Date.now()
    await failure(refreshTraktToken({ clientId: CLIENT_ID, refreshToken: "r", redirectUri: CALLBACK_URL, timeout: 100 }), "TIMEOUT")
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  test("a custom fetch and userAgent are used", async () => {
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const seen: string[] = []
    await refreshTraktToken({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken: issued.refresh_token,
      redirectUri: CALLBACK_URL,
      userAgent: "MyApp/1.0.0",
      fetch: (input, init) => {
        seen.push(String(input))
        return fetch(input, init)
      },
    })
    expect(seen).toEqual([TOKEN_URL])
    expect(trakt.requests("/oauth/token")[0]!.headers["user-agent"]).toBe("MyApp/1.0.0")
  })
})

describe("revokeTraktToken", () => {
  test.each(Object.keys(environments) as Environment[])("posts the token and credentials to the %s revoke endpoint", async (env) => {
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    await revokeTraktToken({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, token: issued.access_token, baseUrl: baseUrls[env] })
    const [request] = trakt.requests("/oauth/revoke")
    expect(request!.url).toBe(environments[env].revoke)
    expect(request!.headers["content-type"]).toBe("application/json")
    expect(request!.body).toEqual({
      token: trakt.masked(issued.access_token),
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
    })
    expect(trakt.isValid(issued.access_token)).toBe(false)
  })

  test("an empty 200 is success", async () => {
    server.use(http.post(environments.production.revoke, () => new HttpResponse(null, { status: 200 })))
    await expect(revokeTraktToken({ clientId: CLIENT_ID, token: "t" })).resolves.toBeUndefined()
  })

  test.each([
    ["401 invalid_client", () => HttpResponse.json({ error: "invalid_client" }, { status: 401 }), "invalid_client"],
    ["503", () => new HttpResponse(null, { status: 503 }), "SERVER_ERROR"],
    ["429", () => new HttpResponse(null, { status: 429, headers: { "retry-after": "1" } }), "RATE_LIMITED"],
  ] as const)("%s → %s", async (_, answer, code) => {
    server.use(http.post(environments.production.revoke, answer))
    const error = await failure(revokeTraktToken({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, token: "secret-token" }), code)
    expect(error.message).not.toContain("secret-token")
  })

  test("a hung revoke endpoint fails with TIMEOUT", async () => {
    server.use(http.post(environments.production.revoke, () => delay("infinite")))
    await failure(revokeTraktToken({ clientId: CLIENT_ID, token: "t", timeout: 100 }), "TIMEOUT")
  })
})
