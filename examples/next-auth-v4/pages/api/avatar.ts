import type { NextApiRequest, NextApiResponse } from "next"
import { getServerSession } from "next-auth"
import { traktAvatar } from "authjs-trakt/next-auth-v4"
import { authOptions } from "./auth/[...nextauth]"

// The signed-in user's avatar, fetched from Trakt by the server (Trakt blocks hot-linked
// images). The URL comes from the session, never from the request.
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await getServerSession(req, res, authOptions)
  // Only what traktAvatar reads of the request: If-None-Match.
  const request = new Request("http://localhost/api/avatar", { headers: { "if-none-match": req.headers["if-none-match"] ?? "" } })
  const response = await traktAvatar(session?.avatar, { request, name: session?.user?.name, baseUrl: process.env.TRAKT_BASE_URL })
  // A Web Response, written through Node's response.
  res.status(response.status)
  response.headers.forEach((value, name) => res.setHeader(name, value))
  res.end(Buffer.from(await response.arrayBuffer()))
}
