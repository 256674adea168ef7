/**
 * docs/testing.md's recipe for a server function that calls Trakt is run, not
 * only type-checked: its `watchlist.ts` and `watchlist.test.ts` are written to
 * a folder of their own and run by a separate vitest (with no test/support/setup.ts
 * and no msw, as in an app), the package names pointing at src/.
 */
import { execFile } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { promisify } from "node:util"
import { expect, test } from "vitest"

const root = resolve(import.meta.dirname, "../..")

test("the recipe of docs/testing.md for a server function that calls Trakt passes", async () => {
  const blocks = [...readFileSync(join(root, "docs", "testing.md"), "utf8").matchAll(/^```ts\n\/\/ (watchlist\.ts|watchlist\.test\.ts)\n([\s\S]*?)^```$/gm)]
  expect(blocks.map((m) => m[1])).toEqual(["watchlist.ts", "watchlist.test.ts"])
  const dir = join(root, "node_modules", ".cache", "docs-testing-recipe")
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const [, name, code] of blocks) writeFileSync(join(dir, name!), code!)
  const src = join(root, "src")
  writeFileSync(
    join(dir, "vitest.config.mjs"),
    `export default {
  define: { __VERSION__: '"0.0.0-docs"' },
  resolve: { alias: [
    { find: /^authjs-trakt\\/testing$/, replacement: ${JSON.stringify(join(src, "testing.ts"))} },
    { find: /^authjs-trakt$/, replacement: ${JSON.stringify(join(src, "index.ts"))} },
  ] },
  test: { include: ["watchlist.test.ts"] },
}
`,
  )
  const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs")
  // The app's environment must not leak in: the recipe sets what it reads.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" }
  for (const name of Object.keys(env)) if (/^(AUTH_|NEXTAUTH_|TRAKT_)/.test(name)) delete env[name]
  const { stdout } = await promisify(execFile)(process.execPath, [vitest, "run", "--root", dir, "--reporter", "verbose"], {
    cwd: dir,
    env,
  }).catch((error: { stdout: string; stderr: string }) => {
    throw new Error(`docs recipe failed:\n${error.stdout}\n${error.stderr}`)
  })
  expect(stdout).toMatch(/Tests\s+3 passed/)
}, 60_000)
