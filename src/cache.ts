/**
 * The one bounded, expiring map this package keeps in memory, and the state
 * every copy of the package in a process shares.
 */

/**
 * A map whose entries expire after their own ttl and which never holds more
 * than `limit` of them, nor more than `maxWeight` in total as `weigh` counts
 * (bytes, say): writing past either bound drops the oldest writes. Reads drop
 * what has expired. The one eviction rule for everything kept in memory.
 */
export class BoundedCache<V> {
  private readonly items = new Map<string, { value: V; expires: number; weight: number }>()
  private total = 0

  constructor(
    readonly limit: number,
    readonly maxWeight = Infinity,
    private readonly weigh: (value: V) => number = () => 0,
  ) {}

  /** How many entries it holds, expired ones not yet dropped included. */
  get size(): number {
    return this.items.size
  }

  /** The total weight of what it holds. */
  get weight(): number {
    return this.total
  }

  get(key: string): V | undefined {
    const item = this.items.get(key)
    if (item && item.expires > Date.now()) return item.value
    this.delete(key)
    return undefined
  }

  /** Keeps `value` under `key` for `ttl` seconds. */
  set(key: string, value: V, ttl: number): void {
    this.delete(key)
    const weight = this.weigh(value)
    this.items.set(key, { value, expires: Date.now() + ttl * 1000, weight })
    this.total += weight
    // Maps iterate in insertion order: the first key is the oldest write.
    while (this.items.size > this.limit || this.total > this.maxWeight) this.delete(this.items.keys().next().value!)
  }

  delete(key: string): void {
    const item = this.items.get(key)
    if (!item) return
    this.total -= item.weight
    this.items.delete(key)
  }
}

/**
 * State shared by every copy of this package loaded in one process: Next.js
 * loads the proxy and the pages as separate bundles, and an app may load both
 * the ESM and the CJS build. Keyed by a registered symbol, versioned by `name`.
 */
export function processState<T>(name: string, create: () => T): T {
  const key = Symbol.for(`authjs-trakt.${name}`)
  const global = globalThis as { [key: symbol]: T | undefined }
  return (global[key] ??= create())
}

/** @internal For tests: forgets the state `processState(name)` holds, as a new process would. */
export const forgetProcessState = (name: string) => delete (globalThis as Record<symbol, unknown>)[Symbol.for(`authjs-trakt.${name}`)]
