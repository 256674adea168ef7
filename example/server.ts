/**
 * `npm run demo`: "Sign in with Trakt" on Express with @auth/express.
 *
 * Without Trakt credentials it also starts a stand-in for Trakt on loopback and
 * points the provider at it with `baseUrl`, so the whole flow runs with no
 * Trakt app and no network. With AUTH_TRAKT_ID / AUTH_TRAKT_SECRET (in the
 * environment or .env) it signs in against real Trakt; TRAKT_BASE_URL picks
 * staging. PORT (default 3000) moves it; PORT=0 takes any free port.
 */
import { existsSync } from "node:fs"
import { randomBytes } from "node:crypto"
import { pathToFileURL } from "node:url"
import type { AuthConfig } from "@auth/core"
import { ExpressAuth, getSession } from "@auth/express"
import Trakt, { traktAvatar, traktJwt, type TraktUser } from "authjs-trakt"
import express, { type Response as ExpressResponse } from "express"
import { startTraktStandIn } from "authjs-trakt/testing"
import { renderPage, type DemoUser } from "./page.js"

const USER_AGENT = "authjs-trakt-demo/1.0.0"

if (existsSync(".env")) process.loadEnvFile(".env")

/** Writes a Web Response through Express's. */
async function send(res: ExpressResponse, response: Response) {
  res.status(response.status)
  response.headers.forEach((value, name) => res.setHeader(name, value))
  res.end(Buffer.from(await response.arrayBuffer()))
}

/** Starts the demo; resolves once it listens. */
export async function startDemo(port = Number(process.env.PORT ?? 3000)) {
  const app = express()
  const server = await new Promise<import("node:http").Server>((resolve, reject) => {
    const listening = app.listen(port, (error?: Error) => (error ? reject(error) : resolve(listening)))
  }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === "EADDRINUSE" ? new Error(`port ${port} is in use: set PORT to a free one`) : error
  })
  const { port: actualPort } = server.address() as import("node:net").AddressInfo
  const origin = `http://localhost:${actualPort}`

  // Auth.js's names, or the demo's older TRAKT_CLIENT_* ones.
  let clientId = process.env.AUTH_TRAKT_ID || process.env.TRAKT_CLIENT_ID
  let clientSecret = process.env.AUTH_TRAKT_SECRET || process.env.TRAKT_CLIENT_SECRET
  let baseUrl = process.env.TRAKT_BASE_URL
  let stopStandIn = async () => {}
  let mode = `Real Trakt${baseUrl ? ` at ${baseUrl}` : ""}, app ${clientId}`
  if (!clientId) {
    // No Trakt app: the stand-in plays Trakt, strict where Trakt is strict.
    clientId = "demo-client-id"
    clientSecret = "demo-client-secret"
    // The package's own stand-in (authjs-trakt/testing), as an app's tests use it.
    // Its user's avatar is served by the stand-in itself, and refuses hot-linking.
    const trakt = await startTraktStandIn({
      clients: [
        {
          id: clientId,
          secret: clientSecret,
          name: "authjs-trakt demo",
          redirectUris: [`${origin}/auth/callback/trakt`, `http://127.0.0.1:${actualPort}/auth/callback/trakt`],
        },
      ],
      approve: "page",
    })
    baseUrl = trakt.url
    stopStandIn = () => trakt.stop()
    mode = `Local Trakt stand-in at ${trakt.url} (set AUTH_TRAKT_ID to use real Trakt)`
  }

  const rotate = traktJwt({ clientId, clientSecret, baseUrl, userAgent: USER_AGENT, redirectUri: `${origin}/auth/callback/trakt` })
  const authConfig: AuthConfig = {
    // A throwaway secret is fine for a demo; a real app sets AUTH_SECRET.
    secret: process.env.AUTH_SECRET || randomBytes(32).toString("hex"),
    trustHost: true,
    // user.image is the demo's own /avatar: Trakt refuses hot-linked images.
    providers: [Trakt({ clientId, clientSecret, baseUrl, accountId: "uuid", userAgent: USER_AGENT, avatarUrl: "/avatar" })],
    // Errors (a "Deny" at Trakt, say) come back to the demo's own page as ?error=.
    pages: { signIn: "/", error: "/" },
    callbacks: {
      async jwt(params) {
        const token = await rotate(params)
        const profile = params.profile as TraktUser | undefined
        if (profile) {
          const { username, vip, slug, ids } = profile
          token.trakt = { username, vip, slug, accountId: ids.uuid }
        }
        return token
      },
      session: ({ session, token }) => ({ ...session, ...(token.trakt as object), avatar: token.avatar, expiresAt: token.expires_at, error: token.error }),
    },
  }

  app.set("trust proxy", true)
  app.use("/auth", ExpressAuth(authConfig))
  app.get("/", async (req, res) => {
    const session = (await getSession(req, authConfig)) as (DemoUser & { user?: { name?: string } }) | null
    const user = session?.username ? { ...session, name: session.user?.name ?? session.username } : undefined
    const error = typeof req.query.error === "string" ? req.query.error : undefined
    res.type("html").send(renderPage({ user, error, mode }))
  })
  // The avatar, fetched and cached by the server (traktAvatar), from the URL
  // the session holds: the route never takes a URL from the request.
  app.get("/avatar", async (req, res, next) => {
    try {
      const session = await getSession(req, authConfig)
      const request = new Request(`${origin}/avatar`, { headers: { "if-none-match": req.get("if-none-match") ?? "" } })
      const options = { request, name: session?.user?.name, baseUrl, userAgent: USER_AGENT }
      await send(res, await traktAvatar(session?.avatar as string | undefined, options))
    } catch (error) {
      next(error)
    }
  })

  return {
    url: origin,
    mode,
    async close() {
      await new Promise((done) => server.close(done))
      await stopStandIn()
    },
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const demo = await startDemo().catch((error: Error) => {
    console.error(`authjs-trakt demo: ${error.message}`)
    process.exit(1)
  })
  console.log(`authjs-trakt demo: ${demo.url}`)
  console.log(demo.mode)
  const stop = () => void demo.close().then(() => process.exit(0))
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}
