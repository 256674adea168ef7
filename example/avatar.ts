/**
 * Trakt forbids hot-linking its images, so the demo never points the browser
 * at Trakt's image hosts: it fetches the avatar on the server once, keeps it,
 * and serves its own copy from /avatar.
 */
import type { Request as ExpressRequest, Response as ExpressResponse } from "express"

const cache = new Map<string, { body: Buffer; type: string }>()

export async function serveAvatar(imageUrl: string | null | undefined, res: ExpressResponse, userAgent: string) {
  if (!imageUrl) return void res.sendStatus(404)
  let cached = cache.get(imageUrl)
  if (!cached) {
    const upstream = await fetch(imageUrl, { headers: { "user-agent": userAgent }, signal: AbortSignal.timeout(10_000) })
    if (!upstream.ok) return void res.sendStatus(502)
    cached = { body: Buffer.from(await upstream.arrayBuffer()), type: upstream.headers.get("content-type") ?? "image/jpeg" }
    cache.set(imageUrl, cached)
  }
  res.set({ "content-type": cached.type, "cache-control": "private, max-age=3600" }).send(cached.body)
}

export type { ExpressRequest }
