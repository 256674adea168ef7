/**
 * The token stores the instances share on Redis: unstorage's driver (get and
 * set only, so the lock is Fischer's), or a few lines over ioredis that add
 * the optional atomic `setItemIfAbsent` (`SET NX EX`) and `removeItem`
 * (`DEL`), as docs/refresh.md shows. The cluster writes into the same stores
 * to stage faults (a dead instance's claim).
 */
import { Redis } from "ioredis"
import { createStorage } from "unstorage"
import redisDriver from "unstorage/drivers/redis"
import type { TraktStore } from "authjs-trakt"

export type StoreKind = "unstorage" | "set-if-absent"

export interface SharedStore extends TraktStore {
  close(): Promise<unknown>
}

export function redisStore(kind: StoreKind, url: string): SharedStore {
  if (kind === "unstorage") {
    const storage = createStorage({ driver: redisDriver({ url, base: "tokens" }) })
    return Object.assign(storage, { close: () => storage.dispose() })
  }
  const redis = new Redis(url, { keyPrefix: "exact-tokens:" })
  return {
    getItem: (key) => redis.get(key),
    setItem: (key, value, { ttl }) => redis.set(key, value, "EX", ttl),
    setItemIfAbsent: async (key, value, { ttl }) => (await redis.set(key, value, "EX", ttl, "NX")) === "OK",
    removeItem: (key) => redis.del(key),
    close: () => redis.quit(),
  }
}
