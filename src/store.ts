/** Where refreshed tokens are kept for other requests, instances and bundles to find. */

/**
 * A key-value store with expiry, shared by every instance of your app: Redis,
 * Upstash, Vercel KV, Cloudflare KV, a database table. An
 * [unstorage](https://unstorage.unjs.io) `Storage` fits as it is, on any of its
 * drivers; so does anything else with these two methods. Values are short
 * strings, already encrypted.
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
 */
export interface TraktTokenStore {
  /** The value stored under `key`, or `null` / `undefined` when there is none. */
  getItem(key: string): unknown
  /** Stores `value` under `key` for `ttl` seconds. */
  setItem(key: string, value: string, options: { ttl: number }): unknown
}

/**
 * The store every module copy of this package in one process shares when no
 * store is given: a bounded map, expiring on read.
 */
export class MemoryStore implements TraktTokenStore {
  private readonly items = new Map<string, { value: string; expires: number }>()

  constructor(private readonly limit: number) {}

  getItem(key: string): string | null {
    const item = this.items.get(key)
    if (item && item.expires > Date.now()) return item.value
    this.items.delete(key)
    return null
  }

  setItem(key: string, value: string, { ttl }: { ttl: number }): void {
    this.items.delete(key)
    this.items.set(key, { value, expires: Date.now() + ttl * 1000 })
    // Maps iterate in insertion order: the first key is the oldest write.
    if (this.items.size > this.limit) this.items.delete(this.items.keys().next().value!)
  }
}
