/** The size budget: a change that bloats what apps bundle fails CI. Timing is the benchmark's job, not a test's. */
import { expect, test } from "vitest"
import { nextAuthV4Size, packageSize } from "../bench/size.js"

/**
 * Bytes, minified + gzipped, of a whole entry with the framework external:
 * 6.2 KB measured for the main entry (3.5 KB of it the provider, the rest the
 * refresh helpers with the store lock, spent-token chains and sealing), plus
 * a little room.
 */
const BUDGET = 6_400

test.each([
  ["authjs-trakt", packageSize],
  ["authjs-trakt/next-auth-v4", nextAuthV4Size],
])(`%s stays within ${BUDGET} bytes minified + gzipped`, async (_, size) => {
  const bytes = await size()
  expect(bytes).toBeGreaterThan(1_000) // the measurement measured something
  expect(bytes).toBeLessThanOrEqual(BUDGET)
})
