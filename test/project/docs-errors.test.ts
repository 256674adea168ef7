/**
 * The TraktError codes are documented once, in the TSDoc of `TraktErrorCode`
 * (src/core/errors.ts); docs/errors.md carries a generated copy. These tests fail
 * when the copy is stale, or when a code has no line in that TSDoc.
 */
import { readFileSync } from "node:fs"
import { expect, test } from "vitest"
import { codesTable, END, ERRORS_MD, ERRORS_TS, errorCodes, START, withCodes } from "../../scripts/docs-errors.js"

const source = readFileSync(ERRORS_TS, "utf8")

test("docs/errors.md's code table is the one generated from src/core/errors.ts (else: run npm run docs)", () => {
  const doc = readFileSync(ERRORS_MD, "utf8")
  expect(doc, "docs/errors.md is out of date: run npm run docs").toBe(withCodes(doc, codesTable(source)))
})

test("every code of TraktErrorCode has a line in its TSDoc, and every line names a real code", () => {
  // The string literals of the code unions in src/core/errors.ts.
  const literals = new Set([...source.matchAll(/^\s*\|\s*"(\w+)"/gm)].map((m) => m[1]!))
  const documented = errorCodes(source).map(([code]) => [...code.matchAll(/`(\w+)`/g)].map((m) => m[1]!))
  expect(literals.size).toBeGreaterThanOrEqual(15)
  for (const codes of documented) {
    expect(codes.length, "each line names its code in backticks").toBeGreaterThan(0)
    for (const code of codes) expect(literals, `\`${code}\` is a code`).toContain(code)
  }
  // Trakt's RFC 6749 codes may share one line; each of this package's own has its own.
  const own = [...literals].filter((code) => /^[A-Z_]+$/.test(code))
  expect(documented.flat()).toEqual(expect.arrayContaining(own))
})

test("the generator replaces only what is between the markers, and fails without them", () => {
  const doc = `# Errors\n\nbefore\n${START}\nstale\n${END}\n\nafter\n`
  expect(withCodes(doc, "| code | when |")).toBe(`# Errors\n\nbefore\n${START}\n| code | when |\n${END}\n\nafter\n`)
  expect(() => withCodes("# Errors\n", "| code | when |")).toThrow(START)
  const table = codesTable("/**\n * Codes.\n *\n * - `A_B`: one | two, see {@link TraktError.retryAfter}\n *   and more.\n */\nexport type TraktErrorCode = \"A_B\"\n")
  expect(table.split("\n")).toEqual(["| code | when |", "|---|---|", "| `A_B` | One \\| two, see `retryAfter` and more. |"])
})
