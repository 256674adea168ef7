import { readFileSync } from "node:fs"
import { defineConfig } from "vitest/config"

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

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
          include: ["test/authjs/sign-in.test.ts", "test/authjs/failures.test.ts", "test/authjs/jwt.test.ts", "test/authjs/custom-fetch.test.ts"],
          env: { AUTH_CORE: "copy" },
        },
      },
    ],
  },
})
