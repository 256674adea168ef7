/**
 * One server instance of a Better Auth app, as a separate Node process: the
 * Trakt plugin on a real PostgreSQL, talking to the Trakt stand-in over
 * loopback. It runs the app three times, once per refresh store (each its own
 * `betterAuth()`, all on the same database, so one sign-in serves all three),
 * and serves, like an app's routes do on the server:
 * - `/api/auth/*`: Better Auth's handler (signing in);
 * - `POST /token?store=<kind>` `{ accountId }`: `auth.api.getAccessToken` with
 *   the request's cookies; `{ accessToken }` or the error's status and code;
 * - `GET /client?store=<kind>`: `traktClient(auth, { headers })`, then
 *   `GET /users/settings` at Trakt;
 * - `GET /heard?store=<kind>`: the codes `onError` heard since the last ask.
 * The package's source, run by tsx; configured by the environment; prints
 * `listening <url>` when ready.
 */
import { isAPIError } from "better-auth/api"
import pg from "pg"
import { findTraktError, traktClient } from "../../src/better-auth.js"
import { serveOnLoopback } from "../../src/testing/node-server.js"
import { makeApp, STORES, type StoreKind } from "./better-auth-app.js"

// What tsup defines at build time (the User-Agent's version); read only when a transport is made.
Object.assign(globalThis, { __VERSION__: "0.0.0-instance" })

const { DATABASE_URL, TRAKT_BASE_URL } = process.env
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10, connectionTimeoutMillis: 2000 })
pool.on("error", () => {})

const heard = new Map<StoreKind, string[]>(STORES.map((store) => [store, []]))
const apps = new Map(
  STORES.map((store) => [
    store,
    makeApp(pool, TRAKT_BASE_URL!, store, {
      onError: (error) => void heard.get(store)!.push(error.code),
    }),
  ]),
)

async function answer(request: Request): Promise<Response> {
  const url = new URL(request.url)
  if (url.pathname.startsWith("/api/auth/")) return apps.get("better-auth")!.handler(request)
  const store = url.searchParams.get("store") as StoreKind
  const auth = apps.get(store)
  if (!auth) return Response.json({ error: "no such store" }, { status: 404 })
  try {
    if (url.pathname === "/token") {
      const { accountId } = (await request.json()) as { accountId: string }
      const { accessToken } = await auth.api.getAccessToken({ body: { accountId }, headers: request.headers })
      return Response.json({ accessToken })
    }
    if (url.pathname === "/client") {
      const client = await traktClient(auth, { headers: request.headers })
      const settings = await client.get<{ user: { username: string } }>("/users/settings")
      return Response.json({ username: settings.user.username })
    }
    if (url.pathname === "/heard") return Response.json(heard.get(store)!.splice(0))
  } catch (error) {
    const body = isAPIError(error)
      ? { status: error.statusCode, ...(error.body as object) }
      : { status: 500, code: findTraktError(error)?.code ?? String(error) }
    return Response.json(body, { status: body.status })
  }
  return Response.json({ error: "not found" }, { status: 404 })
}

await Promise.all([...apps.values()].map((auth) => auth.$context))
const server = await serveOnLoopback(answer)
console.log(`listening ${server.url}`)
process.once(
  "SIGTERM",
  () =>
    void server
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
)
