/**
 * Ready-made `TraktAccounts` for the Auth.js adapters apps run on SQL:
 * how to read the user's Trakt account and write new tokens over it (an
 * `UPDATE`, never `linkAccount`'s insert), on each adapter's own schema. Each
 * takes the client the app already has, typed by the little it uses, so the
 * package imports none of them.
 */
import { argumentError } from "../core/errors.js"
import type { PostgresQueryable } from "../core/stores/postgres.js"

/** The columns of an account every Auth.js adapter stores, as far as a refresh needs them. */
export interface AdapterAccountRow {
  provider: string
  providerAccountId: string
  access_token?: string | null
  refresh_token?: string | null
  /** Epoch seconds. */
  expires_at?: number | null
}

/** The fields of a `TraktTokenSet` an account stores. */
interface NewTokens {
  access_token: string
  refresh_token?: string
  /** Epoch seconds. */
  expires_at?: number
}

/**
 * A `TraktAccounts` of the main entry, written out: this entry's types must
 * not need the main entry's, which need `@auth/core` (a next-auth v4 app has
 * none).
 */
interface AdapterAccounts {
  getAccount(userId: string, provider: string): Promise<AdapterAccountRow | null>
  saveTokens(account: AdapterAccountRow, tokens: NewTokens): Promise<void>
}

const newTokens = ({ access_token, refresh_token, expires_at }: NewTokens) => ({
  access_token,
  // Trakt always rotates it; should an answer lack one, the stored one stays.
  ...(refresh_token !== undefined && { refresh_token }),
  expires_at: expires_at ?? null,
})

/**
 * The Trakt account on `@auth/pg-adapter`'s schema: SQL on its `accounts`
 * table through the app's `pg` pool (the one it gives the adapter). Reads
 * the newest row for the user (that schema has no unique index, and the
 * old `linkAccount` recipe may have left several), and updates every row of
 * the account. `expires_at` is a `BIGINT`, which `pg` returns as a string:
 * it is read as a number.
 *
 * @example
 * ```ts
 * import { Pool } from "pg"
 * import { traktDatabaseSessions } from "authjs-trakt"
 * import { pgAdapterAccounts } from "authjs-trakt/adapters"
 *
 * const pool = new Pool({ connectionString: process.env.DATABASE_URL })
 * export const { events, callbacks } = traktDatabaseSessions(pgAdapterAccounts(pool))
 * ```
 */
export function pgAdapterAccounts(pool: PostgresQueryable): AdapterAccounts {
  if (typeof pool?.query !== "function") throw argumentError("pool", "must have a query(text, values) method, as a pg Pool has")
  return {
    async getAccount(userId, provider) {
      const { rows } = await pool.query(
        `SELECT provider, "providerAccountId", access_token, refresh_token, expires_at::float8 AS expires_at ` +
          `FROM accounts WHERE "userId" = $1 AND provider = $2 ORDER BY id DESC LIMIT 1`,
        [userId, provider],
      )
      return (rows[0] as AdapterAccountRow | undefined) ?? null
    },
    async saveTokens({ provider, providerAccountId }, tokens) {
      const { access_token, expires_at, refresh_token = null } = newTokens(tokens)
      await pool.query(
        `UPDATE accounts SET access_token = $3, refresh_token = COALESCE($4, refresh_token), expires_at = $5 ` +
          `WHERE provider = $1 AND "providerAccountId" = $2`,
        [provider, providerAccountId, access_token, refresh_token, expires_at],
      )
    },
  }
}

/**
 * What {@link drizzleAccounts} needs of a Drizzle database: `select()` and
 * `update()`, on any dialect.
 */
export interface DrizzleDatabase {
  select(): { from(table: never): { where(condition: never): PromiseLike<unknown[]> } }
  update(table: never): { set(values: never): { where(condition: never): PromiseLike<unknown> } }
}

/** The app's accounts table, as far as {@link drizzleAccounts} needs its columns. */
export interface DrizzleAccountsTable {
  userId: unknown
  provider: unknown
  providerAccountId: unknown
}

/** `and` and `eq` from `drizzle-orm`: passed in, so that this package imports nothing of it. */
export interface DrizzleOperators {
  and(...conditions: never[]): unknown
  eq(column: never, value: never): unknown
}

/**
 * The Trakt account on `@auth/drizzle-adapter`: the app's accounts table (the
 * one it gives the adapter as `accountsTable`, with Auth.js's column names)
 * through its Drizzle database, on PostgreSQL, MySQL or SQLite. Pass `and`
 * and `eq` from `drizzle-orm`.
 *
 * @example
 * ```ts
 * import { and, eq } from "drizzle-orm"
 * import { drizzle } from "drizzle-orm/node-postgres"
 * import { integer, pgTable, text } from "drizzle-orm/pg-core"
 * import { traktDatabaseSessions } from "authjs-trakt"
 * import { drizzleAccounts } from "authjs-trakt/adapters"
 *
 * const accounts = pgTable("account", {
 *   userId: text("userId").notNull(),
 *   type: text("type").notNull(),
 *   provider: text("provider").notNull(),
 *   providerAccountId: text("providerAccountId").notNull(),
 *   refresh_token: text("refresh_token"),
 *   access_token: text("access_token"),
 *   expires_at: integer("expires_at"),
 * })
 * const db = drizzle(process.env.DATABASE_URL!)
 * export const { events, callbacks } = traktDatabaseSessions(drizzleAccounts(db, accounts, { and, eq }))
 * ```
 */
export function drizzleAccounts(db: DrizzleDatabase, accounts: DrizzleAccountsTable, operators: DrizzleOperators): AdapterAccounts {
  if (typeof db?.select !== "function" || typeof db.update !== "function") throw argumentError("db", "must be a Drizzle database")
  if (!accounts?.userId || !accounts.provider || !accounts.providerAccountId) {
    throw argumentError("accounts", "must be the Drizzle table with Auth.js's account columns (userId, provider, providerAccountId)")
  }
  if (typeof operators?.and !== "function" || typeof operators.eq !== "function")
    throw argumentError("operators", 'must be { and, eq } from "drizzle-orm"')
  // Drizzle's builders are typed by the table; this module knows it only structurally.
  const { and, eq } = operators as unknown as { and(...conditions: unknown[]): never; eq(column: unknown, value: unknown): never }
  const table = accounts as never
  return {
    async getAccount(userId, provider) {
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(accounts.userId, userId), eq(accounts.provider, provider)))
      return (rows[0] as AdapterAccountRow | undefined) ?? null
    },
    async saveTokens({ provider, providerAccountId }, tokens) {
      const where = and(eq(accounts.provider, provider), eq(accounts.providerAccountId, providerAccountId))
      await db
        .update(table)
        .set(newTokens(tokens) as never)
        .where(where)
    },
  }
}

/** What {@link prismaAccounts} needs of a Prisma client: its `account` model, as Auth.js's schema names it. */
export interface PrismaAccountsClient {
  account: {
    findFirst(args: { where: { userId: string; provider: string } }): PromiseLike<AdapterAccountRow | null>
    update(args: {
      where: { provider_providerAccountId: { provider: string; providerAccountId: string } }
      data: { access_token: string; refresh_token?: string; expires_at: number | null }
    }): PromiseLike<unknown>
  }
}

/**
 * The Trakt account on `@auth/prisma-adapter`: `prisma.account`, on Auth.js's
 * Prisma schema (its compound key `provider_providerAccountId`), with any
 * database Prisma runs on.
 *
 * @example
 * ```ts
 * import { PrismaClient } from "@prisma/client"
 * import { traktDatabaseSessions } from "authjs-trakt"
 * import { prismaAccounts } from "authjs-trakt/adapters"
 *
 * declare const prisma: PrismaClient
 * export const { events, callbacks } = traktDatabaseSessions(prismaAccounts(prisma))
 * ```
 */
export function prismaAccounts(prisma: PrismaAccountsClient): AdapterAccounts {
  if (typeof prisma?.account?.findFirst !== "function")
    throw argumentError("prisma", "must be a Prisma client with Auth.js's Account model")
  return {
    getAccount: async (userId, provider) => prisma.account.findFirst({ where: { userId, provider } }),
    async saveTokens({ provider, providerAccountId }, tokens) {
      await prisma.account.update({ where: { provider_providerAccountId: { provider, providerAccountId } }, data: newTokens(tokens) })
    },
  }
}
