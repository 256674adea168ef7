import { getToken } from "@auth/core/jwt"
import { createTraktClient } from "authjs-trakt"

type Env = Record<string, string | undefined>

/** The signed-in user's Trakt client, in a server `load` or a `+server.ts` handler: `await traktFor(event, env)`. */
export async function traktFor(event: { request: Request; url: URL }, env: Env) {
  const token = await getToken({ req: event.request, secret: env.AUTH_SECRET, secureCookie: event.url.protocol === "https:" })
  // The token is read here, on the server, and stays here: pages get the data, never the token.
  return createTraktClient({ token, clientId: env.AUTH_TRAKT_ID, clientSecret: env.AUTH_TRAKT_SECRET, baseUrl: env.TRAKT_BASE_URL })
}
