/**
 * The Auth.js SQL adapters on a real PostgreSQL, each on the schema its docs
 * give: link a Trakt account, find it for a user, write new tokens over it.
 * What a database-sessions recipe needs of each (the accessors of
 * `authjs-trakt/adapters` do it), and what `linkAccount` does when called
 * again for the same account (the old recipe did).
 */
import PostgresAdapter from "@auth/pg-adapter"
import { DrizzleAdapter } from "@auth/drizzle-adapter"
import { PrismaAdapter } from "@auth/prisma-adapter"
import type { AdapterAccount, AdapterUser } from "@auth/core/adapters"
import { PrismaPg } from "@prisma/adapter-pg"
import { and, eq } from "drizzle-orm"
import { drizzle } from "drizzle-orm/node-postgres"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { PrismaClient } from "./prisma/generated/client.js"
import { pgAdapterAccounts } from "../../src/adapters.js"
import { startPostgres, type RunningPostgres } from "../services/postgres.js"
import { accounts, DRIZZLE_SCHEMA, PG_ADAPTER_SCHEMA, PRISMA_SCHEMA, sessions, users, verificationTokens } from "./schemas.js"

let db: RunningPostgres
const pools: pg.Pool[] = []
const closers: (() => Promise<unknown>)[] = []

async function database(name: string, schema: string) {
  const url = await db.database(name)
  const pool = new pg.Pool({ connectionString: url })
  pool.on("error", () => {})
  pools.push(pool)
  await pool.query(schema)
  return { url, pool }
}

const signIn = (userId: string, n: number): AdapterAccount => ({
  userId,
  type: "oauth",
  provider: "trakt",
  providerAccountId: "sean",
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  expires_at: 1_700_000_000 + n,
  token_type: "bearer",
  scope: "public",
})

beforeAll(async () => {
  db = await startPostgres()
})
afterAll(async () => {
  await Promise.all(closers.map((close) => close().catch(() => {})))
  await Promise.all(pools.map((p) => p.end().catch(() => {})))
  await db?.stop()
})

describe("@auth/pg-adapter", () => {
  const documented = PG_ADAPTER_SCHEMA

  test("link, read back by user, update the tokens in place", async () => {
    const { pool } = await database("pg_adapter", documented)
    const adapter = PostgresAdapter(pool)
    const user = await adapter.createUser!({ id: "", name: "Sean", email: "sean@example.com", emailVerified: null } as AdapterUser)
    await adapter.linkAccount!(signIn(user.id, 1))
    expect((await adapter.getUserByAccount!({ provider: "trakt", providerAccountId: "sean" }))?.id).toBe(user.id)

    // The user's Trakt account. BIGINT comes back from pg as a string.
    const read = `SELECT access_token, refresh_token, expires_at::float8 AS expires_at FROM accounts WHERE "userId" = $1 AND provider = 'trakt'`
    expect((await pool.query(read, [user.id])).rows).toEqual([
      { access_token: "access-1", refresh_token: "refresh-1", expires_at: 1_700_000_001 },
    ])

    const update = await pool.query(
      `UPDATE accounts SET access_token = $3, refresh_token = $4, expires_at = $5 WHERE provider = $1 AND "providerAccountId" = $2`,
      ["trakt", "sean", "access-2", "refresh-2", 1_700_000_002],
    )
    expect(update.rowCount).toBe(1)
    expect((await pool.query(read, [user.id])).rows).toEqual([
      { access_token: "access-2", refresh_token: "refresh-2", expires_at: 1_700_000_002 },
    ])
  })

  test("linkAccount again for the same account adds a second row on the documented schema", async () => {
    const { pool } = await database("pg_adapter_again", documented)
    const adapter = PostgresAdapter(pool)
    const user = await adapter.createUser!({ id: "", name: "Sean", email: "sean@example.com", emailVerified: null } as AdapterUser)
    await adapter.linkAccount!(signIn(user.id, 1))
    await adapter.linkAccount!(signIn(user.id, 2))
    expect((await pool.query(`SELECT count(*)::int AS n FROM accounts WHERE provider = 'trakt'`)).rows).toEqual([{ n: 2 }])

    // pgAdapterAccounts copes with what the old recipe left: it reads the newest row and updates them all.
    const accessor = pgAdapterAccounts(pool)
    const account = await accessor.getAccount(user.id, "trakt")
    expect(account).toEqual({
      provider: "trakt",
      providerAccountId: "sean",
      access_token: "access-2",
      refresh_token: "refresh-2",
      expires_at: 1_700_000_002,
    })
    await accessor.saveTokens(account!, { access_token: "access-3", refresh_token: "refresh-3", expires_at: 1_700_000_003 })
    const rows = await pool.query(
      `SELECT access_token, refresh_token, expires_at::float8 AS expires_at FROM accounts WHERE provider = 'trakt'`,
    )
    expect(rows.rows).toEqual(Array(2).fill({ access_token: "access-3", refresh_token: "refresh-3", expires_at: 1_700_000_003 }))
    expect(await accessor.getAccount(user.id, "github")).toBeNull()
  })

  test("linkAccount again fails with a unique violation once (provider, providerAccountId) is unique", async () => {
    const { pool } = await database("pg_adapter_unique", `${documented} ALTER TABLE accounts ADD UNIQUE (provider, "providerAccountId");`)
    const adapter = PostgresAdapter(pool)
    const user = await adapter.createUser!({ id: "", name: "Sean", email: "sean@example.com", emailVerified: null } as AdapterUser)
    await adapter.linkAccount!(signIn(user.id, 1))
    await expect(adapter.linkAccount!(signIn(user.id, 2))).rejects.toMatchObject({ code: "23505" })
  })
})

describe("@auth/drizzle-adapter (drizzle-orm on pg)", () => {
  const ddl = DRIZZLE_SCHEMA

  test("link, read back by user, update the tokens in place; linking again is a primary-key violation", async () => {
    const { pool } = await database("drizzle", ddl)
    const orm = drizzle(pool)
    const adapter = DrizzleAdapter(orm, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    })
    const user = await adapter.createUser!({ id: "", name: "Sean", email: "sean@example.com", emailVerified: null })
    await adapter.linkAccount!(signIn(user.id, 1))
    expect((await adapter.getUserByAccount!({ provider: "trakt", providerAccountId: "sean" }))?.id).toBe(user.id)

    const read = () =>
      orm
        .select({ access_token: accounts.access_token, refresh_token: accounts.refresh_token, expires_at: accounts.expires_at })
        .from(accounts)
        .where(and(eq(accounts.userId, user.id), eq(accounts.provider, "trakt")))
    expect(await read()).toEqual([{ access_token: "access-1", refresh_token: "refresh-1", expires_at: 1_700_000_001 }])

    const updated = await orm
      .update(accounts)
      .set({ access_token: "access-2", refresh_token: "refresh-2", expires_at: 1_700_000_002 })
      .where(and(eq(accounts.provider, "trakt"), eq(accounts.providerAccountId, "sean")))
      .returning({ userId: accounts.userId })
    expect(updated).toEqual([{ userId: user.id }])
    expect(await read()).toEqual([{ access_token: "access-2", refresh_token: "refresh-2", expires_at: 1_700_000_002 }])

    await expect(adapter.linkAccount!(signIn(user.id, 3))).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23505" }) })
  })
})

describe("@auth/prisma-adapter (Prisma 7 on @prisma/adapter-pg)", () => {
  const ddl = PRISMA_SCHEMA

  test("link, read back by user, update the tokens in place; linking again is a unique violation", async () => {
    const { url } = await database("prisma", ddl)
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) })
    closers.push(() => prisma.$disconnect())
    const adapter = PrismaAdapter(prisma)
    const user = await adapter.createUser!({ id: "", name: "Sean", email: "sean@example.com", emailVerified: null })
    await adapter.linkAccount!(signIn(user.id, 1))
    expect((await adapter.getUserByAccount!({ provider: "trakt", providerAccountId: "sean" }))?.id).toBe(user.id)

    const read = () =>
      prisma.account.findFirst({
        where: { userId: user.id, provider: "trakt" },
        select: { access_token: true, refresh_token: true, expires_at: true },
      })
    expect(await read()).toEqual({ access_token: "access-1", refresh_token: "refresh-1", expires_at: 1_700_000_001 })

    await prisma.account.update({
      where: { provider_providerAccountId: { provider: "trakt", providerAccountId: "sean" } },
      data: { access_token: "access-2", refresh_token: "refresh-2", expires_at: 1_700_000_002 },
    })
    expect(await read()).toEqual({ access_token: "access-2", refresh_token: "refresh-2", expires_at: 1_700_000_002 })

    await expect(adapter.linkAccount!(signIn(user.id, 3))).rejects.toMatchObject({ code: "P2002" })
  })
})
