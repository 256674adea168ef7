import fc from "fast-check"
import { describe, expect, test } from "vitest"
import { joinUrl, parseBaseUrl, resolveEndpoints } from "../../src/core/endpoints.js"
import { TraktError } from "../../src/core/errors.js"

describe("joinUrl", () => {
  test.each([
    ["https://api.trakt.tv", "users/settings", "https://api.trakt.tv/users/settings"],
    ["https://api.trakt.tv/", "users/settings", "https://api.trakt.tv/users/settings"],
    ["https://api.trakt.tv/", "/users/settings", "https://api.trakt.tv/users/settings"],
    ["https://ex.com/trakt", "oauth/token", "https://ex.com/trakt/oauth/token"],
    ["https://ex.com/trakt/", "oauth/token", "https://ex.com/trakt/oauth/token"],
    ["https://ex.com/a/b//", "oauth/token", "https://ex.com/a/b//oauth/token"],
    ["http://127.0.0.1:4010", "oauth/authorize", "http://127.0.0.1:4010/oauth/authorize"],
  ])("%s + %s = %s", (base, path, expected) => {
    expect(joinUrl(new URL(base), path)).toBe(expected)
  })
})

describe("resolveEndpoints", () => {
  test.each([
    [
      "production by default",
      {},
      {
        authorize: "https://auth.trakt.tv/oauth/authorize",
        token: "https://auth.trakt.tv/oauth/token",
        revoke: "https://auth.trakt.tv/oauth/revoke",
        issuer: "https://auth.trakt.tv",
        api: "https://api.trakt.tv/",
      },
    ],
    [
      "production when baseUrl is empty (an empty env var)",
      { baseUrl: "", oauthBaseUrl: "" },
      { token: "https://auth.trakt.tv/oauth/token", api: "https://api.trakt.tv/" },
    ],
    ["production, spelt with a slash", { baseUrl: "https://api.trakt.tv/" }, { token: "https://auth.trakt.tv/oauth/token" }],
    ["production as a URL", { baseUrl: new URL("https://API.trakt.tv") }, { token: "https://auth.trakt.tv/oauth/token" }],
    [
      "staging",
      { baseUrl: "https://api-staging.trakt.tv" },
      {
        authorize: "https://staging.trakt.tv/oauth/authorize",
        token: "https://api-staging.trakt.tv/oauth/token",
        revoke: "https://api-staging.trakt.tv/oauth/revoke",
        issuer: "https://api-staging.trakt.tv",
        api: "https://api-staging.trakt.tv/",
      },
    ],
    [
      "a loopback stand-in",
      { baseUrl: "http://127.0.0.1:4010" },
      {
        authorize: "http://127.0.0.1:4010/oauth/authorize",
        token: "http://127.0.0.1:4010/oauth/token",
        issuer: "http://127.0.0.1:4010",
      },
    ],
    [
      "a proxy with a path",
      { baseUrl: "https://proxy.example.com/trakt/" },
      { token: "https://proxy.example.com/trakt/oauth/token", issuer: "https://proxy.example.com/trakt" },
    ],
    [
      "an explicit OAuth base",
      { baseUrl: "http://localhost:4010", oauthBaseUrl: "https://auth.example.com/base" },
      {
        authorize: "https://auth.example.com/base/oauth/authorize",
        token: "https://auth.example.com/base/oauth/token",
        api: "http://localhost:4010/",
      },
    ],
  ])("%s", (_, options, expected) => {
    const endpoints = resolveEndpoints(options)
    expect({ ...endpoints, api: endpoints.api.href }).toMatchObject(expected)
  })
})

describe("parseBaseUrl", () => {
  test.each(["http://localhost:4010", "http://127.0.0.1", "http://127.8.9.10:80/x", "http://[::1]:4010", "https://example.com"])(
    "accepts %s",
    (value) => {
      expect(parseBaseUrl(value, "baseUrl")).toBeInstanceOf(URL)
    },
  )

  test.each([
    ["plain http on a public host", "http://api.trakt.tv"],
    ["plain http on a private address", "http://192.168.1.10:4010"],
    ["a relative path", "/trakt"],
    ["not a URL", "api.trakt.tv"],
    ["another scheme", "ftp://api.trakt.tv"],
    ["credentials in the URL", "https://user:pass@api.trakt.tv"],
    ["a query", "https://api.trakt.tv?x=1"],
    ["a number", 42],
    ["null", null],
  ])("refuses %s with INVALID_OPTION naming the option (checked when needed: it may come from the environment)", (_, value) => {
    expect(() => parseBaseUrl(value, "baseUrl")).toThrow(TraktError)
    expect(() => parseBaseUrl(value, "baseUrl")).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }))
    expect(() => parseBaseUrl(value, "baseUrl")).toThrow(/^Trakt INVALID_OPTION: "baseUrl" /)
  })

  test("the error says an unset variable when the value looks like one", () => {
    expect(() => parseBaseUrl("undefined/api", "baseUrl")).toThrow(/is an environment variable unset\?/)
  })

  test("the error does not repeat the URL (it may carry credentials)", () => {
    expect(() => parseBaseUrl("https://user:hunter2@api.trakt.tv", "baseUrl")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    )
  })

  test("any string either parses to an allowed URL or fails with the documented INVALID_OPTION", () => {
    const candidates = fc.oneof(
      fc.string(),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc
        .constantFrom("http://", "https://", "//", "http://localhost", "http://127.0.0.1")
        .chain((prefix) => fc.string().map((rest) => prefix + rest)),
    )
    fc.assert(
      fc.property(candidates, (value) => {
        let url: URL
        try {
          url = parseBaseUrl(value, "baseUrl")
        } catch (error) {
          expect(error).toBeInstanceOf(TraktError)
          expect(error).toMatchObject({ code: "INVALID_OPTION", message: expect.stringMatching(/^Trakt INVALID_OPTION: "baseUrl" /) })
          // The value never reaches the message: it may carry credentials.
          if (value.length > 16) expect((error as Error).message).not.toContain(value)
          return
        }
        expect(["https:", "http:"]).toContain(url.protocol)
        if (url.protocol === "http:") expect(["localhost", "[::1]"].includes(url.hostname) || url.hostname.startsWith("127.")).toBe(true)
        expect(resolveEndpoints({ baseUrl: value }).token).toMatch(/^https?:\/\/[^/]+\/(.*\/)?oauth\/token$/)
      }),
      { numRuns: 2000 },
    )
  })
})
