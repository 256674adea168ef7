/** The size budget: a change that bloats what apps bundle fails CI. Timing is the benchmark's job, not a test's. */
import { expect, test } from "vitest"
import { packageSize } from "../bench/size.js"

/** Bytes, minified + gzipped, of the whole public entry with @auth/core external. */
const BUDGET = 6_000

test(`the public entry stays within ${BUDGET} bytes minified + gzipped`, async () => {
  const size = await packageSize()
  expect(size).toBeGreaterThan(1_000) // the measurement measured something
  expect(size).toBeLessThanOrEqual(BUDGET)
})
