/**
 * `authjs-trakt/next-auth-v4` through the real next-auth 4.24 API route, against
 * the Trakt stand-in: what Trakt is sent, the cookies and session that come
 * back, the checks v4 skips for a custom token request, Trakt's failures in
 * v4's error flow, and token refresh in v4's jwt callback.
 */
import type { AuthOptions } from "next-auth"
import { delay, http, HttpResponse } from "msw"
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest"
import TraktProvider, { TraktError, traktJwt } from "../../src/next-auth-v4.js"

type TraktProviderOptions = Parameters<typeof TraktProvider>[0]
import { v4Options, V4Browser } from "../support/browser-v4.js"
import { CLIENT_ID, CLIENT_SECRET, CLOUDFLARE_BLOCK_PAGE, environments, ORIGIN, PKCE_CLIENT_ID, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"

const V4_CALLBACK = `${ORIGIN}/api/auth/callback/trakt`
const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
const refreshes = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")

beforeEach(() => {
  // next-auth v4 learns where it lives from NEXTAUTH_URL (a bare origin: base path /api/auth).
  vi.stubEnv("NEXTAUTH_URL", ORIGIN)
  for (const id of [CLIENT_ID, PKCE_CLIENT_ID]) trakt.client(id).redirectUris.push(V4_CALLBACK)
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.useRealTimers()
})

/** A v4 app whose jwt callback records what it is handed at sign-in, and whose session shows the token. */
function app(provider: TraktProviderOptions = credentials, callbacks: AuthOptions["callbacks"] = {}) {
  const signIns: any[] = []
  const options = v4Options({
    providers: [TraktProvider(provider)],
    callbacks: {
      jwt({ token, account, profile }) {
        if (account) signIns.push({ account, profile })
        return token
      },
      ...callbacks,
    },
  })
  return { options, signIns, browser: new V4Browser(options) }
}

describe.each([
  ["production", undefined],
  ["staging", "https://api-staging.trakt.tv"],
  ["loopback", "http://127.0.0.1:4010"],
] as const)("sign-in on %s", (env, baseUrl) => {
  const urls = environments[env]

  test("sends the browser to Trakt with state, S256 PKCE and scope=public", async () => {
    const { browser } = app({ ...credentials, baseUrl })
    const signIn = await browser.signIn()
    expect(signIn.status).toBe(302)
    const location = new URL(signIn.location!)
    expect(`${location.origin}${location.pathname}`).toBe(urls.authorize)
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: V4_CALLBACK,
      scope: "public",
      code_challenge_method: "S256",
      state: expect.any(String),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    })
    expect(location.searchParams.has("client_secret")).toBe(false)
    expect([...browser.cookies.keys()]).toEqual(expect.arrayContaining(["next-auth.state", "next-auth.pkce.code_verifier"]))
  })

  test("exchanges the code with Trakt's JSON body, loads /users/settings and starts a session", async () => {
    const { browser, options, signIns } = app({ ...credentials, baseUrl })
    const callback = await browser.signInWithTrakt()
    expect(options.logs.errors).toEqual([])
    expect(callback.location).toBe(`${ORIGIN}/dashboard`)

    const [token] = trakt.requests("/oauth/token")
    expect(token!.url).toBe(urls.token)
    expect(token!.headers["content-type"]).toBe("application/json")
    expect(token!.headers.authorization).toBeUndefined()
    expect(token!.headers["user-agent"]).toMatch(/^authjs-trakt\//)
    expect(token!.body).toEqual({
      grant_type: "authorization_code",
      code: expect.any(String),
      code_verifier: expect.any(String),
      redirect_uri: V4_CALLBACK,
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
    })
    const [profile] = trakt.requests("/users/settings")
    expect(profile!.url).toBe(`${urls.api}/users/settings`)
    expect(profile!.headers).toMatchObject({
      "trakt-api-key": CLIENT_ID,
      "trakt-api-version": "2",
      authorization: expect.stringMatching(/^Bearer /),
    })
    expect(trakt.requests().filter((r) => !r.url.includes("/oauth/authorize"))).toHaveLength(2)

    expect(await browser.session()).toEqual({
      user: { name: "Justin Nemeth", image: "https://walter.trakt.tv/images/users/000/000/002/avatars/large/fb9a01d0a3.jpg" },
      expires: expect.any(String),
    })
    const [{ account, profile: traktProfile }] = signIns
    // Only the token fields adapters have columns for (Prisma rejects others).
    expect(Object.keys(account).sort()).toEqual(
      ["access_token", "expires_at", "provider", "providerAccountId", "refresh_token", "scope", "token_type", "type"].sort(),
    )
    expect(account).toMatchObject({ provider: "trakt", type: "oauth", providerAccountId: "justin", token_type: "bearer", scope: "public" })
    expect(account.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000) + 7 * 86400 - 60)
    expect(traktProfile).toMatchObject({ username: "justin", ids: { uuid: "2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10" } })
  })
})

describe("accounts and options", () => {
  test('accountId: "uuid" links the account by Trakt\'s stable ids.uuid', async () => {
    const { browser, signIns } = app({ ...credentials, accountId: "uuid" })
    await browser.signInWithTrakt()
    expect(signIns[0].account.providerAccountId).toBe("2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10")
  })

  test("a PKCE-only app sends no secret", async () => {
    const { browser, options } = app({ clientId: PKCE_CLIENT_ID })
    const callback = await browser.signInWithTrakt()
    expect(options.logs.errors).toEqual([])
    expect(callback.location).toBe(`${ORIGIN}/dashboard`)
    expect(trakt.requests("/oauth/token")[0]!.body).not.toHaveProperty("client_secret")
  })

  test("v4's own overrides reach Trakt: authorization params, a custom userAgent", async () => {
    const { browser } = app({ ...credentials, userAgent: "MyApp/2.0.0", authorization: { params: { prompt: "login", scope: "public" } } })
    const signIn = await browser.signIn()
    expect(new URL(signIn.location!).searchParams.get("prompt")).toBe("login")
    await browser.callback(await browser.decideAtTrakt(signIn.location!))
    expect(trakt.requests("/oauth/token")[0]!.headers["user-agent"]).toBe("MyApp/2.0.0")
  })

  test.each([
    ["baseUrl", { baseUrl: "http://api.trakt.tv" }],
    ["oauthBaseUrl", { oauthBaseUrl: "ftp://auth.trakt.tv" }],
  ])("an invalid %s builds (it may come from the environment), then fails the sign-in with INVALID_OPTION", async (option, bad) => {
    expect(() => TraktProvider({ ...credentials, ...(bad as object) })).not.toThrow()
    const { browser, options } = app({ ...credentials, ...(bad as object) })
    const signIn = await browser.signIn()
    expect(signIn.location).toMatch(/\/api\/auth\/(error|signin)/)
    expect(JSON.stringify(options.logs.errors.map((e: any) => e.metadata?.error ?? e))).toContain("INVALID_OPTION")
    expect(JSON.stringify(options.logs.errors.map((e: any) => e.metadata?.error?.message ?? e.message))).toContain(`\\"${option}\\"`)
    expect(trakt.requests()).toEqual([])
  })

  test.each([
    ["accountId", { accountId: "id" }],
    ["timeout", { timeout: 0 }],
    ["userAgent", { userAgent: "a\nb" }],
  ])("an invalid %s throws a TypeError naming it", (option, bad) => {
    expect(() => TraktProvider({ ...credentials, ...(bad as object) })).toThrow(`Trakt: "${option}"`)
  })

  test("without a client id, sign-in fails with MISSING_CLIENT_ID and nobody is sent to Trakt", async () => {
    expect(() => TraktProvider()).not.toThrow() // an app builds in CI without secrets
    const { browser, options } = app({})
    const signIn = await browser.signIn()
    expect(signIn.location).toBe(`${ORIGIN}/api/auth/error?error=OAuthSignin`)
    expect(options.logs.errors).toMatchObject([{ code: "SIGNIN_OAUTH_ERROR", metadata: { error: { code: "MISSING_CLIENT_ID" } } }])
    expect(options.logs.errors[0]!.metadata.error).toBeInstanceOf(TraktError)
    expect(trakt.requests()).toEqual([])
  })
})

describe("the checks next-auth v4 skips for a custom token request", () => {
  test("a callback with a state of its own gets no session and sends Trakt nothing", async () => {
    const { browser, options } = app()
    const signIn = await browser.signIn()
    const callbackUrl = new URL(await browser.decideAtTrakt(signIn.location!))
    callbackUrl.searchParams.set("state", "forged")
    const callback = await browser.callback(callbackUrl.href)
    expect(callback.location).toBe(`${ORIGIN}/api/auth/error?error=OAuthCallback`)
    expect(options.logs.errors[0]).toMatchObject({ code: "OAUTH_CALLBACK_ERROR", metadata: { error: { code: "INVALID_CALLBACK" } } })
    expect(trakt.requests("/oauth/token")).toEqual([])
    expect(await browser.session()).toEqual({})
  })

  test("a callback without a state is refused too", async () => {
    const { browser } = app()
    const signIn = await browser.signIn()
    const callbackUrl = new URL(await browser.decideAtTrakt(signIn.location!))
    callbackUrl.searchParams.delete("state")
    expect((await browser.callback(callbackUrl.href)).location).toMatch(/error=OAuthCallback/)
    expect(trakt.requests("/oauth/token")).toEqual([])
  })

  test("a callback replayed (or carried to another browser) gets no session", async () => {
    const { browser, options } = app()
    const signIn = await browser.signIn()
    const callbackUrl = await browser.decideAtTrakt(signIn.location!)
    const attacker = new V4Browser(options)
    expect((await attacker.callback(callbackUrl)).location).toMatch(/\/api\/auth\/error\?error=/)
    expect(await attacker.session()).toEqual({})
    expect(trakt.requests("/oauth/token")).toEqual([])
  })

  test("an app cannot drop PKCE or state from checks", () => {
    expect(() => TraktProvider({ ...credentials, checks: ["state"] })).toThrow('Trakt: "checks"')
    expect(() => TraktProvider({ ...credentials, checks: "pkce" })).toThrow('Trakt: "checks"')
  })

  test("with PKCE taken off the provider's checks behind its back, the sign-in fails instead of losing it", async () => {
    const provider = TraktProvider(credentials)
    provider.checks = ["state"]
    const options = v4Options({ providers: [provider] })
    const browser = new V4Browser(options)
    const callback = await browser.signInWithTrakt()
    expect(callback.location).toMatch(/error=OAuthCallback/)
    expect(options.logs.errors[0]!.metadata.error).toMatchObject({ code: "INVALID_CALLBACK", message: expect.stringContaining("PKCE") })
  })

  test("the app's own issuer option is what iss is checked against", async () => {
    const { browser } = app({ ...credentials, issuer: "https://auth.example.com" })
    const signIn = await browser.signIn()
    const callbackUrl = new URL(await browser.decideAtTrakt(signIn.location!))
    callbackUrl.searchParams.set("iss", "https://auth.example.com")
    expect((await browser.callback(callbackUrl.href)).location).toBe(`${ORIGIN}/dashboard`)
  })

  test("an iss other than Trakt's is refused; Trakt's is accepted", async () => {
    for (const [iss, ok] of [
      ["https://auth.trakt.tv", true],
      ["https://evil.example", false],
    ] as const) {
      const { browser } = app()
      const signIn = await browser.signIn()
      const callbackUrl = new URL(await browser.decideAtTrakt(signIn.location!))
      callbackUrl.searchParams.set("iss", iss)
      expect((await browser.callback(callbackUrl.href)).location === `${ORIGIN}/dashboard`).toBe(ok)
    }
  })
})

describe("Trakt's failures end in next-auth's error flow, with the TraktError's code logged", () => {
  const { token: TOKEN_URL, api } = environments.production
  test.each([
    [
      "a Cloudflare block (403 HTML)",
      TOKEN_URL,
      "post",
      () => new HttpResponse(CLOUDFLARE_BLOCK_PAGE, { status: 403, headers: { "content-type": "text/html" } }),
      "CLOUDFLARE_BLOCKED",
    ],
    [
      "rate limiting (429)",
      `${api}/users/settings`,
      "get",
      () => HttpResponse.json({}, { status: 429, headers: { "retry-after": "30" } }),
      "RATE_LIMITED",
    ],
    ["Trakt down (503)", TOKEN_URL, "post", () => new HttpResponse(null, { status: 503 }), "SERVER_ERROR"],
    [
      "a used code (400 invalid_grant)",
      TOKEN_URL,
      "post",
      () => HttpResponse.json({ error: "invalid_grant" }, { status: 400 }),
      "invalid_grant",
    ],
    ["a hung Trakt", TOKEN_URL, "post", async () => (await delay("infinite"), new HttpResponse(null)), "TIMEOUT"],
  ] as const)("%s", async (_, url, method, answer, code) => {
    server.use(http[method](url, answer))
    const { browser, options } = app({ ...credentials, timeout: 300 })
    const callback = await browser.signInWithTrakt()
    expect(callback.location).toBe(`${ORIGIN}/api/auth/error?error=OAuthCallback`)
    // next-auth v4 wraps it in its OAuthCallbackError, copying the code and the message.
    const [logged] = options.logs.errors
    expect(logged).toMatchObject({
      code: "OAUTH_CALLBACK_ERROR",
      metadata: { error: { code, message: expect.stringMatching(`^Trakt ${code}: `) } },
    })
    expect(JSON.stringify(options.logs.errors)).not.toContain(CLIENT_SECRET)
    expect(await browser.session()).toEqual({})
  })

  test("a Deny at Trakt ends in next-auth's own Callback error, and Trakt is sent nothing", async () => {
    const { browser } = app()
    const callback = await browser.signInWithTrakt("deny")
    expect(callback.location).toBe(`${ORIGIN}/api/auth/error?error=Callback`)
    expect(trakt.requests("/oauth/token")).toEqual([])
  })
})

describe("refresh in v4's jwt callback", () => {
  test("traktJwt keeps the token fresh: one refresh to NEXTAUTH_URL's callback, the session keeps working", async () => {
    vi.useFakeTimers({ toFake: ["Date"] })
    const { browser } = app(credentials, {
      jwt: traktJwt({ ...credentials, onError: (error) => void error }),
      session: ({ session, token }) => ({ ...session, error: token.error, accessToken: token.access_token }),
    })
    await browser.signInWithTrakt()
    const first = await browser.session()
    expect(trakt.isValid(first.accessToken)).toBe(true)

    vi.setSystemTime(Date.now() + 8 * 24 * 60 * 60 * 1000)
    const second = await browser.session()
    expect(second.error).toBeUndefined()
    expect(second.accessToken).not.toBe(first.accessToken)
    expect(trakt.isValid(second.accessToken)).toBe(true)
    expect(refreshes()).toHaveLength(1)
    expect(refreshes()[0]!.body).toMatchObject({
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
      redirect_uri: V4_CALLBACK,
    })
    expect((await browser.session()).accessToken).toBe(second.accessToken)
    expect(refreshes()).toHaveLength(1)
  })

  test("traktJwt refreshes where the user signed in (staging), with the sign-in's callback URL, given no options", async () => {
    vi.useFakeTimers({ toFake: ["Date"] })
    const { browser } = app(
      { ...credentials, baseUrl: "https://api-staging.trakt.tv" },
      {
        jwt: traktJwt({ ...credentials, onError: (error) => void error }),
        session: ({ session, token }) => ({ ...session, error: token.error, accessToken: token.access_token }),
      },
    )
    await browser.signInWithTrakt()
    // Whatever NEXTAUTH_URL says by now, the sign-in's callback URL is what Trakt accepted.
    vi.stubEnv("NEXTAUTH_URL", "http://moved.example.com")
    vi.setSystemTime(Date.now() + 8 * 24 * 60 * 60 * 1000)
    const session = await browser.session()
    expect(session.error).toBeUndefined()
    expect(trakt.isValid(session.accessToken)).toBe(true)
    expect(refreshes().map((r) => [r.url, r.body.redirect_uri])).toEqual([[environments.staging.token, V4_CALLBACK]])
  })
})
