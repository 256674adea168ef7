/**
 * Several real Node processes (instances of one app) sharing a real Redis, as
 * apps run on Vercel, Netlify or several containers: K concurrent requests
 * carrying one expired session, spread over the instances. With the token
 * store, nobody is signed out, no response shows a false RefreshTokenError,
 * and Trakt sees one refresh per expiry.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startCluster, type Cluster, type Mode } from "./cluster.js"
import { startRedis, type RunningRedis } from "./redis.js"

const TRIALS = 20
const CONCURRENT = 5

let redis: RunningRedis
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis?.stop())

describe.each([
  ["jwt", 2],
  ["jwt", 4],
  ["database", 2],
  ["database", 4],
] as [Mode, number][])("%s sessions on %i instances sharing a store on Redis", (mode, instances) => {
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster({ mode, instances, redisUrl: redis.url, store: true })
  })
  afterAll(() => cluster?.stop())

  test(`${TRIALS} expiries, ${CONCURRENT} concurrent requests each: nobody signed out, one Trakt refresh per expiry`, async () => {
    const results = []
    for (let i = 0; i < TRIALS; i++) results.push(await cluster.trial(CONCURRENT))
    const context = `instances said:\n${cluster.output()}`
    expect(results.filter((r) => r.signedOut), context).toEqual([])
    expect(results.reduce((sum, r) => sum + r.errors, 0), context).toBe(0)
    // Never more than one per instance; one, in practice.
    expect(Math.max(...results.map((r) => r.refreshes))).toBeLessThanOrEqual(instances)
    expect(results.reduce((sum, r) => sum + r.refreshes, 0), context).toBe(TRIALS)
  })
})
