/**
 * Where fetched avatars are kept: in this process's memory (bounded in entries
 * and bytes), and in a shared store when the app gives one, so that several
 * instances fetch each avatar once between them.
 */
import { BoundedCache, processState } from "./cache.js"

/** An avatar as it is served: its bytes, their type, and their ETag. */
export interface Avatar {
  type: string
  body: Uint8Array<ArrayBuffer>
  etag: string
}

/**
 * What memory holds per avatar URL: the avatar, or `null` for one whose fetch
 * failed a moment ago (so a hung or refusing Trakt is not asked again by every
 * request; the placeholder stands in meanwhile).
 */
export type Kept = Avatar | null

/** @internal Avatar caches by their bounds: every call with the same bounds, in every copy of the package, shares one. */
export const avatarCache = (entries: number, bytes: number) => {
  const caches = processState("avatars.v1", () => new Map<string, BoundedCache<Kept>>())
  const bounds = `${entries}/${bytes}`
  let cache = caches.get(bounds)
  if (!cache) caches.set(bounds, (cache = new BoundedCache<Kept>(entries, bytes, (kept) => kept?.body.byteLength ?? 0)))
  return cache
}

/** Fetches under way, by URL: concurrent requests for one avatar share one fetch. */
export const avatarFetches = () => processState("avatar-fetches.v1", () => new Map<string, Promise<Avatar>>())

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("")

/** Hex SHA-256 of `data`. */
export const sha256 = async (data: string | Uint8Array<ArrayBuffer>) =>
  hex(await crypto.subtle.digest("SHA-256", typeof data === "string" ? new TextEncoder().encode(data) : (data as Uint8Array<ArrayBuffer>)))

/** The store key of an avatar URL: a hash, as every key this package writes. */
export const storeKey = async (url: string) => `authjs-trakt:avatar:${await sha256(url)}`

/**
 * An avatar as a store keeps it: a string (stores hold strings), not JSON
 * (unstorage parses JSON on read): `v1 <type> <etag> <base64 bytes>`.
 */
export function encodeAvatar({ type, etag, body }: Avatar): string {
  let binary = ""
  // In slices: spreading a megabyte into one call overflows the stack.
  for (let i = 0; i < body.length; i += 0x8000) binary += String.fromCharCode(...body.subarray(i, i + 0x8000))
  return `v1 ${type} ${etag} ${btoa(binary)}`
}

/** What {@link encodeAvatar} made, or null for anything else (another version, garbage, nothing). */
export function decodeAvatar(value: unknown): Avatar | null {
  const [version, type, etag, data] = typeof value === "string" ? value.split(" ") : []
  if (version !== "v1" || !type || !etag || data === undefined) return null
  try {
    return { type, etag, body: Uint8Array.from(atob(data), (char) => char.charCodeAt(0)) }
  } catch {
    return null
  }
}
