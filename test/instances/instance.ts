/**
 * One server instance of an app, as a separate Node process: Auth() with this
 * package as installed (the built dist/), JWT sessions with traktJwt or
 * database sessions with the docs' recipe (traktDatabaseSessions), a token store on Redis
 * (through unstorage, or ioredis with `setItemIfAbsent`; or none), talking to the Trakt
 * stand-in over loopback. With JWT sessions, an app route `GET /api/stats` too, as
 * docs/client.md writes one: the JWT read on the server, createTraktClient with the same
 * store, the user's stats answered (never the token). In `client` mode the session
 * carries no token either, as the docs tell an app. Configured by the environment;
 * prints `listening <url>` when ready.
 */
import { Auth, type AuthConfig } from "@auth/core"
import { getToken } from "@auth/core/jwt"
import * as authjsTrakt from "authjs-trakt"
import Trakt, { createTraktClient, traktJwt, type TraktError } from "authjs-trakt"
import { createStorage } from "unstorage"
import redisDriver from "unstorage/drivers/redis"
// The stand-in's own loopback server (Node's http, nothing else) serves the app too.
import { serveOnLoopback } from "../../src/testing/node-server.js"
import { databaseRecipe } from "../support/database-recipe.js"
import { redisStore, type StoreKind } from "./stores.js"

const { MODE, REDIS_URL, STORE, TIMEOUT, USER_AGENT, TRAKT_BASE_URL, AUTH_SECRET, CLIENT_ID, CLIENT_SECRET } = process.env
const trakt = { clientId: CLIENT_ID!, clientSecret: CLIENT_SECRET, baseUrl: TRAKT_BASE_URL }
const redis = (base: string) => createStorage({ driver: redisDriver({ url: REDIS_URL, base }) })
const store = STORE && STORE !== "none" ? redisStore(STORE as StoreKind, REDIS_URL!) : undefined
const timeout = TIMEOUT ? Number(TIMEOUT) : undefined
// Names the instance to the Trakt stand-in, which may kill the one that sent a refresh.
const userAgent = USER_AGENT || undefined
const onError = (error: TraktError) => console.error(`trakt error: ${error.code} ${error.message}`)

function jwtApp(): AuthConfig {
  return {
    secret: AUTH_SECRET,
    trustHost: true,
    basePath: "/auth",
    providers: [Trakt(trakt)],
    callbacks: {
      jwt: traktJwt({ ...trakt, timeout, userAgent, store, onError }),
      // The older trials read the token from the session to check it at Trakt; `client` mode keeps it on the server.
      session: ({ session, token }) =>
        MODE === "client" ? { ...session, error: token.error } : { ...session, error: token.error, accessToken: token.access_token },
    },
  }
}

/** The docs' database recipe, with Redis as both the database and the token store. */
function databaseApp(): AuthConfig {
  const recipe = databaseRecipe(authjsTrakt, redis("db"), store, trakt, { ...trakt, timeout, userAgent, onError })
  return { secret: AUTH_SECRET, trustHost: true, basePath: "/auth", ...recipe }
}

/**
 * `GET /api/stats`: the user's Trakt stats, by docs/client.md's server route. The
 * client's User-Agent says "client", so the stand-in can tell whose refresh it got.
 */
async function stats(request: Request): Promise<Response> {
  const token = await getToken({ req: request, secret: AUTH_SECRET, secureCookie: false })
  if (!token) return Response.json({ error: "not signed in" }, { status: 401 })
  const client = createTraktClient({ ...trakt, token, store, timeout, userAgent: userAgent && `${userAgent} client`, onError })
  try {
    return Response.json(await client.get("/users/me/stats"))
  } catch (error) {
    // The code only: a TraktError never carries a token, and neither does this.
    return Response.json({ error: (error as TraktError).code ?? "failed" }, { status: 502 })
  }
}

const config = MODE === "database" ? databaseApp() : jwtApp()
const server = await serveOnLoopback((request) =>
  MODE !== "database" && new URL(request.url).pathname === "/api/stats" ? stats(request) : Auth(request, config),
)
// The pid is this process's, not tsx's wrapper's: the cluster may kill it, as a crash would.
console.log(`listening ${server.url} pid ${process.pid}`)
process.once("SIGTERM", () => void server.close().then(() => process.exit(0)))
