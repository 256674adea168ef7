import { Pool } from "pg"
import { pgAdapterAccounts } from "authjs-trakt/adapters"
import { postgresTokenStore } from "authjs-trakt/postgres"

// One pool for Auth.js's tables, the Trakt account and the refresh store.
// The timeouts bound what a database that stops answering costs a request.
export const pool = new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000, query_timeout: 5000 })
pool.on("error", (error) => console.error("PostgreSQL:", error.message))

/** Reads the user's Trakt account, and writes new tokens over it (an UPDATE: never a second row). */
export const accounts = pgAdapterAccounts(pool)

/**
 * The refresh store, on the same PostgreSQL: the session callback and the
 * Trakt client share it, so that they (and every instance) spend each
 * refresh token once between them.
 */
export const store = postgresTokenStore(pool)
