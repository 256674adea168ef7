/**
 * The TraktError codes are documented once, in `TRAKT_ERROR_CODES`
 * (src/core/errors.ts); docs/errors.md carries a generated copy. These tests fail
 * when the copy is stale, or when a code has no TSDoc.
 */
import { readFileSync } from "node:fs"
import { expect, test } from "vitest"
import { codesTable, END, ERRORS_MD, ERRORS_TS, errorCodes, START, withCodes } from "../../scripts/docs-errors.js"
import { TRAKT_ERROR_CODES } from "../../src/core/errors.js"

const source = readFileSync(ERRORS_TS, "utf8")

test("docs/errors.md's code table is the one generated from src/core/errors.ts (else: run npm run docs)", () => {
  const doc = readFileSync(ERRORS_MD, "utf8")
  expect(doc, "docs/errors.md is out of date: run npm run docs").toBe(withCodes(doc, codesTable(source)))
})

test("every code of TRAKT_ERROR_CODES is documented, in order, under its own name", () => {
  const documented = errorCodes(source).map(([code]) => code)
  expect(documented).toEqual(Object.keys(TRAKT_ERROR_CODES).map((code) => `\`${code}\``))
  expect(documented.length).toBeGreaterThanOrEqual(25)
  for (const [code, value] of Object.entries(TRAKT_ERROR_CODES)) expect(value, "each code's value is its name").toBe(code)
  expect(() => errorCodes('export const TRAKT_ERROR_CODES = { UNSAID: "UNSAID" } as const')).toThrow("UNSAID")
  expect(() => errorCodes('export const TRAKT_ERROR_CODES = {\n  /** needs @auth/core */\n  CUT: "CUT",\n} as const')).toThrow("CUT")
})

test("the generator replaces only what is between the markers, and fails without them", () => {
  const doc = `# Errors\n\nbefore\n${START}\nstale\n${END}\n\nafter\n`
  expect(withCodes(doc, "| code | when |")).toBe(`# Errors\n\nbefore\n${START}\n| code | when |\n${END}\n\nafter\n`)
  expect(() => withCodes("# Errors\n", "| code | when |")).toThrow(START)
  const table = codesTable(
    'export const TRAKT_ERROR_CODES = {\n  /**\n   * one | two, see {@link TraktError.retryAfter}\n   * and more.\n   */\n  A_B: "A_B",\n} as const\n',
  )
  expect(table.split("\n")).toEqual(["| code | when |", "|---|---|", "| `A_B` | One \\| two, see `retryAfter` and more. |"])
})
