/** The size budget: a change that bloats what apps bundle fails CI. Timing is the benchmark's job, not a test's. */
import { expect, test } from "vitest"
import { nextAuthV4Size, packageSize, providerOnlySize } from "../bench/size.js"

/**
 * Bytes, minified + gzipped, with the framework external. An app that imports
 * only the provider bundles the provider and the Trakt core (3,500 B at
 * most); the whole main entry (token helpers, the refresh engine with its
 * lock and sealing) has room for the API client and the avatar helper that
 * come next (9,000 B at most).
 */
test.each([
  { what: "authjs-trakt, only `import Trakt`", size: providerOnlySize, budget: 4_400 },
  { what: "authjs-trakt, the whole entry", size: packageSize, budget: 9_000 },
  { what: "authjs-trakt/next-auth-v4, the whole entry", size: nextAuthV4Size, budget: 9_000 },
])("$what stays within $budget bytes minified + gzipped", async ({ size, budget }) => {
  const bytes = await size()
  expect(bytes).toBeGreaterThan(1_000) // the measurement measured something
  expect(bytes).toBeLessThanOrEqual(budget)
})
