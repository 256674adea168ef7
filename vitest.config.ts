import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const { version, exports } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

/**
 * The package's own names (`authjs-trakt`, `authjs-trakt/testing`, ...) as the
 * sources they are built from, as tsconfig.json's paths map them for the type
 * check: code a test runs as an app would write it (example/express/app.ts, the
 * docs' recipes) then needs no build (a fresh clone has no dist/).
 */
const entries = Object.keys(exports)
  .filter((entry) => entry !== "./package.json")
  .map((entry) => ({
    find: new RegExp(`^authjs-trakt${entry.slice(1).replaceAll("/", "\\/")}$`),
    replacement: fileURLToPath(new URL(`./src/${entry.slice(2).replaceAll("/", "-") || "index"}.ts`, import.meta.url)),
  }))

// vitest 5 and msw 3 need Node 22.12 or later; on Node 20 they fail in ways that
// look like the package's bugs.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  throw new Error(`The tests need Node 22.12 or later, and this is ${process.version}: see CONTRIBUTING.md (.ci/runtime node 24).`)
}

export default defineConfig({
  define: { __VERSION__: JSON.stringify(version) },
  resolve: { alias: entries },
  test: {
    setupFiles: ["test/support/setup.ts"],
    // The flow tests fake Date; a stray real timer must not hang a run.
    testTimeout: 15_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"] } },
      {
        // Every flow again, with Auth() from a second, separate copy of
        // @auth/core (see test/support/auth-core.ts): a bundler's duplicate.
        extends: true,
        test: {
          name: "second @auth/core",
          include: [
            "test/authjs/sign-in.test.ts",
            "test/authjs/failures.test.ts",
            "test/authjs/jwt.test.ts",
            "test/authjs/custom-fetch.test.ts",
          ],
          env: { AUTH_CORE: "copy" },
        },
      },
    ],
  },
})
