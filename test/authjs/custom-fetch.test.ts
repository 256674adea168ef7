/**
 * What the "second @auth/core" project proves rests on two facts checked here:
 * the copies really differ, and a sign-in Auth.js sends without the provider's
 * fetch fails with a TraktError that says so, not with Trakt's own refusal.
 */
import * as own from "@auth/core"
import * as copy from "@auth/core-copy"
import { describe, expect, test } from "vitest"
import Trakt, { findTraktError } from "../../src/index.js"
import { customFetch } from "../support/auth-core.js"
import { authConfig, Browser } from "../support/browser.js"
import { CLIENT_ID, CLIENT_SECRET, ORIGIN, trakt } from "../support/handlers.js"

describe("two copies of @auth/core", () => {
  test("have different customFetch symbols, alike only in their description", () => {
    expect(copy.customFetch).not.toBe(own.customFetch)
    expect(copy.customFetch.description).toBe(own.customFetch.description)
  })

  test("an Auth.js that bypasses the provider's fetch gets UNSUPPORTED_AUTHJS, not Trakt's 'client_id is required'", async () => {
    const provider = Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
    // A plain copy of the options answers no customFetch lookup: what a future
    // Auth.js that stops reading it would see.
    const config = authConfig([{ ...provider, options: { ...provider.options } }])
    const callback = await new Browser(config).signInWithTrakt()
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/auth/error?error=Configuration`)
    // Auth.js sent its own form-encoded request, which the stand-in (as Trakt) refused.
    const [token] = trakt.requests("/oauth/token")
    expect(typeof token!.body).toBe("string")
    const error = findTraktError(config.logs.errors[0])
    expect(error?.code).toBe("UNSUPPORTED_AUTHJS")
    expect(error?.message).toMatch(/@auth\/core 0\.41/)
  })

  test("the app's [customFetch], given with the running copy's symbol, still carries the requests", async () => {
    const seen: string[] = []
    const config = authConfig([
      Trakt({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        [customFetch]: (input: RequestInfo | URL, init?: RequestInit) => (seen.push(String(input)), fetch(input, init)),
      }),
    ])
    await new Browser(config).signInWithTrakt()
    expect(seen).toEqual(["https://auth.trakt.tv/oauth/token", "https://api.trakt.tv/users/settings"])
  })
})
