/**
 * The stand-in is written from Trakt's contract, not from the package: it
 * imports none of the provider's modules (a rule both shared would hide the
 * same mistake on both sides), and `authjs-trakt/testing` imports no msw.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { expect, test } from "vitest"

const src = resolve(import.meta.dirname, "../../src")
const files = ["testing.ts", "testing-msw.ts", "testing-cli.ts", ...readdirSync(join(src, "testing")).map((f) => `testing/${f}`)]
const importsOf = (file: string) =>
  [
    ...readFileSync(join(src, file), "utf8").matchAll(
      /^(?:import|export)\s+(?:type\s+)?(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*\{[^}]*\})?)\s+from\s+["']([^"']+)["']/gm,
    ),
  ].map((m) => m[1]!)

test("the stand-in's files import only each other, Node's modules and (the msw entry) msw", () => {
  expect(files.length).toBeGreaterThan(10)
  for (const file of files) {
    for (const specifier of importsOf(file)) {
      const allowed =
        specifier.startsWith("node:") ||
        (file === "testing/msw.ts" && specifier === "msw") ||
        (file.startsWith("testing/") ? /^\.\/[\w-]+\.js$/.test(specifier) : /^\.\/testing(\/[\w-]+)?\.js$/.test(specifier))
      expect(allowed, `${file} imports ${specifier}`).toBe(true)
    }
  }
})

test("authjs-trakt/testing imports no msw, and the package's other entries import no testing module", () => {
  for (const file of files.filter((f) => f !== "testing/msw.ts")) expect(importsOf(file), file).not.toContain("msw")
  const core = readdirSync(src).filter((f) => f.endsWith(".ts") && !f.startsWith("testing"))
  for (const file of core)
    expect(
      importsOf(file).filter((s) => s.includes("testing")),
      file,
    ).toEqual([])
})
