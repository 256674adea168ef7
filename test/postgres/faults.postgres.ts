/** postgresTokenStore when PostgreSQL is down, stops mid-call, hangs or is far away. */
import pg from "pg"
import { afterAll, beforeAll, expect, test } from "vitest"
import { postgresTokenStore } from "../../src/core/stores/postgres.js"
import { startPostgres, type LatencyProxy, type RunningPostgres } from "../services/postgres.js"

let db: RunningPostgres
let proxy: LatencyProxy
const pools: pg.Pool[] = []

function pool(url: string, options: pg.PoolConfig = {}) {
  const created = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 1000, ...options })
  created.on("error", () => {}) // idle connections cut by a stopping server
  pools.push(created)
  return created
}

/** How long `promise` takes to settle, and how. */
async function timed<T>(promise: Promise<T>) {
  const started = performance.now()
  const settled = await promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  )
  return { ...settled, ms: performance.now() - started }
}

beforeAll(async () => {
  db = await startPostgres()
  proxy = await db.proxy({ latency: 0 })
})
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => {})))
  await db?.stop()
})

test("PostgreSQL down: every call rejects promptly with the driver's error; back up, the same pool works", async () => {
  const store = postgresTokenStore(pool(db.url), { table: "down" })
  await store.setItem("kept", "v", { ttl: 600 })
  await db.down()
  try {
    const calls: Promise<unknown>[] = [
      store.getItem("kept"),
      store.setItem("k", "v", { ttl: 60 }),
      store.setItemIfAbsent("k", "v", { ttl: 60 }),
      store.removeItem("kept"),
    ]
    for (const { error, ms } of await Promise.all(calls.map((call) => timed(call)))) {
      expect(error).toBeInstanceOf(Error)
      expect(ms).toBeLessThan(2000)
    }
  } finally {
    await db.up()
  }
  expect(await store.getItem("kept")).toBe("v")
  expect(await store.setItemIfAbsent("kept", "other", { ttl: 60 })).toBe(false)
})

test("PostgreSQL stopped during a call: the call rejects, nothing hangs", async () => {
  const store = postgresTokenStore(pool(proxy.url), { table: "stopped" })
  await store.getItem("warm")
  proxy.setLatency(600)
  try {
    const pending = timed(store.setItemIfAbsent("lock", "me", { ttl: 60 }))
    await new Promise((resolve) => setTimeout(resolve, 100))
    await db.down()
    const { error, ms } = await pending
    expect(error).toBeInstanceOf(Error)
    expect(ms).toBeLessThan(3000)
  } finally {
    proxy.setLatency(0)
    await db.up()
  }
})

test("a database that stops answering: the pool's query_timeout bounds the call", async () => {
  const store = postgresTokenStore(pool(proxy.url, { query_timeout: 500 }), { table: "silent" })
  await store.getItem("warm")
  proxy.setLatency(120_000)
  try {
    const { error, ms } = await timed(store.getItem("warm"))
    expect((error as Error).message).toMatch(/timeout/i)
    expect(ms).toBeGreaterThanOrEqual(450)
    expect(ms).toBeLessThan(1500)
  } finally {
    proxy.setLatency(0)
  }
})

test("150 ms away: each call costs one round trip", async () => {
  const far = await db.proxy({ latency: 150 })
  const store = postgresTokenStore(pool(far.url), { table: "far" })
  await store.setItem("warm", "v", { ttl: 60 }) // connects and creates the table
  const calls: (() => Promise<unknown>)[] = [
    () => store.getItem("warm"),
    () => store.setItem("k", "v", { ttl: 60 }),
    () => store.setItemIfAbsent("lock", "v", { ttl: 60 }),
    () => store.removeItem("lock"),
  ]
  for (const call of calls) {
    const { error, ms } = await timed(call())
    expect(error).toBeUndefined()
    expect(ms).toBeGreaterThanOrEqual(145)
    expect(ms).toBeLessThan(2 * 150)
  }
})

test.each([0, 20, 150])("%i ms away: 20 concurrent setItemIfAbsent from 2 pools, exactly one wins", async (latency) => {
  const far = await db.proxy({ latency })
  const table = `race_${latency}`
  const stores = [postgresTokenStore(pool(far.url), { table }), postgresTokenStore(pool(far.url), { table })]
  await stores[0]!.getItem("warm")
  for (const key of ["a", "b", "c"]) {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.setItemIfAbsent(key, `${i}`, { ttl: 60 })))
    expect(results.filter(Boolean)).toHaveLength(1)
  }
})
