import { defineConfig } from "vitest/config"

/**
 * The browser tests (`npm run test:e2e`): the demo and each app in examples/,
 * built for production, in Debian's Chromium. Kept out of `npm test`. One file
 * at a time: production builds of Next.js take both cores.
 */
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    // beforeAll installs and builds an example app.
    hookTimeout: 600_000,
  },
})
