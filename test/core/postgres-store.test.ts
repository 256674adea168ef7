/**
 * postgresTokenStore against a scripted connection: what it sends, and what it
 * does with the driver's failures. Its SQL runs on a real PostgreSQL in
 * test/postgres/ (`npm run test:postgres`).
 */
import { describe, expect, test } from "vitest"
import { postgresTokenStore, type PostgresQueryable } from "../../src/core/stores/postgres.js"

const missingTable = () => Object.assign(new Error('relation "authjs_trakt_store" does not exist'), { code: "42P01" })

/** A connection answering each statement with `answer`, recording what it was sent. */
function connection(answer: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>) {
  const sent: { text: string; values?: unknown[] }[] = []
  const db: PostgresQueryable = {
    query(text, values) {
      sent.push({ text, values })
      return answer(text, values)
    },
  }
  return { db, sent }
}

describe("what it sends", () => {
  test("one parameterised statement per call; keys and values never inside the SQL", async () => {
    const { db, sent } = connection(async () => ({ rows: [{ value: "v" }] }))
    const store = postgresTokenStore(db, { table: "unit_sends" })
    expect(await store.getItem("k'1")).toBe("v")
    await store.setItem("k'2", "v'2", { ttl: 1.5 })
    expect(await store.setItemIfAbsent("k'3", "v'3", { ttl: 60 })).toBe(true)
    await store.removeItem("k'4")
    expect(sent.map((s) => s.values)).toEqual([["k'1"], ["k'2", "v'2", 1.5], ["k'3", "v'3", 60], ["k'4"]])
    for (const { text } of sent) {
      expect(text).toContain('"unit_sends"')
      expect(text).not.toMatch(/k'|v'/)
    }
  })

  test("setItemIfAbsent is false when the statement returns no row", async () => {
    const { db } = connection(async () => ({ rows: [] }))
    expect(await postgresTokenStore(db).setItemIfAbsent("k", "v", { ttl: 60 })).toBe(false)
  })

  test("getItem answers null for no row, and for a row without a string value", async () => {
    const answers = [[], [{ value: null }], [{}]]
    const { db } = connection(async () => ({ rows: answers.shift()! }))
    const store = postgresTokenStore(db)
    for (let i = 0; i < 3; i++) expect(await store.getItem("k")).toBeNull()
  })

  test("a schema-qualified table is quoted part by part", async () => {
    const { db, sent } = connection(async () => ({ rows: [] }))
    await postgresTokenStore(db, { table: "auth.Trakt_Store" }).getItem("k")
    expect(sent[0]!.text).toContain('FROM "auth"."Trakt_Store" WHERE')
  })
})

describe("a missing table", () => {
  test("is created once, however many calls find it missing at the same time, then each call runs again", async () => {
    let exists = false
    const { db, sent } = connection(async (text) => {
      if (text.startsWith("DO $$")) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        exists = true
        return { rows: [] }
      }
      if (!exists) throw missingTable()
      return { rows: [{ value: "v" }] }
    })
    const store = postgresTokenStore(db, { table: "unit_missing" })
    expect(await Promise.all(Array.from({ length: 5 }, () => store.getItem("k")))).toEqual(["v", "v", "v", "v", "v"])
    expect(sent.filter((s) => s.text.startsWith("DO $$"))).toHaveLength(1)
    expect(sent).toHaveLength(5 + 1 + 5)
  })

  test("whose creation fails: the call rejects with that error, and the next call tries again", async () => {
    const denied = Object.assign(new Error("permission denied for schema public"), { code: "42501" })
    let attempts = 0
    const { db } = connection(async (text) => {
      if (!text.startsWith("DO $$")) throw missingTable()
      attempts++
      throw denied
    })
    const store = postgresTokenStore(db, { table: "unit_denied" })
    await expect(store.setItem("k", "v", { ttl: 60 })).rejects.toBe(denied)
    await expect(store.setItem("k", "v", { ttl: 60 })).rejects.toBe(denied)
    expect(attempts).toBe(2)
  })
})

describe("failures", () => {
  test("the driver's error reaches the caller as it is, after one statement", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })
    const { db, sent } = connection(async () => {
      throw refused
    })
    const store = postgresTokenStore(db)
    for (const call of [
      () => store.getItem("k"),
      () => store.setItem("k", "v", { ttl: 60 }),
      () => store.setItemIfAbsent("k", "v", { ttl: 60 }),
      () => store.removeItem("k"),
    ]) {
      await expect(call()).rejects.toBe(refused)
    }
    expect(sent).toHaveLength(4)
  })

  test("a connection that throws instead of rejecting still ends in a rejection", async () => {
    const db = {
      query(): Promise<{ rows: unknown[] }> {
        throw new Error("pool is ended")
      },
    }
    await expect(postgresTokenStore(db).getItem("k")).rejects.toThrow("pool is ended")
  })

  test.each([null, {}, { query: "SELECT 1" }])("%j as the connection is a TypeError naming the option", (db) => {
    expect(() => postgresTokenStore(db as never)).toThrowError(
      expect.objectContaining({ name: "TypeError", code: "ERR_INVALID_ARG_VALUE", message: expect.stringContaining('"db"') }),
    )
  })

  test.each([Number.NaN, Infinity, "60"])("a ttl of %j rejects with a TypeError and sends nothing", async (ttl) => {
    const { db, sent } = connection(async () => ({ rows: [] }))
    await expect(postgresTokenStore(db).setItem("k", "v", { ttl: ttl as number })).rejects.toThrowError(TypeError)
    expect(sent).toHaveLength(0)
  })
})
