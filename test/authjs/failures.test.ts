/**
 * Every way Trakt can fail a sign-in ends in Auth.js's error redirect and a
 * logged TraktError a program can branch on, and never leaks a secret.
 */
import { delay, http, HttpResponse } from "msw"
import { describe, expect, test } from "vitest"
import Trakt, { findTraktError, TraktError, type TraktErrorCode } from "../../src/index.js"
import { authConfig, Browser, describeError } from "../support/browser.js"
import { CLIENT_ID, CLIENT_SECRET, CLOUDFLARE_BLOCK_PAGE, environments, ORIGIN, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"

const { token: TOKEN_URL, api } = environments.production
const SETTINGS_URL = `${api}/users/settings`

const html = (status: number) =>
  new HttpResponse(CLOUDFLARE_BLOCK_PAGE, { status, headers: { "content-type": "text/html; charset=UTF-8" } })

/**
 * A body that announces 64 bytes, sends the first 8 and never finishes. The length
 * matters: msw 3 ends a body of unannounced length as if complete once the client
 * gives up, and Node's fetch then fails an assertion outside the test.
 */
const stalledBody = () =>
  new HttpResponse(
    new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"user":'))
      },
    }),
    { headers: { "content-type": "application/json", "content-length": "64" } },
  )

/**
 * The JSON bodies the app sent to `url`, secrets and all (the stand-in keeps
 * them masked), read off msw's events whether a handler or the stand-in answered.
 */
function sentBodies(url: string) {
  const reads: Promise<Record<string, any> | undefined>[] = []
  const listener = ({ request }: { request: Request }) => {
    if (request.url === url)
      reads.push(
        request
          .clone()
          .json()
          .catch(() => undefined),
      )
  }
  server.events.on("request:start", listener)
  return {
    stop: () => server.events.removeListener("request:start", listener),
    bodies: () => Promise.all(reads),
  }
}

interface Case {
  name: string
  url: string
  method: "get" | "post"
  answer: () => Response | Promise<Response>
  code: TraktErrorCode
  status?: number
  retryAfter?: number
  message?: RegExp
}

const cases: Case[] = [
  {
    name: "a used or expired code (400 invalid_grant)",
    url: TOKEN_URL,
    method: "post",
    answer: () => HttpResponse.json({ error: "invalid_grant", error_description: "The grant is invalid." }, { status: 400 }),
    code: "invalid_grant",
    status: 400,
  },
  {
    name: "wrong client credentials (401 invalid_client)",
    url: TOKEN_URL,
    method: "post",
    answer: () => HttpResponse.json({ error: "invalid_client" }, { status: 401 }),
    code: "invalid_client",
    status: 401,
  },
  {
    name: "an OAuth error Trakt made up (400)",
    url: TOKEN_URL,
    method: "post",
    answer: () => HttpResponse.json({ error: "app_limit_reached" }, { status: 400 }),
    code: "OAUTH_ERROR",
    status: 400,
  },
  {
    name: "a Cloudflare block on the token endpoint (403 HTML)",
    url: TOKEN_URL,
    method: "post",
    answer: () => html(403),
    code: "CLOUDFLARE_BLOCKED",
    status: 403,
    message: /userAgent/,
  },
  {
    name: "rate limiting on the token endpoint (429)",
    url: TOKEN_URL,
    method: "post",
    answer: () => HttpResponse.json({}, { status: 429, headers: { "retry-after": "30" } }),
    code: "RATE_LIMITED",
    status: 429,
    retryAfter: 30,
  },
  {
    name: "Trakt down (503)",
    url: TOKEN_URL,
    method: "post",
    answer: () => new HttpResponse(null, { status: 503 }),
    code: "SERVER_ERROR",
    status: 503,
  },
  {
    name: "Cloudflare cannot reach Trakt (522 HTML)",
    url: TOKEN_URL,
    method: "post",
    answer: () => html(522),
    code: "SERVER_ERROR",
    status: 522,
  },
  {
    name: "a token response that is not JSON",
    url: TOKEN_URL,
    method: "post",
    answer: () => html(200),
    code: "INVALID_RESPONSE",
    status: 200,
  },
  {
    name: "a token response without access_token",
    url: TOKEN_URL,
    method: "post",
    answer: () => HttpResponse.json({ token_type: "bearer", refresh_token: "r" }),
    code: "INVALID_RESPONSE",
  },
  // Shapes Trakt's own token schema allows (z.string()) but no Bearer header can carry:
  // each is INVALID_RESPONSE from this package, not oauth4webapi's generic error.
  ...[
    ["a token type that is not bearer", { access_token: "a1", token_type: "mac", expires_in: 60 }],
    ["an access token with spaces around it", { access_token: " a1 ", token_type: "bearer", expires_in: 60 }],
    ["a blank access token", { access_token: "   ", token_type: "bearer", expires_in: 60 }],
    ["a refresh token over two lines", { access_token: "a1", token_type: "bearer", expires_in: 60, refresh_token: "r1\nr2" }],
  ].map(([name, body]): Case => ({
    name: name as string,
    url: TOKEN_URL,
    method: "post",
    answer: () => HttpResponse.json(body as object),
    code: "INVALID_RESPONSE",
  })),
  {
    name: "the connection failing",
    url: TOKEN_URL,
    method: "post",
    answer: () => HttpResponse.error(),
    code: "NETWORK_ERROR",
  },
  {
    name: "a hung token endpoint",
    url: TOKEN_URL,
    method: "post",
    answer: async () => {
      await delay("infinite")
      return new HttpResponse(null)
    },
    code: "TIMEOUT",
  },
  {
    name: "an access token the API refuses (401)",
    url: SETTINGS_URL,
    method: "get",
    answer: () => new HttpResponse(null, { status: 401 }),
    code: "UNAUTHORIZED",
    status: 401,
  },
  {
    name: "an invalid API key or unapproved app (403)",
    url: SETTINGS_URL,
    method: "get",
    answer: () => new HttpResponse(null, { status: 403 }),
    code: "FORBIDDEN",
    status: 403,
  },
  {
    name: "a Cloudflare block on the API (403 HTML)",
    url: SETTINGS_URL,
    method: "get",
    answer: () => html(403),
    code: "CLOUDFLARE_BLOCKED",
    status: 403,
    message: /Cloudflare/,
  },
  {
    name: "a locked account (423)",
    url: SETTINGS_URL,
    method: "get",
    answer: () => new HttpResponse(null, { status: 423, headers: { "x-account-locked": "true" } }),
    code: "ACCOUNT_LOCKED",
    status: 423,
  },
  {
    name: "rate limiting on the API (429, Retry-After as a date)",
    url: SETTINGS_URL,
    method: "get",
    answer: () => HttpResponse.json({}, { status: 429, headers: { "retry-after": new Date(Date.now() + 120_000).toUTCString() } }),
    code: "RATE_LIMITED",
    status: 429,
  },
  {
    name: "a bad gateway (502)",
    url: SETTINGS_URL,
    method: "get",
    answer: () => new HttpResponse("Bad gateway", { status: 502 }),
    code: "SERVER_ERROR",
    status: 502,
  },
  {
    name: "a profile that is malformed JSON",
    url: SETTINGS_URL,
    method: "get",
    answer: () => new HttpResponse('{"user": {', { headers: { "content-type": "application/json" } }),
    code: "INVALID_RESPONSE",
    status: 200,
  },
  {
    name: "a profile without a user",
    url: SETTINGS_URL,
    method: "get",
    answer: () => HttpResponse.json({ account: {} }),
    code: "INVALID_RESPONSE",
  },
  {
    name: "a hung API",
    url: SETTINGS_URL,
    method: "get",
    answer: async () => {
      await delay("infinite")
      return new HttpResponse(null)
    },
    code: "TIMEOUT",
  },
  {
    name: "a profile body that stalls midway",
    url: SETTINGS_URL,
    method: "get",
    answer: stalledBody,
    code: "TIMEOUT",
  },
]

describe("a failed sign-in ends in Auth.js's error page with a typed, logged error", () => {
  test.each(cases)("$name → $code", async ({ url, method, answer, code, status, retryAfter, message }) => {
    server.use(http[method](url, answer))
    const tokenBodies = sentBodies(TOKEN_URL)
    const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timeout: 200 })])
    const started = Date.now()
    const callback = await new Browser(config).signInWithTrakt().finally(tokenBodies.stop)

    expect(callback.status).toBe(302)
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/auth/error?error=Configuration`)
    expect(Date.now() - started).toBeLessThan(2_000) // the timeout bounds a hung Trakt

    const error = findTraktError(config.logs.errors[0])
    expect(error).toBeInstanceOf(TraktError)
    expect(error).toMatchObject({ name: "TraktError", code })
    expect(error!.status).toBe(status)
    if (retryAfter !== undefined) expect(error!.retryAfter).toBe(retryAfter)
    if (code === "RATE_LIMITED") expect(error!.retryAfter).toBeGreaterThan(0)
    if (message) expect(error!.message).toMatch(message)

    // No secret, token or code in what was logged as an error or a warning.
    // (Auth.js's own debug log prints the provider config: never enable it in production.)
    const logged = config.logs.errors.map((e) => describeError(e)).join("\n")
    const [tokenBody] = await tokenBodies.bodies()
    expect(tokenBody).toMatchObject({ code: expect.any(String), code_verifier: expect.any(String) })
    for (const secret of [CLIENT_SECRET, tokenBody!.code, tokenBody!.code_verifier]) expect(logged).not.toContain(secret)
    expect(error!.message).not.toContain(CLIENT_SECRET)
  })
})

describe("answers Trakt sends back to the app", () => {
  test("the user denying access at Trakt (or Trakt's one-app limit) returns to the sign-in page", async () => {
    const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })])
    const callback = await new Browser(config).signInWithTrakt("deny")
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/auth/signin?error=OAuthCallbackError`)
    expect(trakt.requests("/oauth/token")).toEqual([])
  })

  test("an access token the API no longer accepts is a 401 from the stand-in too", async () => {
    // Guards the stand-in itself: the flow tests above rely on it refusing bad tokens.
    const response = await fetch(SETTINGS_URL, {
      headers: { "user-agent": "x", "trakt-api-key": CLIENT_ID, "trakt-api-version": "2", authorization: "Bearer nope" },
    })
    expect(response.status).toBe(401)
  })
})
