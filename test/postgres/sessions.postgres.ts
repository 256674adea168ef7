/**
 * traktDatabaseSessions on a real PostgreSQL, in one process, through Auth()
 * with each SQL adapter and its accessors from `authjs-trakt/adapters`: K
 * concurrent session requests meeting one expired token, a dead refresh token
 * healed by signing in again, and PostgreSQL stopped or silent during a
 * refresh. Trakt is the msw stand-in of the unit tests (../setup.js).
 */
import { http } from "msw"
import pg from "pg"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest"
import Trakt, { traktDatabaseSessions, type TraktError, type TraktStore } from "../../src/index.js"
import { postgresTokenStore } from "../../src/postgres.js"
import { authConfig, Browser, describeError } from "../support/browser.js"
import { CLIENT_ID, CLIENT_SECRET, environments, ORIGIN, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"
import { startPostgres, type LatencyProxy, type RunningPostgres } from "../services/postgres.js"
import { ADAPTERS, openDatabase, SCHEMAS, type AdapterKind, type AppDatabase } from "./schemas.js"

const CONCURRENT = 5
const EXPIRIES = 3
const TIMEOUT = 2_000

let db: RunningPostgres
let databases = 0
const pools: pg.Pool[] = []
const closers: (() => Promise<unknown>)[] = []

beforeAll(async () => {
  db = await startPostgres()
})
afterAll(async () => {
  await Promise.all(closers.map((close) => close().catch(() => {})))
  await Promise.all(pools.map((p) => p.end().catch(() => {})))
  await db?.stop()
})
beforeEach(() => {
  // The accounts have no column for the sign-in's callback URL: AUTH_URL, as deployed.
  vi.stubEnv("AUTH_URL", `${ORIGIN}/auth`)
  vi.stubEnv("AUTH_TRAKT_ID", CLIENT_ID)
  vi.stubEnv("AUTH_TRAKT_SECRET", CLIENT_SECRET)
})
afterEach(() => {
  vi.unstubAllEnvs()
})

const refreshes = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token").length

function newPool(url: string, options: pg.PoolConfig = {}) {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 1000, ...options })
  pool.on("error", () => {}) // idle connections cut by a stopping server
  pools.push(pool)
  return pool
}

/** The store, recording the method of each call: one call is one round trip (see postgres-store.ts). */
function counting(store: TraktStore) {
  const calls: string[] = []
  const counted: TraktStore = {
    getItem: (key) => (calls.push("getItem"), store.getItem(key)),
    setItem: (key, value, options) => (calls.push("setItem"), store.setItem(key, value, options)),
    setItemIfAbsent: (key, value, options) => (calls.push("setItemIfAbsent"), store.setItemIfAbsent!(key, value, options)),
    removeItem: (key) => (calls.push("removeItem"), store.removeItem!(key)),
  }
  return { calls, store: counted }
}

interface App {
  browser: Browser
  database: AppDatabase
  errors: TraktError[]
  storeCalls: string[]
}

/**
 * A new database on `kind`'s schema and an app on it: Auth() with the adapter,
 * database sessions and traktDatabaseSessions, the store on the same
 * PostgreSQL (or none). `via` is where the app reaches PostgreSQL (a proxy).
 */
async function app(kind: AdapterKind, store: "postgres" | "none", via?: LatencyProxy): Promise<App> {
  const name = `app_${++databases}`
  const direct = await db.database(name)
  await newPool(direct).query(SCHEMAS[kind])
  const url = via ? via.url.replace(/\/trakt$/, `/${name}`) : direct
  const pool = newPool(url, { query_timeout: 3 * TIMEOUT })
  const database = openDatabase(kind, url, pool)
  closers.push(database.close)
  const errors: TraktError[] = []
  const counted = counting(postgresTokenStore(pool))
  if (store === "postgres") await counted.store.getItem("warm") // creates the table: not a refresh's cost
  counted.calls.length = 0
  const config = authConfig([], {
    adapter: database.adapter,
    session: { strategy: "database" },
    providers: [Trakt({ clientId: process.env.AUTH_TRAKT_ID, clientSecret: process.env.AUTH_TRAKT_SECRET })],
    ...traktDatabaseSessions({
      ...database.accounts,
      store: store === "postgres" ? counted.store : undefined,
      timeout: TIMEOUT,
      onError: (error) => errors.push(error),
    }),
  })
  const browser = new Browser(config)
  await browser.signInWithTrakt().catch(() => {})
  if (config.logs.errors.length) throw new Error(`sign-in failed: ${config.logs.errors.map((e) => describeError(e)).join("\n")}`)
  return { browser, database, errors, storeCalls: counted.calls }
}

/** The one Trakt account row, and whether Trakt accepts its tokens. */
async function theRow(database: AppDatabase) {
  const rows = await database.rows()
  expect(rows).toHaveLength(1)
  const row = rows[0]!
  return { row, accepted: trakt.isValid(row.access_token!) && trakt.canRefresh(row.refresh_token!) }
}

describe.each(ADAPTERS.flatMap((kind) => [[kind, "postgres"] as const, [kind, "none"] as const]))("%s, store: %s", (kind, store) => {
  test(`${EXPIRIES} expiries, ${CONCURRENT} concurrent session requests each: no RefreshTokenError, one Trakt refresh each, the row holds tokens Trakt accepts`, async () => {
    const { browser, database, errors, storeCalls } = await app(kind, store)
    expect((await theRow(database)).accepted).toBe(true)
    for (let expiry = 1; expiry <= EXPIRIES; expiry++) {
      await database.expire()
      const before = (await theRow(database)).row
      storeCalls.length = 0
      const sessions = await Promise.all(Array.from({ length: CONCURRENT }, () => browser.session()))
      expect(sessions.map((s) => s?.error)).toEqual(Array(CONCURRENT).fill(undefined))
      expect(sessions.every((s) => s?.user?.name === "Justin Nemeth")).toBe(true)
      expect(refreshes()).toBe(expiry)
      const { row, accepted } = await theRow(database)
      expect(accepted).toBe(true)
      expect(row.refresh_token).not.toBe(before.refresh_token)
      expect(row.expires_at).toBeGreaterThan(Date.now() / 1000 + 6 * 86400)
      // One rotation in one process: read the result, claim the lock, write the result.
      if (store === "postgres") expect(storeCalls).toEqual(["getItem", "setItemIfAbsent", "setItem"])
    }
    // Valid tokens: a session costs no refresh.
    await browser.session()
    expect(refreshes()).toBe(EXPIRIES)
    expect(errors).toEqual([])
  })
})

const deadTokenCases = ADAPTERS.flatMap((kind) => [[kind, "none"] as const, [kind, "postgres"] as const])

describe.each(deadTokenCases)("%s, store: %s: a refresh token Trakt killed", (kind, store) => {
  test("shows RefreshTokenError and reaches onError; signing in again writes the new tokens over the row, and the next session has no error", async () => {
    const { browser, database, errors } = await app(kind, store)
    for (let attempt = 0; attempt < 2; attempt++) {
      const dead = (await theRow(database)).row
      // Trakt forgets the stored pair (revoked, or issued before July 2026).
      trakt.revoke({ token: dead.refresh_token! })
      await database.expire()
      errors.length = 0
      expect((await browser.session()).error).toBe("RefreshTokenError")
      const codes = errors.map((e) => e.code)
      expect(codes).toContain("invalid_grant")
      // With a store, the engine's last look for another instance's result
      // may get less time than a round trip and report a STORE_ERROR: nothing else.
      expect(codes.filter((code) => code !== "invalid_grant" && !(store === "postgres" && code === "STORE_ERROR"))).toEqual([])

      await browser.signInWithTrakt()
      const { row, accepted } = await theRow(database) // one row: updated, not linked again
      expect(accepted).toBe(true)
      expect(row.refresh_token).not.toBe(dead.refresh_token)
      expect((await browser.session()).error).toBeUndefined()
      // And it refreshes from there.
      await database.expire()
      expect((await browser.session()).error).toBeUndefined()
      expect((await theRow(database)).accepted).toBe(true)
    }
  })
})

/** Holds Trakt's answer to the next refresh until `release()`; `reached` resolves when Trakt has it. */
function holdNextRefresh() {
  let reached!: () => void
  let release!: () => void
  const arrived = new Promise<void>((resolve) => (reached = resolve))
  const released = new Promise<void>((resolve) => (release = resolve))
  server.use(
    http.post(
      environments.production.token,
      async ({ request }) => {
        reached()
        await released
        return trakt.handle(request)
      },
      { once: true },
    ),
  )
  return { arrived, release }
}

describe("PostgreSQL failing during a refresh (pg-adapter, store on PostgreSQL)", () => {
  test("stopped: the session stays unmarked, onError hears TraktErrors, nothing hangs; back up, the tokens Trakt issued reach the row", async () => {
    const { browser, database, errors } = await app("pg-adapter", "postgres")
    await database.expire()
    const hold = holdNextRefresh()
    const started = performance.now()
    const pending = browser.session()
    await hold.arrived
    await db.down()
    try {
      hold.release()
      const session = await pending
      expect(session.error).toBeUndefined()
      expect(performance.now() - started).toBeLessThan(TIMEOUT + 1_500)
      expect(errors.map((e) => e.code)).toEqual(["STORE_ERROR", "DATABASE_ERROR"])
      expect(errors.every((e) => e.name === "TraktError")).toBe(true)
    } finally {
      await db.up()
    }
    // This process remembers what Trakt issued: the next request saves it, with no new refresh.
    expect((await browser.session()).error).toBeUndefined()
    expect(refreshes()).toBe(1)
    expect((await theRow(database)).accepted).toBe(true)
  })

  test("silent (answers held for a minute): bounded by `timeout`, the session stays unmarked; answering again, the tokens reach the row", async () => {
    const proxy = await db.proxy({ latency: 0 })
    const { browser, database, errors } = await app("pg-adapter", "postgres", proxy)
    await database.expire()
    const hold = holdNextRefresh()
    const started = performance.now()
    const pending = browser.session()
    await hold.arrived
    proxy.setLatency(120_000)
    hold.release()
    const session = await pending
    const ms = performance.now() - started
    expect(session.error).toBeUndefined()
    // The result's write to the store gets WRITE_MARGIN (1 s), the account's write `timeout`.
    expect(ms).toBeLessThan(TIMEOUT + 1_000 + 1_500)
    expect(errors.map((e) => e.code)).toEqual(["STORE_ERROR", "DATABASE_ERROR"])

    // PostgreSQL answers again: the connections it left hanging are cut, the pool opens new ones.
    proxy.setLatency(0)
    proxy.cut()
    expect((await browser.session()).error).toBeUndefined()
    expect((await theRow(database)).accepted).toBe(true)
    expect(refreshes()).toBe(1)
  })
})
