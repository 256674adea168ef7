import { defineConfig } from "vitest/config"

/** The browser test (`npm run test:e2e`): the demo in Debian's Chromium, kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
