// docs/testing.md's recipes, as a user runs them: a throwaway project
// installs the packed tarball with a plain `npm install` (a peer range npm
// refuses fails here, as it would for the user) beside msw, the latest vitest
// and @auth/core, then type-checks the recipes (the vitest + msw one, and the
// test of a server function that calls Trakt) and runs them. Once with msw's
// latest (3) and once with msw 2, on which the recipe's one msw-3 line is
// swapped for the one the docs give for msw 2. A test appended to the recipe
// (test/package/msw/unhandled.ts) proves that the docs' `server.listen` option
// is in force on each: a request no handler answers fails and never goes out.
import { execFileSync } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const version = (dir, name) => JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")).version
const work = mkdtempSync(join(tmpdir(), "authjs-trakt-msw-"))
const run = (cwd, command, args) =>
  execFileSync(command, args, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  })

const docs = readFileSync(join(root, "docs", "testing.md"), "utf8")
const recipe = Object.fromEntries(
  [...docs.matchAll(/^```ts\n\/\/ ((?:auth|watchlist)(?:\.test)?\.ts)\n([\s\S]*?)^```$/gm)].map(([, name, code]) => [name, code]),
)
/** The recipe's line for msw 3, and the one the docs give for msw 2. */
const msw3Line = /server\.listen\(\{ onUnhandledFrame: "error" \}\)/
const msw2Line = /`(server\.listen\(\{ onUnhandledRequest: "error" \}\))`/.exec(docs)?.[1]

const appended = `
// Appended by scripts/check-msw.mjs (test/package/msw/unhandled.ts).
import { askHostNothingAnswers } from "./unhandled"

test("a request no handler answers fails, and never leaves the process", async () => {
  expect(await askHostNothingAnswers()).toEqual({ outcome: "failed", reached: 0 })
})
`

/** Strict, as an app's tsconfig; other packages' own .d.ts errors are theirs (check-package.mjs counts them). */
const tsconfig = {
  compilerOptions: {
    target: "es2022",
    module: "esnext",
    moduleResolution: "bundler",
    lib: ["es2023", "dom", "dom.iterable"],
    types: ["node"],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
  },
  files: ["auth.ts", "auth.test.ts", "watchlist.ts", "watchlist.test.ts", "unhandled.ts"],
}

/** tsc's diagnostics in the recipe or in authjs-trakt's types (none expected). */
function typeErrors(dir) {
  try {
    run(dir, "node", [join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json", "--pretty", "false"])
    return []
  } catch (error) {
    if (!error.stdout?.trim()) throw error // tsc itself failed to run
    return error.stdout
      .split("\n")
      .filter((line) =>
        /^(auth\.ts|auth\.test\.ts|watchlist\.ts|watchlist\.test\.ts|unhandled\.ts|node_modules\/authjs-trakt\/)/.test(line),
      )
  }
}

/** One project: the tarball beside `msw`, checked; true when it passed. */
function check(tarball, msw) {
  const dir = join(work, msw.replace(/\W+/g, "-"))
  mkdirSync(dir)
  cpSync(join(root, "test", "package", "msw", "app.json"), join(dir, "package.json"))
  cpSync(join(root, "test", "package", "msw", "unhandled.ts"), join(dir, "unhandled.ts"))
  // TypeScript 7 and Node 24's types only for the type check; the rest is what the docs install.
  const typescript = `typescript@${version(root, "typescript-7")}`
  run(dir, "npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    tarball,
    msw,
    "vitest@latest",
    "@auth/core",
    typescript,
    "@types/node@24",
  ])
  const installed = `msw ${version(dir, "msw")}, vitest ${version(dir, "vitest")}, @auth/core ${version(dir, "@auth/core")}`
  const major = Number(version(dir, "msw").split(".")[0])
  const test = major === 2 ? recipe["auth.test.ts"].replace(msw3Line, msw2Line) : recipe["auth.test.ts"]
  writeFileSync(join(dir, "auth.ts"), recipe["auth.ts"])
  writeFileSync(join(dir, "auth.test.ts"), test + appended)
  writeFileSync(join(dir, "watchlist.ts"), recipe["watchlist.ts"])
  writeFileSync(join(dir, "watchlist.test.ts"), recipe["watchlist.test.ts"])
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2))

  const label = `docs/testing.md's recipes, the packed tarball beside ${installed}`
  const errors = typeErrors(dir)
  let output
  let passed = errors.length === 0
  try {
    output = run(dir, "node", [join(dir, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter", "verbose"])
    passed &&= /Tests\s+6 passed/.test(output)
  } catch (error) {
    output = `${error.stdout ?? ""}${error.stderr ?? ""}`
    passed = false
  }
  console.log(`${label}:`)
  console.log(errors.length ? `  ✗ type errors:\n  ${errors.join("\n  ")}` : "  ✓ type-checks (strict)")
  // vitest's verbose lines, or all it said when something failed.
  if (/Tests\s+6 passed/.test(output)) for (const line of output.split("\n").filter((line) => /^\s+✓/.test(line))) console.log(` ${line}`)
  else console.log(output)
  return passed
}

let ok = true
try {
  for (const name of ["auth.ts", "auth.test.ts", "watchlist.ts", "watchlist.test.ts"]) {
    if (!recipe[name]) throw new Error(`docs/testing.md has no ${name} block`)
  }
  if (!msw3Line.test(recipe["auth.test.ts"])) throw new Error(`docs/testing.md's auth.test.ts has no ${msw3Line.source}`)
  if (!msw2Line) throw new Error("docs/testing.md gives no server.listen line for msw 2")
  const [{ filename }] = JSON.parse(run(work, "npm", ["pack", root, "--json", "--pack-destination", work]))
  const tarball = join(work, filename)
  for (const msw of ["msw@latest", "msw@2"]) ok = check(tarball, msw) && ok
} finally {
  rmSync(work, { recursive: true, force: true })
}
process.exitCode = ok ? 0 : 1
