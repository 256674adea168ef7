/**
 * Database sessions on 2 and 4 real Node processes sharing one PostgreSQL,
 * with each SQL adapter and the refresh store on that PostgreSQL: K
 * concurrent requests carrying one expired token, spread over the instances.
 * Nobody is shown RefreshTokenError, Trakt sees one refresh per expiry, the
 * account row holds tokens Trakt accepts; and so with the store 20 and 150 ms
 * away. Also says how many store round trips a refresh costs.
 */
import pg from "pg"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { postgresTokenStore } from "../../src/postgres.js"
import { startPostgres, type LatencyProxy, type RunningPostgres } from "../services/postgres.js"
import { startPostgresCluster, type PostgresCluster, type PostgresTrial } from "./cluster.js"
import { SCHEMAS, type AdapterKind } from "./schemas.js"

const CONCURRENT = 5
const TRIALS = 5

let db: RunningPostgres
let databases = 0
beforeAll(async () => {
  db = await startPostgres()
})
afterAll(() => db?.stop())

/** A database on `kind`'s schema, with the store's table made (a first use's cost, not a refresh's). */
async function newDatabase(kind: AdapterKind) {
  const name = `cluster_${++databases}`
  const url = await db.database(name)
  const pool = new pg.Pool({ connectionString: url })
  await pool.query(SCHEMAS[kind])
  await postgresTokenStore(pool).getItem("warm")
  await pool.end()
  return { name, url }
}

function expectNobodySignedOut(results: PostgresTrial[], cluster: PostgresCluster) {
  const context = `instances said:\n${cluster.output()}`
  expect(
    results.filter((r) => !r.healthy),
    context,
  ).toEqual([])
  expect(
    results.reduce((sum, r) => sum + r.errors, 0),
    context,
  ).toBe(0)
  expect(
    results.map((r) => r.refreshes),
    context,
  ).toEqual(results.map(() => 1))
}

/** Store calls per refresh, summed over the instances: what a trial cost the store. */
const describeCalls = (results: PostgresTrial[]) =>
  results
    .map((r) =>
      Object.entries(r.storeCalls)
        .filter(([, n]) => n)
        .map(([method, n]) => `${method} ${n}`)
        .join(", "),
    )
    .join(" | ")

describe.each([
  ["pg-adapter", 2],
  ["pg-adapter", 4],
  ["drizzle", 2],
  ["drizzle", 4],
  ["prisma", 2],
] as [AdapterKind, number][])("%s on %i instances, the store on PostgreSQL", (kind, instances) => {
  let cluster: PostgresCluster
  let proxy: LatencyProxy
  beforeAll(async () => {
    const { name, url } = await newDatabase(kind)
    proxy = await db.proxy({ latency: 0 })
    cluster = await startPostgresCluster({
      adapter: kind,
      instances,
      databaseUrl: url,
      storeUrl: proxy.url.replace(/\/trakt$/, `/${name}`),
    })
  })
  afterAll(async () => {
    await cluster?.stop()
    await proxy?.stop()
  })

  const latencies = kind === "pg-adapter" && instances === 2 ? [0, 20, 150] : [0]
  test.each(latencies)(
    `store %i ms away: ${TRIALS} expiries, ${CONCURRENT} concurrent requests each: nobody signed out, one Trakt refresh each`,
    async (latency) => {
      proxy.setLatency(latency)
      const results: PostgresTrial[] = []
      for (let i = 0; i < TRIALS; i++) results.push(await cluster.trial(CONCURRENT))
      expectNobodySignedOut(results, cluster)
      // The one instance that refreshes: 3 calls (read the result, claim, write the result).
      for (const { storeCalls } of results) expect(storeCalls.setItem).toBe(1)
      console.info(`${kind}, ${instances} instances, store ${latency} ms away: store calls per refresh: ${describeCalls(results)}`)
    },
  )
})
