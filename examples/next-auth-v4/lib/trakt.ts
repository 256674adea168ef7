import { getToken } from "next-auth/jwt"
import { createTraktClient } from "authjs-trakt/next-auth-v4"

/** The signed-in user's Trakt client: `context.req` in getServerSideProps, `req` in an API route. */
export async function traktFor(req: Parameters<typeof getToken>[0]["req"]) {
  // The token is read here, on the server, and stays here: pages get the data, never the token.
  return createTraktClient({
    token: await getToken({ req }),
    clientId: process.env.AUTH_TRAKT_ID,
    clientSecret: process.env.AUTH_TRAKT_SECRET,
    baseUrl: process.env.TRAKT_BASE_URL,
  })
}
