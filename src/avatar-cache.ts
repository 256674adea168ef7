/**
 * Where fetched avatars are kept: in this process's memory (bounded in entries
 * and bytes), and in a shared store when the app gives one, so that several
 * instances fetch each avatar once between them.
 */
import { processState, WeighedCache } from "./cache.js"

/** An avatar as it is served: its bytes, their type, and their ETag. */
export interface Avatar {
  type: string
  body: Uint8Array<ArrayBuffer>
  etag: string
}

/**
 * @internal The memory cache for these bounds, shared by every call with them
 * in every copy of the package. It holds an {@link Avatar} per URL, or `null`
 * for one whose fetch failed a moment ago: a hung or refusing Trakt is not
 * asked again by every request meanwhile.
 */
export function avatarCache(entries: number, bytes: number): WeighedCache<Avatar | null> {
  const caches = processState("avatars.v1", () => new Map<string, WeighedCache<Avatar | null>>())
  const bounds = `${entries}/${bytes}`
  let cache = caches.get(bounds)
  if (!cache) caches.set(bounds, (cache = new WeighedCache<Avatar | null>(entries, bytes, (avatar) => avatar?.body.length ?? 0)))
  return cache
}

/** Hex SHA-256 of `data`: the ETag of an avatar's bytes, and (of its URL) its store key. */
export async function sha256(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", typeof data == "string" ? new TextEncoder().encode(data) : data)
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("")
}

/**
 * An avatar as a store keeps it: a string, since stores hold strings (and not
 * JSON: unstorage parses JSON on read): `v1 <type> <etag> <base64 bytes>`.
 */
export function encodeAvatar({ type, etag, body }: Avatar): string {
  let binary = ""
  // In slices: spreading a megabyte into one call overflows the stack.
  for (let i = 0; i < body.length; i += 8192) binary += String.fromCharCode(...body.subarray(i, i + 8192))
  return `v1 ${type} ${etag} ${btoa(binary)}`
}

/** What {@link encodeAvatar} made, or undefined for anything else (nothing, garbage, another version). */
export function decodeAvatar(value: unknown): Avatar | undefined {
  const [version, type, etag, data] = typeof value == "string" ? value.split(" ") : []
  try {
    if (version == "v1" && type && etag) return { type, etag, body: Uint8Array.from(atob(data!), (char) => char.charCodeAt(0)) }
  } catch {}
  return undefined
}
