/**
 * One server instance of an app on database sessions, as a separate Node
 * process: Auth() with an SQL adapter on a real PostgreSQL and
 * traktDatabaseSessions with that adapter's accessors, the refresh store on
 * the same PostgreSQL (or none), talking to the Trakt stand-in over loopback.
 * The package's source, run by tsx (test:postgres builds nothing). Configured
 * by the environment; prints `listening <url>` when ready; `GET /stats` says
 * how many store calls it made.
 */
import { Auth } from "@auth/core"
import pg from "pg"
import Trakt, { traktDatabaseSessions, type TraktError } from "../../src/index.js"
import { postgresTokenStore } from "../../src/postgres.js"
import { serveOnLoopback } from "../../src/testing/node-server.js"
import { countingStore } from "./counting.js"
import { openDatabase, type AdapterKind } from "./schemas.js"

// What tsup defines at build time (the User-Agent's version); read only when a transport is made.
Object.assign(globalThis, { __VERSION__: "0.0.0-instance" })

const { ADAPTER, DATABASE_URL, STORE_URL, TRAKT_BASE_URL, AUTH_SECRET, CLIENT_ID, CLIENT_SECRET } = process.env
const trakt = { clientId: CLIENT_ID!, clientSecret: CLIENT_SECRET, baseUrl: TRAKT_BASE_URL }

const pool = (url: string) => {
  const created = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 2000 })
  created.on("error", () => {})
  return created
}
const database = openDatabase(ADAPTER as AdapterKind, DATABASE_URL!, pool(DATABASE_URL!))
const counted = STORE_URL ? countingStore(postgresTokenStore(pool(STORE_URL))) : undefined

const config = {
  secret: AUTH_SECRET,
  trustHost: true,
  basePath: "/auth",
  adapter: database.adapter,
  session: { strategy: "database" as const },
  providers: [Trakt(trakt)],
  ...traktDatabaseSessions({
    ...trakt,
    ...database.accounts,
    store: counted?.store,
    onError: (error: TraktError) => console.error(`trakt error: ${error.code} ${error.message}`),
  }),
}

const server = await serveOnLoopback(async (request) =>
  new URL(request.url).pathname === "/stats" ? Response.json(counted?.calls ?? {}) : Auth(request, config),
)
console.log(`listening ${server.url}`)
process.once("SIGTERM", () => void server.close().then(() => process.exit(0)))
