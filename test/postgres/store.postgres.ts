/** postgresTokenStore on a real PostgreSQL: what the refresh lock relies on. */
import pg from "pg"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { postgresTokenStore, type PostgresQueryable } from "../../src/core/stores/postgres.js"
import { startPostgres, type RunningPostgres } from "../services/postgres.js"

let db: RunningPostgres
const pools: pg.Pool[] = []
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function pool(url = db.url, options: pg.PoolConfig = {}) {
  const created = new pg.Pool({ connectionString: url, max: 10, ...options })
  // A server stopped under an idle connection is reported here; the next query reconnects.
  created.on("error", () => {})
  pools.push(created)
  return created
}

/** The pool, counting the statements (round trips) sent through it. */
function counted(target: PostgresQueryable) {
  const sent: string[] = []
  return {
    sent,
    query: (text: string, values?: unknown[]) => {
      sent.push(text)
      return target.query(text, values)
    },
  }
}

let tables = 0
const freshTable = () => `store_${++tables}`
const rows = async (table: string) => (await pools[0]!.query(`SELECT key, value FROM ${table} ORDER BY key`)).rows

beforeAll(async () => {
  db = await startPostgres()
  pool()
})
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => {})))
  await db?.stop()
})

describe("semantics", () => {
  test("getItem, setItem (an upsert) and removeItem", async () => {
    const store = postgresTokenStore(pools[0]!, { table: freshTable() })
    expect(await store.getItem("a")).toBeNull()
    await store.setItem("a", "one", { ttl: 60 })
    expect(await store.getItem("a")).toBe("one")
    await store.setItem("a", "two", { ttl: 60 })
    expect(await store.getItem("a")).toBe("two")
    await store.removeItem("a")
    expect(await store.getItem("a")).toBeNull()
    await store.removeItem("a") // removing what is not there is fine
  })

  test("a record expires as its ttl says, and an upsert renews it", async () => {
    const store = postgresTokenStore(pools[0]!, { table: freshTable() })
    await store.setItem("short", "v", { ttl: 0.3 })
    await store.setItem("renewed", "v1", { ttl: 0.3 })
    await store.setItem("renewed", "v2", { ttl: 60 })
    expect(await store.getItem("short")).toBe("v")
    await sleep(400)
    expect(await store.getItem("short")).toBeNull()
    expect(await store.getItem("renewed")).toBe("v2")
  })

  test("setItemIfAbsent: stores when absent, not over a live record, and over an expired one", async () => {
    const store = postgresTokenStore(pools[0]!, { table: freshTable() })
    expect(await store.setItemIfAbsent("lock", "first", { ttl: 0.3 })).toBe(true)
    expect(await store.setItemIfAbsent("lock", "second", { ttl: 60 })).toBe(false)
    expect(await store.getItem("lock")).toBe("first")
    await sleep(400)
    expect(await store.setItemIfAbsent("lock", "third", { ttl: 60 })).toBe(true)
    expect(await store.getItem("lock")).toBe("third")
    await store.removeItem("lock")
    expect(await store.setItemIfAbsent("lock", "fourth", { ttl: 60 })).toBe(true)
  })

  test.each([
    ["an absent key", false],
    ["an expired record", true],
  ])("20 concurrent setItemIfAbsent from 2 pools over %s: exactly one wins", async (_, expired) => {
    const table = freshTable()
    const stores = [postgresTokenStore(pool(), { table }), postgresTokenStore(pool(), { table })]
    // The table exists first, so that the race is on the row, not on CREATE TABLE.
    await stores[0]!.getItem("warm")
    for (let round = 0; round < 5; round++) {
      const key = `lock-${round}`
      if (expired) await stores[0]!.setItem(key, "old", { ttl: 0 })
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => stores[i % 2]!.setItemIfAbsent(key, `caller-${i}`, { ttl: 60 })),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
      expect(await stores[1]!.getItem(key)).toBe(`caller-${results.indexOf(true)}`)
    }
  })

  test("the table is created on first use, by 20 concurrent callers from 2 pools", async () => {
    const table = freshTable()
    const stores = [postgresTokenStore(pool(), { table }), postgresTokenStore(pool(), { table })]
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]!.setItemIfAbsent(`k${i % 4}`, `v${i}`, { ttl: 60 })),
    )
    expect(results.filter(Boolean)).toHaveLength(4)
    expect((await rows(table)).map((r) => r.key)).toEqual(["k0", "k1", "k2", "k3"])
    const { rows: indexes } = await pools[0]!.query("SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1", [table])
    expect(indexes.map((r) => r.indexname)).toEqual([`${table}_expires_at`, `${table}_pkey`])
  })

  test("a table in another schema, named by the option", async () => {
    await pools[0]!.query('CREATE SCHEMA IF NOT EXISTS "auth"')
    const store = postgresTokenStore(pools[0]!, { table: "auth.trakt_store" })
    await store.setItem("k", "v", { ttl: 60 })
    expect((await pools[0]!.query("SELECT value FROM auth.trakt_store")).rows).toEqual([{ value: "v" }])
  })

  test.each(["", "a-b", 'x"; DROP TABLE users; --', "a.b.c", "1abc", 42])(
    "table %j is refused with a TypeError naming the option",
    (table) => {
      expect(() => postgresTokenStore(pools[0]!, { table: table as string })).toThrowError(
        expect.objectContaining({ name: "TypeError", code: "ERR_INVALID_ARG_VALUE", message: expect.stringContaining('"table"') }),
      )
    },
  )

  test("values are kept byte for byte", async () => {
    const store = postgresTokenStore(pools[0]!, { table: freshTable() })
    const value = "v1.Zm9v-_+/=.ÿ€😀'\";\\"
    await store.setItem("k", value, { ttl: 60 })
    expect(await store.getItem("k")).toBe(value)
  })
})

describe("cost", () => {
  test("every operation is one statement, once the table exists", async () => {
    const table = freshTable()
    const connection = counted(pools[0]!)
    const store = postgresTokenStore(connection, { table })
    await store.getItem("warm") // creates the table: the failed read, the DDL, the read again
    expect(connection.sent).toHaveLength(3)
    connection.sent.length = 0
    for (let i = 0; i < 40; i++) await store.setItem(`k${i}`, "v", { ttl: 60 }) // sweeps included
    expect(connection.sent).toHaveLength(40)
    connection.sent.length = 0
    await store.getItem("k1")
    await store.setItemIfAbsent("k1", "v", { ttl: 60 })
    await store.removeItem("k1")
    expect(connection.sent).toHaveLength(3)
    // A second store (another instance) on the existing table issues no DDL.
    const other = counted(pools[0]!)
    expect(await postgresTokenStore(other, { table }).getItem("k2")).toBe("v")
    expect(other.sent).toHaveLength(1)
  })

  test("every 16th write on a table sweeps up to 100 expired rows and leaves live ones", async () => {
    const table = freshTable()
    await postgresTokenStore(pools[0]!, { table }).setItem("live", "v", { ttl: 60 }) // the table's first write: a sweep
    await pools[0]!.query(`INSERT INTO ${table} SELECT 'old-' || i, 'v', now() - interval '1 second' FROM generate_series(1, 150) AS i`)
    // Writes are counted per table across store objects: a store made per request still sweeps.
    const perRequest = () => postgresTokenStore(pools[0]!, { table })
    for (let i = 1; i < 16; i++) await perRequest().setItem("another", "v", { ttl: 60 })
    expect(await rows(table)).toHaveLength(2 + 150)
    await perRequest().setItem("another", "v", { ttl: 60 })
    expect(await rows(table)).toHaveLength(2 + 50)
    for (let i = 1; i < 16; i++) await perRequest().setItem("another", "v", { ttl: 60 })
    expect(await rows(table)).toHaveLength(2 + 50)
    await perRequest().setItemIfAbsent("third", "v", { ttl: 60 })
    expect((await rows(table)).map((r) => r.key)).toEqual(["another", "live", "third"])
  })
})
