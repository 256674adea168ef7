/**
 * docs/testing.md's vitest + msw example is run, not only type-checked: its
 * `auth.ts` and `auth.test.ts` are written to a folder of their own and run by
 * a separate vitest (with no test/support/setup.ts, as in an app), the package names
 * pointing at src/.
 */
import { execFile } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { promisify } from "node:util"
import { expect, test } from "vitest"

const root = resolve(import.meta.dirname, "../..")

test("the vitest + msw example of docs/testing.md passes", async () => {
  const blocks = [...readFileSync(join(root, "docs", "testing.md"), "utf8").matchAll(/^```ts\n\/\/ (auth\.ts|auth\.test\.ts)\n([\s\S]*?)^```$/gm)]
  expect(blocks.map((m) => m[1])).toEqual(["auth.ts", "auth.test.ts"])
  const dir = join(root, "node_modules", ".cache", "docs-testing")
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const [, name, code] of blocks) writeFileSync(join(dir, name!), code!)
  const src = join(root, "src")
  writeFileSync(
    join(dir, "vitest.config.mjs"),
    `export default {
  define: { __VERSION__: '"0.0.0-docs"' },
  resolve: { alias: [
    { find: /^authjs-trakt\\/testing\\/msw$/, replacement: ${JSON.stringify(join(src, "testing-msw.ts"))} },
    { find: /^authjs-trakt\\/testing$/, replacement: ${JSON.stringify(join(src, "testing.ts"))} },
    { find: /^authjs-trakt$/, replacement: ${JSON.stringify(join(src, "index.ts"))} },
  ] },
  test: { include: ["auth.test.ts"] },
}
`,
  )
  const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs")
  const { stdout } = await promisify(execFile)(process.execPath, [vitest, "run", "--root", dir, "--reporter", "verbose"], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  }).catch((error: { stdout: string; stderr: string }) => {
    throw new Error(`docs example failed:\n${error.stdout}\n${error.stderr}`)
  })
  expect(stdout).toMatch(/Tests\s+2 passed/)
}, 60_000)
