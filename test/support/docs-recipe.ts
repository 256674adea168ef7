/**
 * Runs code blocks of a docs page as an app would: the blocks whose first line
 * names a file are written to a folder of their own and run by a separate vitest
 * (with no test/support/setup.ts and no msw handlers of ours), the package's
 * names pointing at src/.
 */
import { execFile } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { promisify } from "node:util"

const root = resolve(import.meta.dirname, "../..")
const src = join(root, "src")

/** The package's entries, for a recipe's imports. */
const ENTRIES = [
  ["authjs-trakt/testing/msw", "testing-msw.ts"],
  ["authjs-trakt/testing", "testing.ts"],
  ["authjs-trakt/better-auth", "better-auth.ts"],
  ["authjs-trakt", "index.ts"],
]

/**
 * Writes the ```ts blocks of `page` that start `// <name>` for each of `files`
 * into `node_modules/.cache/<folder>`, runs `test` there, and returns vitest's
 * verbose report; throws with it when a test fails. The app's own AUTH_*,
 * NEXTAUTH_* and TRAKT_* variables do not leak in: a recipe sets what it reads.
 */
export async function runRecipe(page: string, files: string[], test: string, folder: string): Promise<{ names: string[]; stdout: string }> {
  const names = files.map((file) => file.replace(/[.]/g, "\\."))
  const blocks = [
    ...readFileSync(join(root, page), "utf8").matchAll(new RegExp(`^\`\`\`ts\\n// (${names.join("|")})\\n([\\s\\S]*?)^\`\`\`$`, "gm")),
  ]
  const dir = join(root, "node_modules", ".cache", folder)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const [, name, code] of blocks) writeFileSync(join(dir, name!), code!)
  const aliases = ENTRIES.map(
    ([name, file]) => `{ find: /^${name!.replaceAll("/", "\\/")}$/, replacement: ${JSON.stringify(join(src, file!))} }`,
  )
  writeFileSync(
    join(dir, "vitest.config.mjs"),
    `export default {\n  define: { __VERSION__: '"0.0.0-docs"' },\n  resolve: { alias: [${aliases.join(", ")}] },\n  test: { include: [${JSON.stringify(test)}] },\n}\n`,
  )
  const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs")
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" }
  for (const name of Object.keys(env)) if (/^(AUTH_|NEXTAUTH_|TRAKT_)/.test(name)) delete env[name]
  const { stdout } = await promisify(execFile)(process.execPath, [vitest, "run", "--root", dir, "--reporter", "verbose"], {
    cwd: dir,
    env,
  }).catch((error: { stdout: string; stderr: string }) => {
    throw new Error(`${page}'s recipe failed:\n${error.stdout}\n${error.stderr}`)
  })
  return { names: blocks.map((m) => m[1]!), stdout }
}
