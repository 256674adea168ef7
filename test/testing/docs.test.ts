/**
 * docs/testing.md's recipes are run, not only type-checked, as an app runs
 * them (test/support/docs-recipe.ts): the vitest + msw example of `auth.ts`, the
 * recipe for a server function that calls Trakt, and docs/better-auth.md's test
 * of a Better Auth app against the stand-in.
 */
import { expect, test } from "vitest"
import { runRecipe } from "../support/docs-recipe.js"

test("the vitest + msw example of docs/testing.md passes", async () => {
  const { names, stdout } = await runRecipe("docs/testing.md", ["auth.ts", "auth.test.ts"], "auth.test.ts", "docs-testing")
  expect(names).toEqual(["auth.ts", "auth.test.ts"])
  expect(stdout).toMatch(/Tests\s+2 passed/)
}, 60_000)

test("the recipe of docs/testing.md for a server function that calls Trakt passes", async () => {
  const { names, stdout } = await runRecipe(
    "docs/testing.md",
    ["watchlist.ts", "watchlist.test.ts"],
    "watchlist.test.ts",
    "docs-testing-recipe",
  )
  expect(names).toEqual(["watchlist.ts", "watchlist.test.ts"])
  expect(stdout).toMatch(/Tests\s+3 passed/)
}, 60_000)

test("the testing recipe of docs/better-auth.md passes: the stand-in, unchanged, for a Better Auth app", async () => {
  const { names, stdout } = await runRecipe("docs/better-auth.md", ["auth.ts", "auth.test.ts"], "auth.test.ts", "docs-better-auth")
  expect(names).toEqual(["auth.ts", "auth.test.ts"])
  expect(stdout).toMatch(/Tests\s+1 passed/)
}, 60_000)
