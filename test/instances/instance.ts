/**
 * One server instance of an app, as a separate Node process: Auth() with this
 * package as installed (the built dist/), JWT sessions with traktJwt or
 * database sessions with the README's recipe, a token store on Redis through
 * unstorage (or none), talking to the Trakt stand-in over loopback.
 * Configured by the environment; prints `listening <url>` when ready.
 */
import { Auth, type AuthConfig } from "@auth/core"
import type { AdapterAccount } from "@auth/core/adapters"
import { UnstorageAdapter } from "@auth/unstorage-adapter"
import Trakt, { refreshTraktAccount, traktJwt, type TraktError } from "authjs-trakt"
import { createStorage } from "unstorage"
import redisDriver from "unstorage/drivers/redis"
import { serveHandler } from "../../fake-trakt/http.js"

const { MODE, REDIS_URL, STORE, TRAKT_BASE_URL, AUTH_SECRET, CLIENT_ID, CLIENT_SECRET } = process.env
const trakt = { clientId: CLIENT_ID!, clientSecret: CLIENT_SECRET, baseUrl: TRAKT_BASE_URL }
const redis = (base: string) => createStorage({ driver: redisDriver({ url: REDIS_URL, base }) })
const store = STORE === "redis" ? redis("tokens") : undefined
const onError = (error: TraktError) => console.error(`trakt error: ${error.code} ${error.message}`)

function jwtApp(): AuthConfig {
  return {
    secret: AUTH_SECRET,
    trustHost: true,
    basePath: "/auth",
    providers: [Trakt(trakt)],
    callbacks: {
      jwt: traktJwt({ ...trakt, store, onError }),
      session: ({ session, token }) => ({ ...session, error: token.error, accessToken: token.access_token }),
    },
  }
}

/** The README's database recipe, with Redis as both the database and the token store. */
function databaseApp(): AuthConfig {
  const database = redis("db")
  const adapter = UnstorageAdapter(database)

  async function traktAccount(userId: string) {
    const key = await database.getItem<string>(`user:account:by-user-id:${userId}`)
    const account = key ? await database.getItem<AdapterAccount>(key) : null
    return account?.provider === "trakt" ? account : null
  }

  async function saveTokens(account: AdapterAccount, tokens: { access_token?: string; refresh_token?: string; expires_at?: number }) {
    const { access_token, refresh_token, expires_at } = tokens
    await adapter.linkAccount!({ ...account, access_token, refresh_token, expires_at })
  }

  return {
    secret: AUTH_SECRET,
    trustHost: true,
    basePath: "/auth",
    adapter,
    session: { strategy: "database" },
    providers: [Trakt(trakt)],
    callbacks: {
      async session({ session, user }) {
        const account = await traktAccount(user.id)
        if (!account) return session
        try {
          const fresh = await refreshTraktAccount(account, { ...trakt, store, onError, reload: () => traktAccount(user.id) })
          if (fresh) await saveTokens(account, fresh)
          return { ...session, accessToken: (fresh ?? account).access_token }
        } catch {
          return { ...session, error: "RefreshTokenError" as const }
        }
      },
    },
  }
}

const config = MODE === "database" ? databaseApp() : jwtApp()
const server = await serveHandler((request) => Auth(request, config))
console.log(`listening ${server.url}`)
process.once("SIGTERM", () => void server.close().then(() => process.exit(0)))
