/**
 * Where fetched avatars are kept: in this process's memory (bounded in entries
 * and bytes), and in a shared store when the app gives one, so that several
 * instances fetch each avatar once between them.
 */
import { fromBase64, toBase64 } from "../util/bytes.js"
import { processState, WeighedCache } from "../util/memory.js"

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

/**
 * An avatar as a store keeps it: a string, since stores hold strings (and not
 * JSON: unstorage parses JSON on read): `v1 <type> <etag> <base64 bytes>`.
 */
export function encodeAvatar({ type, etag, body }: Avatar): string {
  return `v1 ${type} ${etag} ${toBase64(body)}`
}

/** What {@link encodeAvatar} made, or undefined for anything else (nothing, garbage, another version). */
export function decodeAvatar(value: unknown): Avatar | undefined {
  const [version, type, etag, data] = typeof value == "string" ? value.split(" ") : []
  try {
    if (version == "v1" && type && etag) return { type, etag, body: fromBase64(data!) }
  } catch {}
  return undefined
}
