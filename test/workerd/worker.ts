/**
 * A Cloudflare Worker that signs in with Trakt: its configuration comes from
 * env bindings (there may be no `process`), `Auth()` answers `/auth/*` with
 * `traktJwt` refreshing the token, and an app route calls Trakt with the token
 * from the session cookie. docs/edge.md shows this file; workerd.test.ts runs it.
 */
import { Auth, type AuthConfig } from "@auth/core"
import { getToken } from "@auth/core/jwt"
import Trakt, { createTraktClient, traktJwt } from "authjs-trakt"

/** The Worker's env: its secrets and vars. */
export interface Env {
  AUTH_SECRET: string
  AUTH_TRAKT_ID: string
  AUTH_TRAKT_SECRET: string
  /** Where Trakt is: unset for Trakt itself, a local stand-in in tests. */
  TRAKT_BASE_URL?: string
}

type WatchlistItem = { type: "movie" | "show"; movie?: { title: string }; show?: { title: string } }

const credentials = (env: Env) => ({ clientId: env.AUTH_TRAKT_ID, clientSecret: env.AUTH_TRAKT_SECRET, baseUrl: env.TRAKT_BASE_URL })

const authConfig = (env: Env): AuthConfig => ({
  secret: env.AUTH_SECRET,
  trustHost: true,
  providers: [Trakt({ ...credentials(env), accountId: "uuid" })],
  callbacks: {
    // A Worker may have no process.env to default from: the refresh gets the credentials too.
    jwt: traktJwt(credentials(env)),
    // The page learns whether Trakt still accepts the sign-in; the tokens stay in the encrypted cookie.
    session: ({ session, token }) => ({ ...session, error: token.error }),
  },
})

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url)
    if (pathname.startsWith("/auth/")) return Auth(request, authConfig(env))
    if (pathname === "/api/watchlist") {
      // Auth.js prefixes the cookie's name with __Secure- over https only.
      const token = await getToken({ req: request, secret: env.AUTH_SECRET, secureCookie: request.url.startsWith("https:") })
      if (!token) return Response.json({ error: "not signed in" }, { status: 401 })
      const trakt = createTraktClient({ ...credentials(env), token })
      const titles: string[] = []
      for await (const item of trakt.paginate<WatchlistItem>("/users/me/watchlist", { limit: 10 }))
        titles.push(item.movie?.title ?? item.show!.title)
      // The data, never the token.
      return Response.json(titles)
    }
    return new Response("Not found", { status: 404 })
  },
}
