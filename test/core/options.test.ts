import { describe, expect, test } from "vitest"
import Trakt, { findTraktError, traktJwt } from "../../src/index.js"
import { authConfig, Browser } from "../support/browser.js"
import { CLIENT_ID, CLIENT_SECRET, trakt } from "../support/handlers.js"

describe("the factory validates Trakt's options once, naming the one that is wrong", () => {
  test.each([
    ["accountId", { accountId: "id" }],
    ["timeout", { timeout: 0 }],
    ["timeout", { timeout: -5 }],
    ["timeout", { timeout: Number.NaN }],
    ["timeout", { timeout: "1000" }],
    ["userAgent", { userAgent: "" }],
    ["userAgent", { userAgent: "App/1.0\r\nX-Evil: 1" }],
    ["checks", { checks: ["pkce"] }],
    ["checks", { checks: ["state"] }],
    ["checks", { checks: "none" }],
    ["checks", { checks: [] }],
  ])("%s: %j", (option, options) => {
    const build = () => Trakt(options as never)
    expect(build).toThrow(TypeError)
    expect(build).toThrow(`Trakt: "${option}"`)
  })

  test("checks may add to state and PKCE, never drop one", () => {
    expect(Trakt({ checks: ["pkce", "state", "nonce"] }).options).toMatchObject({ checks: ["pkce", "state", "nonce"] })
    expect(() => Trakt({ checks: ["state", "pkce"] })).not.toThrow()
  })

  test("valid options build a provider", () => {
    const provider = Trakt({ baseUrl: new URL("http://localhost:4010/"), timeout: 1, userAgent: "App/1.0.0", accountId: "uuid" })
    expect(provider.token).toMatchObject({ url: "http://localhost:4010/oauth/token" })
    expect(provider.issuer).toBe("http://localhost:4010")
  })
})

describe("options that may come from the environment are checked when first needed, never at build", () => {
  test.each([
    ["baseUrl", { baseUrl: "http://api.trakt.tv" }],
    ["baseUrl", { baseUrl: "not a url" }],
    ["baseUrl", { baseUrl: " " }],
    ["baseUrl", { baseUrl: "undefined/trakt" }],
    ["oauthBaseUrl", { oauthBaseUrl: "http://auth.example.com" }],
  ])("%s: %j builds, then fails the sign-in with INVALID_OPTION naming it, sending nothing", async (option, options) => {
    const provider = () => Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options })
    expect(provider).not.toThrow()
    const config = authConfig([provider()])
    const signIn = await new Browser(config).signIn()
    expect(signIn.headers.get("location")).not.toMatch(/trakt\.tv|127\.0\.0\.1/)
    const error = findTraktError(config.logs.errors[0])
    expect(error).toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining(`"${option}"`) })
    expect(trakt.requests()).toEqual([])
  })

  test("a redirectUri built from an unset AUTH_URL builds, and fails the refresh naming it; the token is kept", async () => {
    const errors: Error[] = []
    const jwt = traktJwt({ clientId: CLIENT_ID, redirectUri: `${undefined}/callback/trakt`, onError: (error) => errors.push(error) })
    const expired = { access_token: "a", refresh_token: "r", expires_at: 0 }
    const token = await jwt({ token: expired })
    expect(token).toEqual(expired)
    expect(errors).toMatchObject([{ code: "INVALID_OPTION", message: expect.stringMatching(/"redirectUri".*environment variable unset/) }])
    expect(trakt.requests()).toEqual([])
  })
})
