/**
 * The refresh store on the app's own PostgreSQL: one small table of ours, so
 * that instances coordinate without Redis. It talks through the app's own
 * connection (a `pg` pool or anything with `query(text, values)`), so this
 * package gains no dependency.
 */
import { argumentError } from "../errors.js"

/**
 * What the store needs of a PostgreSQL client: `query(text, values)` resolving
 * to `{ rows }`, with `$1`-style placeholders. A `pg` `Pool` or `Client` fits
 * as it is, and so do pools that copy pg's API (`@neondatabase/serverless`).
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): PromiseLike<{ rows: unknown[] }>
}

/** Options of {@link postgresTokenStore}. */
export interface PostgresTokenStoreOptions {
  /**
   * The table, optionally with its schema (`"auth.trakt_store"`): letters,
   * digits and `_`, used as written (quoted, so case-sensitive).
   * @default "authjs_trakt_store"
   */
  table?: string
}

/**
 * The store's methods, all of which resolve after one statement (one round
 * trip): a `TraktTokenStore` with both optional methods, written out so that
 * this entry's types need nothing of the main entry's (which need
 * `@auth/core`, which a next-auth v4 app has not).
 */
export interface PostgresTokenStore {
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string, options: { ttl: number }): Promise<void>
  setItemIfAbsent(key: string, value: string, options: { ttl: number }): Promise<boolean>
  removeItem(key: string): Promise<void>
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
// Writes sweep expired rows now and then, inside their own statement: often
// enough to keep up with any write rate (each write adds at most one row), few
// enough rows per sweep to stay cheap.
const SWEEP_EVERY = 16
const SWEEP_LIMIT = 100
const UNDEFINED_TABLE = "42P01"
// Counted per table for the whole process, not per store: apps that make a
// store per request (serverless pools) would otherwise sweep on every request.
const writesByTable = new Map<string, number>()

/**
 * A `TraktTokenStore` in a table of your PostgreSQL, for apps that run
 * several instances and have a database but no Redis. Pass the connection your
 * app already has. Expiry follows the database's clock, so instances whose
 * clocks disagree still agree on what has expired; expired rows are never
 * returned, and writes delete a few of them now and then.
 *
 * The table is created on first use if it is missing (the database user then
 * needs `CREATE` on the schema); to create it yourself, in a migration:
 *
 * ```sql
 * CREATE TABLE authjs_trakt_store (
 *   key        text        PRIMARY KEY,
 *   value      text        NOT NULL,
 *   expires_at timestamptz NOT NULL
 * );
 * CREATE INDEX authjs_trakt_store_expires_at ON authjs_trakt_store (expires_at);
 * ```
 *
 * A failing database makes each method reject with the driver's error; bound
 * how long that takes with your pool's options (`pg`:
 * `connectionTimeoutMillis`, `query_timeout`).
 *
 * @example
 * With a `pg` pool, as `@auth/pg-adapter` uses:
 * ```ts
 * import { Pool } from "pg"
 * import { traktJwt } from "authjs-trakt"
 * import { postgresTokenStore } from "authjs-trakt/postgres"
 *
 * const pool = new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000 })
 * export const jwt = traktJwt({ store: postgresTokenStore(pool) })
 * ```
 */
export function postgresTokenStore(db: PostgresQueryable, options: PostgresTokenStoreOptions = {}): PostgresTokenStore {
  if (!db || typeof db.query !== "function") throw argumentError("db", "must have a query(text, values) method, as a pg Pool has")
  const { table = "authjs_trakt_store" } = options
  const parts = typeof table === "string" ? table.split(".") : []
  if (parts.length < 1 || parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw argumentError("table", "must be a table name (letters, digits, _), optionally schema.table")
  }
  const name = parts.map((p) => `"${p}"`).join(".")
  const sql = statements(name, parts.at(-1)!)

  let created: Promise<void> | undefined
  // One statement per call. A missing table costs one DDL statement and a
  // retry, once per store; a present table costs nothing.
  const query = async (text: string, values: unknown[]) => {
    try {
      return await db.query(text, values)
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== UNDEFINED_TABLE) throw error
      created ??= Promise.resolve(db.query(sql.create)).then(
        () => {},
        (failure) => {
          created = undefined
          throw failure
        },
      )
      await created
      return await db.query(text, values)
    }
  }
  const sweeping = () => {
    const writes = writesByTable.get(name) ?? 0
    writesByTable.set(name, (writes + 1) % SWEEP_EVERY)
    return writes === 0
  }

  return {
    async getItem(key) {
      const { rows } = await query(sql.get, [key])
      const row = rows[0] as { value?: unknown } | undefined
      return typeof row?.value === "string" ? row.value : null
    },
    async setItem(key, value, { ttl }) {
      const values = [key, value, seconds(ttl)]
      await query(sweeping() ? sql.sweep + sql.set : sql.set, values)
    },
    async setItemIfAbsent(key, value, { ttl }) {
      const values = [key, value, seconds(ttl)]
      const { rows } = await query(sweeping() ? sql.sweep + sql.setIfAbsent : sql.setIfAbsent, values)
      return rows.length > 0
    },
    async removeItem(key) {
      await query(sql.remove, [key])
    },
  }
}

function seconds(ttl: unknown): number {
  if (typeof ttl !== "number" || !Number.isFinite(ttl)) throw argumentError("ttl", "must be a finite number of seconds")
  return Math.max(0, ttl)
}

function statements(table: string, bare: string) {
  const expiry = "now() + make_interval(secs => $3::float8)"
  return {
    get: `SELECT value FROM ${table} WHERE key = $1 AND expires_at > now()`,
    set:
      `INSERT INTO ${table} AS t (key, value, expires_at) VALUES ($1, $2, ${expiry}) ` +
      `ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    // Atomic in one statement: a live row makes the insert a no-op (no row
    // returned); an expired one is taken over as if it were absent. Under
    // concurrency the row lock of ON CONFLICT DO UPDATE orders the callers,
    // and each re-checks the WHERE on the row the previous one left.
    setIfAbsent:
      `INSERT INTO ${table} AS t (key, value, expires_at) VALUES ($1, $2, ${expiry}) ` +
      `ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at ` +
      `WHERE t.expires_at <= now() RETURNING 1 AS stored`,
    remove: `DELETE FROM ${table} WHERE key = $1`,
    // Prefixed to a write, in the same statement. SKIP LOCKED: concurrent
    // sweeps share the work instead of waiting on each other; the written key
    // is left alone, as one statement must not touch a row twice.
    sweep:
      `WITH swept AS (DELETE FROM ${table} WHERE key IN (SELECT key FROM ${table} ` +
      `WHERE expires_at <= now() AND key <> $1 LIMIT ${SWEEP_LIMIT} FOR UPDATE SKIP LOCKED)) `,
    // One statement, serialised by an advisory lock: concurrent
    // CREATE TABLE IF NOT EXISTS can otherwise fail on the catalog's unique index.
    create:
      `DO $$ BEGIN PERFORM pg_advisory_xact_lock(hashtext('authjs-trakt store ${table.replaceAll('"', "")}')); ` +
      `CREATE TABLE IF NOT EXISTS ${table} (key text PRIMARY KEY, value text NOT NULL, expires_at timestamptz NOT NULL); ` +
      `CREATE INDEX IF NOT EXISTS "${bare}_expires_at" ON ${table} (expires_at); END $$`,
  }
}
