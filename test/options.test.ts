import { describe, expect, test } from "vitest"
import Trakt from "../src/index.js"

describe("the factory validates Trakt's options once, naming the one that is wrong", () => {
  test.each([
    ["baseUrl", { baseUrl: "http://api.trakt.tv" }],
    ["baseUrl", { baseUrl: "not a url" }],
    ["baseUrl", { baseUrl: " " }],
    ["oauthBaseUrl", { oauthBaseUrl: "http://auth.example.com" }],
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
