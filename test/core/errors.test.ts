import { describe, expect, test } from "vitest"
import { findTraktError, TraktError } from "../../src/index.js"

describe("TraktError", () => {
  test("carries its code, status and cause, and leads its message with the code", () => {
    const cause = new Error("socket hang up")
    const error = new TraktError("RATE_LIMITED", "GET /users/settings answered 429", { status: 429, retryAfter: 30, cause })
    expect(error).toMatchObject({ name: "TraktError", code: "RATE_LIMITED", status: 429, retryAfter: 30, cause })
    expect(error.message).toBe("Trakt RATE_LIMITED: GET /users/settings answered 429")
    expect(error).toBeInstanceOf(Error)
  })

  test("instanceof and findTraktError hold across two loaded copies of the package (ESM + CJS, one per bundle)", async () => {
    // The query makes Vite load errors.ts a second time, as a separate module.
    const path: string = "../../src/core/errors.js?second-copy"
    const other = (await import(path)) as typeof import("../../src/core/errors.js")
    expect(other.TraktError).not.toBe(TraktError)
    const foreign = new other.TraktError("TIMEOUT", "POST /oauth/token got no answer")
    expect(foreign instanceof TraktError).toBe(true)
    expect(findTraktError({ cause: { err: foreign } })).toBe(foreign)
    expect(new Error("x") instanceof TraktError).toBe(false)
    expect((null as unknown) instanceof TraktError).toBe(false)
  })
})
