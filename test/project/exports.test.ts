/**
 * One name per concept, the same set in both entries, and each said in the
 * README's API list: what an app can import is what the README tells it.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { expect, test } from "vitest"
import * as main from "../../src/index.js"
import * as v4 from "../../src/next-auth-v4.js"

const runtimeNames = (entry: object) =>
  Object.keys(entry)
    .filter((name) => name !== "default")
    .sort()

test("both entries export the same names beside their provider, and the provider only as the default export", () => {
  expect(runtimeNames(v4)).toEqual(runtimeNames(main))
  expect(typeof main.default).toBe("function")
  expect(typeof v4.default).toBe("function")
  for (const entry of [main, v4]) expect(Object.values(entry).filter((value) => value === entry.default)).toHaveLength(1)
})

test("the README's API list names every export, and no export it does not have", () => {
  const readme = readFileSync(join(import.meta.dirname, "../..", "README.md"), "utf8")
  const start = readme.indexOf("\n## Options and API")
  expect(start).toBeGreaterThan(0)
  const api = readme.slice(start, readme.indexOf("\n## ", start + 1))
  for (const name of runtimeNames(main)) expect(api, `README's API list names ${name}`).toContain(`\`${name}`)
  const named = [...api.matchAll(/`(\w+)[(`]/g)].map((match) => match[1]!).filter((name) => /^[a-z]\w*Trakt/.test(name))
  for (const name of named) expect(runtimeNames(main), `${name}, named in the README's API list, is exported`).toContain(name)
})

test("docs/better-auth.md names every export of authjs-trakt/better-auth", async () => {
  const betterAuth = await import("../../src/better-auth.js")
  const doc = readFileSync(join(import.meta.dirname, "../..", "docs", "better-auth.md"), "utf8")
  const names = Object.keys(betterAuth)
  expect(names).toEqual(expect.arrayContaining(["trakt", "traktClient"]))
  for (const name of names) expect(doc, `docs/better-auth.md names ${name}`).toContain(`\`${name}`)
})
