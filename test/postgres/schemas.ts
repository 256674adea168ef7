/**
 * The three Auth.js SQL adapters, each on the schema its docs give, with the
 * account accessors of `authjs-trakt/adapters` for it: what the tests on a
 * real PostgreSQL (in this process and in instance processes) build apps from.
 */
import PostgresAdapter from "@auth/pg-adapter"
import { DrizzleAdapter } from "@auth/drizzle-adapter"
import { PrismaAdapter } from "@auth/prisma-adapter"
import type { Adapter, AdapterAccount } from "@auth/core/adapters"
import { PrismaPg } from "@prisma/adapter-pg"
import { and, eq } from "drizzle-orm"
import { drizzle } from "drizzle-orm/node-postgres"
import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core"
import pg from "pg"
import { drizzleAccounts, pgAdapterAccounts, prismaAccounts, type AdapterAccountRow } from "../../src/adapters.js"
import type { TraktAccounts } from "../../src/index.js"
import { PrismaClient } from "./prisma/generated/client.js"

export const ADAPTERS = ["pg-adapter", "drizzle", "prisma"] as const
export type AdapterKind = (typeof ADAPTERS)[number]

/**
 * The schema of authjs.dev's pg-adapter page, as users copy it: no unique
 * index on (provider, "providerAccountId"), expires_at a BIGINT.
 */
export const PG_ADAPTER_SCHEMA = `
  CREATE TABLE verification_token (identifier TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL, token TEXT NOT NULL, PRIMARY KEY (identifier, token));
  CREATE TABLE accounts (id SERIAL, "userId" INTEGER NOT NULL, type VARCHAR(255) NOT NULL, provider VARCHAR(255) NOT NULL,
    "providerAccountId" VARCHAR(255) NOT NULL, refresh_token TEXT, access_token TEXT, expires_at BIGINT, id_token TEXT,
    scope TEXT, session_state TEXT, token_type TEXT, PRIMARY KEY (id));
  CREATE TABLE sessions (id SERIAL, "userId" INTEGER NOT NULL, expires TIMESTAMPTZ NOT NULL, "sessionToken" VARCHAR(255) NOT NULL, PRIMARY KEY (id));
  CREATE TABLE users (id SERIAL, name VARCHAR(255), email VARCHAR(255), "emailVerified" TIMESTAMPTZ, image TEXT, PRIMARY KEY (id));`

// The drizzle adapter's default PostgreSQL tables (authjs.dev's Drizzle page), as an app declares them.
export const users = pgTable("user", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").unique(),
  emailVerified: timestamp("emailVerified", { mode: "date" }),
  image: text("image"),
})
export const accounts = pgTable(
  "account",
  {
    userId: text("userId")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").$type<AdapterAccount["type"]>().notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("providerAccountId").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (account) => [primaryKey({ columns: [account.provider, account.providerAccountId] })],
)
export const sessions = pgTable("session", {
  sessionToken: text("sessionToken").primaryKey(),
  userId: text("userId")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  expires: timestamp("expires", { mode: "date" }).notNull(),
})
export const verificationTokens = pgTable(
  "verificationToken",
  { identifier: text("identifier").notNull(), token: text("token").notNull(), expires: timestamp("expires", { mode: "date" }).notNull() },
  (token) => [primaryKey({ columns: [token.identifier, token.token] })],
)
/** What drizzle-kit generates for those tables. */
export const DRIZZLE_SCHEMA = `
  CREATE TABLE "user" (id text PRIMARY KEY, name text, email text UNIQUE, "emailVerified" timestamp, image text);
  CREATE TABLE account ("userId" text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE, type text NOT NULL, provider text NOT NULL,
    "providerAccountId" text NOT NULL, refresh_token text, access_token text, expires_at integer, token_type text, scope text,
    id_token text, session_state text, PRIMARY KEY (provider, "providerAccountId"));
  CREATE TABLE session ("sessionToken" text PRIMARY KEY, "userId" text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE, expires timestamp NOT NULL);
  CREATE TABLE "verificationToken" (identifier text NOT NULL, token text NOT NULL, expires timestamp NOT NULL, PRIMARY KEY (identifier, token));`

/**
 * test/postgres/prisma/schema.prisma, as `prisma migrate` would create it
 * (the migrate engine is a binary download, which this machine cannot make).
 * `email` is optional: Trakt shares none, and authjs.dev's required one makes
 * every Trakt sign-in fail at createUser.
 */
export const PRISMA_SCHEMA = `
  CREATE TABLE "User" (id text PRIMARY KEY, name text, email text UNIQUE, "emailVerified" timestamp(3), image text,
    "createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" timestamp(3) NOT NULL);
  CREATE TABLE "Account" ("userId" text NOT NULL REFERENCES "User"(id) ON DELETE CASCADE, type text NOT NULL, provider text NOT NULL,
    "providerAccountId" text NOT NULL, refresh_token text, access_token text, expires_at integer, token_type text, scope text,
    id_token text, session_state text, "createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" timestamp(3) NOT NULL,
    PRIMARY KEY (provider, "providerAccountId"));
  CREATE TABLE "Session" ("sessionToken" text NOT NULL UNIQUE, "userId" text NOT NULL REFERENCES "User"(id) ON DELETE CASCADE,
    expires timestamp(3) NOT NULL, "createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" timestamp(3) NOT NULL);
  CREATE TABLE "VerificationToken" (identifier text NOT NULL, token text NOT NULL, expires timestamp(3) NOT NULL, PRIMARY KEY (identifier, token));`

export const SCHEMAS: Record<AdapterKind, string> = { "pg-adapter": PG_ADAPTER_SCHEMA, drizzle: DRIZZLE_SCHEMA, prisma: PRISMA_SCHEMA }

/** An app's database layer: the Auth.js adapter and the Trakt account accessors, on one connection. */
export interface AppDatabase {
  adapter: Adapter
  accounts: TraktAccounts<AdapterAccountRow>
  /** The Trakt account rows (of `userId`, or everyone's), straight from SQL, oldest first. */
  rows(userId?: string): Promise<(AdapterAccountRow & { userId: string })[]>
  /** Makes every Trakt access token in the table expired, as time passing would. */
  expire(): Promise<void>
  close(): Promise<void>
}

/**
 * `kind`'s adapter and accessors on `url`. `pool` (for pg-adapter and
 * Drizzle, which take one) is the app's own; Prisma opens its own through
 * @prisma/adapter-pg.
 */
export function openDatabase(kind: AdapterKind, url: string, pool: pg.Pool): AppDatabase {
  const table = { "pg-adapter": "accounts", drizzle: "account", prisma: '"Account"' }[kind]
  const order = kind === "pg-adapter" ? "ORDER BY id" : ""
  const sql = {
    rows,
    async expire() {
      await pool.query(`UPDATE ${table} SET expires_at = $1 WHERE provider = 'trakt'`, [Math.floor(Date.now() / 1000) - 10])
    },
  }
  async function rows(userId?: string) {
    const { rows } = await pool.query(
      `SELECT "userId"::text AS "userId", provider, "providerAccountId", access_token, refresh_token, expires_at::float8 AS expires_at ` +
        `FROM ${table} WHERE provider = 'trakt' AND ($1::text IS NULL OR "userId"::text = $1) ${order}`,
      [userId ?? null],
    )
    return rows as (AdapterAccountRow & { userId: string })[]
  }
  if (kind === "pg-adapter") return { adapter: PostgresAdapter(pool), accounts: pgAdapterAccounts(pool), ...sql, close: async () => {} }
  if (kind === "drizzle") {
    const db = drizzle(pool)
    const adapter = DrizzleAdapter(db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    })
    return { adapter, accounts: drizzleAccounts(db, accounts, { and, eq }), ...sql, close: async () => {} }
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) })
  return { adapter: PrismaAdapter(prisma), accounts: prismaAccounts(prisma), ...sql, close: () => prisma.$disconnect() }
}
