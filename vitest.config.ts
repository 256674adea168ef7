import { readFileSync } from "node:fs"
import { defineConfig } from "vitest/config"

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

// vitest 5 and msw 3 need Node 22.12 or later; on Node 20 they fail in ways that
// look like the package's bugs.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  throw new Error(`The tests need Node 22.12 or later, and this is ${process.version}: see CONTRIBUTING.md (.ci/runtime node 24).`)
}

export default defineConfig({
  define: { __VERSION__: JSON.stringify(version) },
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
