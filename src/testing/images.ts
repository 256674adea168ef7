/**
 * `/images/...`: the users' avatars. Trakt forbids hot-linking and its image
 * hosts refuse a foreign `Referer`, so the stand-in answers 403 to a `Referer`
 * or `Origin` other than its own: an app must fetch the image on its server.
 */
import { createHash } from "node:crypto"
import { findUser, type Context } from "./context.js"
import { avatarSvg } from "./users.js"

function foreign(value: string | null, origin: string): boolean {
  if (!value) return false
  try {
    return new URL(value).origin !== origin
  } catch {
    return true
  }
}

export function image(context: Context, request: Request, url: URL): Response | undefined {
  const avatar = /\/images\/users\/([^/]+)\/avatar\.svg$/.exec(url.pathname)
  if (!/\/images\//.test(url.pathname)) return undefined
  const h = request.headers
  if (foreign(h.get("referer"), url.origin) || foreign(h.get("origin"), url.origin)) {
    return new Response("Hot-linking is not allowed: cache the image on your server.", {
      status: 403,
      headers: { "content-type": "text/plain" },
    })
  }
  const entry = avatar && findUser(context, decodeURIComponent(avatar[1]!))
  if (!entry) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } })
  const svg = avatarSvg(entry.user.username)
  const etag = `"${createHash("sha256").update(svg).digest("base64url").slice(0, 27)}"`
  const headers = { etag, "cache-control": "public, max-age=86400" }
  const match = h.get("if-none-match")
  if (match && match.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) return new Response(null, { status: 304, headers })
  return new Response(svg, { headers: { ...headers, "content-type": "image/svg+xml" } })
}
