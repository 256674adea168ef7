import NextAuth from "next-auth"
import PostgresAdapter from "@auth/pg-adapter"
import { Pool } from "pg"
import Trakt, { traktDatabaseSessions } from "authjs-trakt"
import { pgAdapterAccounts } from "authjs-trakt/adapters"
import { postgresTokenStore } from "authjs-trakt/postgres"

// One pool for Auth.js's tables, the Trakt account and the refresh store.
// The timeouts bound what a database that stops answering costs a request.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000, query_timeout: 5000 })
pool.on("error", (error) => console.error("PostgreSQL:", error.message))

// Writes the tokens of every sign-in over the account, and refreshes an
// expired one in the session callback: once, however many requests (and
// instances sharing the store) meet it. Refreshes go where the provider
// signs in (the same TRAKT_BASE_URL), with the callback URL AUTH_URL gives.
const trakt = traktDatabaseSessions({
  ...pgAdapterAccounts(pool),
  store: postgresTokenStore(pool),
  baseUrl: process.env.TRAKT_BASE_URL,
})

export const { handlers, auth, signIn, signOut } = NextAuth({
  adapter: PostgresAdapter(pool),
  session: { strategy: "database" },
  // AUTH_TRAKT_ID and AUTH_TRAKT_SECRET are read by Auth.js itself.
  // TRAKT_BASE_URL: empty for Trakt itself; Trakt's staging or a local stand-in otherwise.
  providers: [Trakt({ accountId: "uuid", baseUrl: process.env.TRAKT_BASE_URL })],
  // Sign-in errors (such as "Deny" at Trakt) come back to the home page as ?error=...
  pages: { signIn: "/", error: "/" },
  events: trakt.events,
  callbacks: trakt.callbacks,
})
