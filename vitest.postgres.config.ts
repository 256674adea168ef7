import { readFileSync } from "node:fs"
import { defineConfig } from "vitest/config"

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

/**
 * The tests on a real PostgreSQL (`npm run test:postgres`): each file starts a
 * throwaway cluster from Debian's `postgresql` package (test/services/postgres.ts).
 * Kept out of `npm test`, which needs no services; .ci/run installs PostgreSQL
 * and runs them. They run the package's source, as the unit tests do.
 */
export default defineConfig({
  define: { __VERSION__: JSON.stringify(version) },
  test: {
    include: ["test/postgres/**/*.postgres.ts"],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
