import { createTraktClient } from "authjs-trakt"
import { getToken } from "next-auth/jwt"
import { headers } from "next/headers"

/** The signed-in user's Trakt client, in a server component, a route handler or a server action. */
export async function traktFor() {
  const req = { headers: await headers() }
  const secret = process.env.AUTH_SECRET
  // Auth.js names the cookie `__Secure-authjs.session-token` over https, `authjs.session-token` over http.
  const token = (await getToken({ req, secret, secureCookie: true })) ?? (await getToken({ req, secret }))
  // The token is read here, on the server, and stays here: pages get the data, never the token.
  return createTraktClient({ token, baseUrl: process.env.TRAKT_BASE_URL })
}
