import { defineConfig } from "vitest/config"

/**
 * The multi-instance tests (`npm run test:instances`): several Node processes
 * and a real Redis (Debian's redis-server). Kept out of `npm test`, which needs
 * no services; .ci/run installs Redis and runs them.
 */
export default defineConfig({
  test: {
    include: ["test/instances/**/*.instances.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
})
