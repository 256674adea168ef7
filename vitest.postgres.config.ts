import { defineConfig } from "vitest/config"

/**
 * The tests on a real PostgreSQL (`npm run test:postgres`): each file starts a
 * throwaway cluster from Debian's `postgresql` package (test/services/postgres.ts).
 * Kept out of `npm test`, which needs no services; .ci/run installs PostgreSQL
 * and runs them.
 */
export default defineConfig({
  test: {
    include: ["test/postgres/**/*.postgres.ts"],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
