/** The shared store an app may give: where refreshed tokens (and avatars) are kept for other requests, instances and bundles to find. */
import { argumentError, TraktError } from "./errors.js"
import { withDeadline } from "./util/time.js"

/**
 * A key-value store with expiry, shared by every instance of your app: Redis,
 * Upstash, Vercel KV, Cloudflare KV, a database table. An
 * [unstorage](https://unstorage.unjs.io) `Storage` fits as it is, on any of its
 * drivers; so does anything else with `getItem` and `setItem`. Values are
 * short strings, already encrypted; keys are hashes.
 *
 * Two optional methods make the refresh lock exact instead of timed: with
 * `setItemIfAbsent` (atomic, such as Redis `SET NX`) and `removeItem`, one
 * instance claims a refresh in one round trip and a failed one hands over at
 * once; without them, a claim is settled by waiting and reading it back.
 *
 * @example
 * Redis through unstorage, for every instance of the app:
 * ```ts
 * import { createStorage } from "unstorage"
 * import redisDriver from "unstorage/drivers/redis"
 * import type { TraktTokenStore } from "authjs-trakt"
 *
 * export const store: TraktTokenStore = createStorage({ driver: redisDriver({ url: "redis://localhost:6379" }) })
 * ```
 *
 * @example
 * The same with an exact lock, on ioredis:
 * ```ts
 * import Redis from "ioredis"
 * import type { TraktTokenStore } from "authjs-trakt"
 *
 * const redis = new Redis("redis://localhost:6379")
 * export const store: TraktTokenStore = {
 *   getItem: (key) => redis.get(key),
 *   setItem: (key, value, { ttl }) => redis.set(key, value, "EX", ttl),
 *   setItemIfAbsent: async (key, value, { ttl }) => (await redis.set(key, value, "EX", ttl, "NX")) === "OK",
 *   removeItem: (key) => redis.del(key),
 * }
 * ```
 */
export interface TraktStore {
  /** The value stored under `key`, or `null` / `undefined` when there is none. */
  getItem(key: string): unknown
  /** Stores `value` under `key` for `ttl` seconds. */
  setItem(key: string, value: string, options: { ttl: number }): unknown
  /**
   * Optional: stores `value` under `key` for `ttl` seconds only if no live
   * value is there, atomically, and says whether it did. Used only together
   * with `removeItem`.
   */
  setItemIfAbsent?(key: string, value: string, options: { ttl: number }): boolean | Promise<boolean>
  /** Optional: removes `key`. */
  removeItem?(key: string): unknown
}

/**
 * The same as {@link TraktStore}: its name until 0.2, when the avatar route came to
 * use the same store.
 * @deprecated Use {@link TraktStore}.
 */
export type TraktTokenStore = TraktStore

/** Checks a `store` option: anything with `getItem` and `setItem`. */
export function checkStore(store: unknown): void {
  const methods = store as TraktStore | undefined
  if (store !== undefined && !(typeof methods?.getItem === "function" && typeof methods.setItem === "function")) {
    throw argumentError("store", "must have getItem and setItem (an unstorage Storage, say)")
  }
}

/**
 * One store call, given at most `ms` milliseconds; any failure becomes a
 * `STORE_ERROR`. The store's own message stays in `cause`: it may name hosts
 * or credentials.
 */
export async function storeCall<T>(what: "read" | "write", call: () => T, ms: number): Promise<Awaited<T>> {
  const slow = new Error("no answer in time")
  try {
    return await withDeadline(call, ms, () => slow)
  } catch (cause) {
    const reason = cause === slow ? ": no answer within the timeout" : ""
    throw new TraktError("STORE_ERROR", `the token store failed to ${what}${reason}`, { cause })
  }
}
