import { traktAvatar } from "authjs-trakt"
import { auth } from "@/auth"

// The signed-in user's avatar, fetched from Trakt by the server (Trakt blocks hot-linked
// images). The URL comes from the user row, through the session, never from the request.
export async function GET(request: Request) {
  const session = await auth()
  return traktAvatar(session?.avatar, { request, name: session?.user?.name, baseUrl: process.env.TRAKT_BASE_URL })
}
