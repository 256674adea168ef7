import { env } from "$env/dynamic/private"
import { traktAvatar } from "authjs-trakt"
import type { RequestHandler } from "./$types"

// The signed-in user's avatar, fetched from Trakt by the server (Trakt blocks hot-linked
// images). The URL comes from the session, never from the request.
export const GET: RequestHandler = async ({ request, locals }) => {
  const session = await locals.auth()
  return traktAvatar(session?.avatar, { request, name: session?.user?.name, baseUrl: env.TRAKT_BASE_URL })
}
