/**
 * The callback URL refreshes send Trakt: the one the user signed in with, else
 * `redirectUri`, else AUTH_URL / NEXTAUTH_URL, read the way next-auth reads
 * AUTH_URL. A refresh refused for the app's configuration keeps its token.
 */
import { http, HttpResponse } from "msw"
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest"
import Trakt, { traktJwt, type TraktError } from "../../src/index.js"
import { redirectUriOf } from "../../src/core/refresh/redirect-uri.js"
import { forgetRotations } from "../../src/core/refresh/rotation.js"
import { authConfig, Browser } from "../support/browser.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, environments, ORIGIN, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"

const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
const EIGHT_DAYS = 8 * 24 * 60 * 60 * 1000
const refreshes = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] })
  vi.stubEnv("AUTH_URL", "")
  vi.stubEnv("NEXTAUTH_URL", "")
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllEnvs()
})

describe("the one rule, as next-auth reads AUTH_URL", () => {
  test.each([
    ["https://example.com", "https://example.com/api/auth/callback/trakt"],
    ["https://example.com/", "https://example.com/api/auth/callback/trakt"],
    ["https://example.com/api/auth", "https://example.com/api/auth/callback/trakt"],
    ["https://example.com/api/auth/", "https://example.com/api/auth/callback/trakt"],
    ["https://example.com/auth", "https://example.com/auth/callback/trakt"],
    ["https://example.com/api/auth/callback/trakt", "https://example.com/api/auth/callback/trakt"],
    ["http://localhost:3000/custom/base", "http://localhost:3000/custom/base/callback/trakt"],
  ])("%s -> %s", (value, expected) => {
    expect(redirectUriOf(value)).toBe(expected)
  })

  test("another provider id gets its own callback", () => {
    expect(redirectUriOf("https://example.com", "trakt-staging")).toBe("https://example.com/api/auth/callback/trakt-staging")
  })

  test("a redirectUri that is no URL builds (it may come from the environment), and fails the refresh naming the option", async () => {
    const errors: TraktError[] = []
    const jwt = traktJwt({ ...credentials, redirectUri: "example.com/api/auth", onError: (error) => errors.push(error) })
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const token = await jwt({ token: { ...issued, expires_at: 0 } })
    expect(errors).toMatchObject([{ code: "INVALID_OPTION", message: expect.stringContaining('"redirectUri"') }])
    expect(token.refresh_token).toBe(issued.refresh_token)
    expect(refreshes()).toEqual([])
  })
})

/** An app whose jwt callback has no redirectUri option: what most next-auth v5 apps write. */
function app(errors: TraktError[] = [], redirectUri?: string) {
  return authConfig([Trakt(credentials)], {
    callbacks: {
      jwt: traktJwt({ ...credentials, redirectUri, onError: (error) => errors.push(error) }),
      session: ({ session, token }) => ({ ...session, error: token.error, accessToken: token.access_token }),
    },
  })
}

async function refreshedUri(config = app()) {
  const browser = new Browser(config)
  await browser.signInWithTrakt()
  vi.setSystemTime(Date.now() + EIGHT_DAYS)
  const session = await browser.session()
  return { session, sent: refreshes().at(-1)?.body.redirect_uri }
}

describe("which callback URL a refresh sends", () => {
  test("the one the user signed in with, with AUTH_URL unset (AUTH_TRUST_HOST, Vercel)", async () => {
    const { session, sent } = await refreshedUri()
    expect(session.error).toBeUndefined()
    expect(sent).toBe(CALLBACK_URL)
  })

  test("the one the user signed in with, over a redirectUri or AUTH_URL that says otherwise", async () => {
    vi.stubEnv("AUTH_URL", "https://elsewhere.example.com")
    const { sent } = await refreshedUri(app([], "https://also-elsewhere.example.com"))
    expect(sent).toBe(CALLBACK_URL)
  })

  test.each([
    ["the bare origin", ORIGIN, `${ORIGIN}/api/auth/callback/trakt`],
    ["origin + basePath", `${ORIGIN}/auth`, CALLBACK_URL],
  ])("for a token from before this version: AUTH_URL as %s", async (_, authUrl, expected) => {
    vi.stubEnv("AUTH_URL", authUrl)
    trakt.client(CLIENT_ID).redirectUris.push(`${ORIGIN}/api/auth/callback/trakt`)
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const token = await traktJwt(credentials)({ token: { ...issued, expires_at: 0 } })
    expect(token.error).toBeUndefined()
    expect(refreshes()[0]!.body.redirect_uri).toBe(expected)
  })

  test("none at all: MISSING_REDIRECT_URI, the refresh token kept, Trakt not asked, the user not told to sign in", async () => {
    const errors: TraktError[] = []
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const token = await traktJwt({ ...credentials, onError: (error) => errors.push(error) })({ token: { ...issued, expires_at: 0 } })
    // A setting the operator must fix is not the user's to fix by signing in again.
    expect(token).toEqual({ ...issued, expires_at: 0 })
    expect(errors.map((e) => e.code)).toEqual(["MISSING_REDIRECT_URI"])
    expect(errors[0]!.message).toMatch(/redirectUri.*AUTH_URL/)
    expect(refreshes()).toEqual([])
  })

  test("refused for the app's configuration (a wrong secret): the token stays, and works once the app is fixed", async () => {
    const errors: TraktError[] = []
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const expired = { ...issued, expires_at: 0 }
    const broken = traktJwt({ ...credentials, clientSecret: "wrong", redirectUri: CALLBACK_URL, onError: (e) => errors.push(e) })
    const token = await broken({ token: expired })
    expect(token).toMatchObject({ error: "RefreshTokenError", refresh_token: issued.refresh_token })
    expect(errors.map((e) => e.code)).toEqual(["invalid_client"])

    forgetRotations() // the fixed app is deployed: a new process
    const fixed = await traktJwt({ ...credentials, redirectUri: CALLBACK_URL })({ token })
    expect(fixed.error).toBeUndefined()
    expect(trakt.isValid(fixed.access_token!)).toBe(true)
  })

  test("refused for a callback URL Trakt does not know: the token stays too", async () => {
    const errors: TraktError[] = []
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    server.use(
      http.post(environments.production.token, () =>
        HttpResponse.json({ error: "invalid_grant", error_description: "The redirect uri does not match." }, { status: 400 }),
      ),
    )
    const jwt = traktJwt({ ...credentials, redirectUri: "https://wrong.example.com", onError: (e) => errors.push(e) })
    const token = await jwt({ token: { ...issued, expires_at: 0 } })
    expect(token).toMatchObject({ error: "RefreshTokenError", refresh_token: issued.refresh_token })
    expect(errors[0]).toMatchObject({ code: "invalid_grant", description: "The redirect uri does not match." })
  })
})

describe("where a refresh goes", () => {
  test.each([
    ["staging", "https://api-staging.trakt.tv"],
    ["loopback", "http://127.0.0.1:4010"],
  ] as const)("to the %s token endpoint the user signed in at, with traktJwt given no baseUrl", async (env, baseUrl) => {
    const config = authConfig([Trakt({ ...credentials, baseUrl })], {
      callbacks: {
        jwt: traktJwt({ ...credentials, onError() {} }),
        session: ({ session, token }) => ({ ...session, error: token.error, accessToken: token.access_token }),
      },
    })
    const { session } = await refreshedUri(config)
    expect(session.error).toBeUndefined()
    expect(refreshes().map((r) => r.url)).toEqual([environments[env].token])
  })
})
