// Installs the packed tarball into separate, throwaway projects with npm, as an
// app gets it from the registry, and signs a user in with it: from ESM, from
// CommonJS, and from a bundle that inlines its own @auth/core (what SvelteKit's
// adapter-node builds). This catches what tests of src/ cannot: a file missing
// from "files", a wrong "exports" map, a peer range npm refuses, a build that
// differs from the source.
import { execFileSync } from "node:child_process"
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { build } from "esbuild"

const root = resolve(import.meta.dirname, "..")
const version = (name) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version
const work = mkdtempSync(join(tmpdir(), "authjs-trakt-consumer-"))
const run = (cwd, command, args, timeout) =>
  execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", timeout })

/** The consumer's sources live in the project, so that its package.json decides how they import. */
const SOURCES = ["test/package", "test/browser.ts", "test/browser-v4.ts", "test/browsing.ts", "test/auth-core.ts", "test/constants.ts", "fake-trakt"]

/**
 * A throwaway app: `npm install` of the tarball beside `dependencies`, with no
 * flags (a peer range npm refuses fails here as it would for a user).
 */
function project(name, tarball, dependencies) {
  const dir = join(work, name)
  cpSync(join(root, "test", "package", "app.json"), join(dir, "package.json"))
  for (const path of SOURCES) cpSync(join(root, path), join(dir, path), { recursive: true })
  run(dir, "npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball, ...dependencies])
  return dir
}

/** Bundles `entry` of `dir` as `format`, leaving `external` to node_modules, and runs it. */
async function check(dir, entry, format, external, label) {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ ...JSON.parse(readFileSync(join(dir, "package.json"))), type: format === "esm" ? "module" : "commonjs" }))
  const outfile = join(dir, `${label.replace(/\W+/g, "-")}.${format === "esm" ? "mjs" : "cjs"}`)
  await build({
    entryPoints: [join(dir, entry)],
    bundle: true,
    platform: "node",
    target: "node20",
    format,
    outfile,
    external,
    // test/auth-core.ts picks the app's copy; the bundles have only one.
    alias: { "@auth/core-copy": "@auth/core" },
    logLevel: "error",
  })
  console.log(`${label}:`)
  try {
    // A consumer that leaves a handle open never exits: that fails here too.
    process.stdout.write(run(dir, "node", [outfile], 120_000))
    return true
  } catch (error) {
    process.stdout.write(error.stdout ?? "")
    return false
  }
}

let ok = true
try {
  const [{ filename }] = JSON.parse(run(work, "npm", ["pack", root, "--json", "--pack-destination", work]))
  const tarball = join(work, filename)

  const app = project("authjs-app", tarball, [`@auth/core@${version("@auth/core")}`])
  const consumer = "test/package/consumer.ts"
  ok = (await check(app, consumer, "esm", ["authjs-trakt", "@auth/core"], `${filename} from ESM`)) && ok
  ok = (await check(app, consumer, "cjs", ["authjs-trakt", "@auth/core"], `${filename} from CJS`)) && ok
  // Auth() inlined into the app's bundle, the package loaded from node_modules:
  // two copies of @auth/core, as SvelteKit's adapter-node leaves them.
  ok = (await check(app, consumer, "esm", ["authjs-trakt"], `${filename} beside a bundled @auth/core`)) && ok
  // The testing entry and its command, in the same app: the tarball and @auth/core, no msw.
  const testing = "test/package/consumer-testing.ts"
  ok = (await check(app, testing, "esm", ["authjs-trakt", "@auth/core"], `${filename}/testing from ESM`)) && ok
  ok = (await check(app, testing, "cjs", ["authjs-trakt", "@auth/core"], `${filename}/testing from CJS`)) && ok

  // next-auth v4 (npm's latest) declares an optional peer @auth/core@0.34.3:
  // the tarball must install beside it with no flags and bring no @auth/core.
  const v4 = project("next-auth-v4-app", tarball, [`next-auth@${version("next-auth")}`])
  const coreInstalled = run(v4, "npm", ["ls", "@auth/core", "--all", "--parseable"]).trim()
  if (coreInstalled) {
    console.log(`next-auth v4 app: @auth/core is in the tree (${coreInstalled}); it must not be`)
    ok = false
  }
  const v4Consumer = "test/package/consumer-v4.ts"
  const v4External = ["authjs-trakt", "next-auth", "next"]
  ok = (await check(v4, v4Consumer, "esm", v4External, `${filename}/next-auth-v4 from ESM, beside next-auth ${version("next-auth")}`)) && ok
  ok = (await check(v4, v4Consumer, "cjs", v4External, `${filename}/next-auth-v4 from CJS, beside next-auth ${version("next-auth")}`)) && ok
} finally {
  rmSync(work, { recursive: true, force: true })
}
process.exitCode = ok ? 0 : 1
