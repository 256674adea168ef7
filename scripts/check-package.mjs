// Installs the packed tarball into a separate, throwaway project and signs a
// user in with it, once as an ES module and once as CommonJS. This catches what
// tests of src/ cannot: a file missing from "files", a wrong "exports" map, a
// build that differs from the source.
import { execFileSync } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { build } from "esbuild"

const root = resolve(import.meta.dirname, "..")
const project = mkdtempSync(join(tmpdir(), "authjs-trakt-consumer-"))
const run = (command, args, options = {}) =>
  execFileSync(command, args, { cwd: project, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", ...options })

try {
  const [{ filename }] = JSON.parse(run("npm", ["pack", root, "--json", "--pack-destination", project]))
  const installed = join(project, "node_modules", "authjs-trakt")
  mkdirSync(installed, { recursive: true })
  run("tar", ["-xzf", join(project, filename), "-C", installed, "--strip-components=1"])
  // The peer dependency, as the app would have it (no registry needed).
  mkdirSync(join(project, "node_modules", "@auth"), { recursive: true })
  symlinkSync(join(root, "node_modules", "@auth", "core"), join(project, "node_modules", "@auth", "core"), "dir")

  // The consumer's sources live in the project, so that its own package.json
  // decides how they import: as an ES module, then as CommonJS (where a default
  // import goes through `__esModule`, as TypeScript compiles it).
  for (const path of ["test/package/consumer.ts", "test/browser.ts", "test/constants.ts", "fake-trakt"]) {
    cpSync(join(root, path), join(project, path), { recursive: true })
  }
  let failed = false
  for (const format of ["esm", "cjs"]) {
    const type = format === "esm" ? "module" : "commonjs"
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type }))
    const outfile = join(project, `consumer.${format === "esm" ? "mjs" : "cjs"}`)
    await build({
      entryPoints: [join(project, "test", "package", "consumer.ts")],
      bundle: true,
      platform: "node",
      target: "node20",
      format,
      outfile,
      // Resolved from the consumer project at run time: the installed tarball and the peer.
      external: ["authjs-trakt", "@auth/core"],
      logLevel: "error",
    })
    console.log(`The packed ${filename} used from ${format.toUpperCase()}:`)
    try {
      process.stdout.write(run("node", [outfile]))
    } catch (error) {
      process.stdout.write(error.stdout ?? "")
      failed = true
    }
  }
  process.exitCode = failed ? 1 : 0
} finally {
  rmSync(project, { recursive: true, force: true })
}
