/**
 * The one bounded, expiring map this package keeps in memory, and the state
 * every copy of the package in a process shares.
 */

/**
 * A map whose entries expire after their own ttl and which never holds more
 * than `limit` of them: writing past the limit drops the oldest write. Reads
 * drop what has expired. The one eviction rule for everything kept in memory.
 */
export class BoundedCache<V> {
  protected readonly items = new Map<string, { value: V; expires: number }>()

  constructor(readonly limit: number) {}

  get(key: string): V | undefined {
    const item = this.items.get(key)
    if (item && item.expires > Date.now()) return item.value
    this.delete(key)
    return undefined
  }

  /** Keeps `value` under `key` for `ttl` seconds. */
  set(key: string, value: V, ttl: number): void {
    this.delete(key)
    this.items.set(key, { value, expires: Date.now() + ttl * 1000 })
    // Maps iterate in insertion order: the first key is the oldest write.
    while (this.items.size > this.limit || this.over()) this.delete(this.items.keys().next().value!)
  }

  delete(key: string): void {
    this.items.delete(key)
  }

  /** Whether a bound besides `limit` is passed: see {@link WeighedCache}. */
  protected over(): boolean {
    return false
  }
}

/**
 * A {@link BoundedCache} that also holds at most `maxWeight` in total, as
 * `weigh` counts it (bytes, say): the same rule, the oldest writes go first.
 */
export class WeighedCache<V> extends BoundedCache<V> {
  /** The total weight of what it holds. */
  weight = 0

  constructor(
    limit: number,
    readonly maxWeight: number,
    private readonly weigh: (value: V) => number,
  ) {
    super(limit)
  }

  override set(key: string, value: V, ttl: number): void {
    this.delete(key)
    this.weight += this.weigh(value)
    super.set(key, value, ttl)
  }

  override delete(key: string): void {
    const item = this.items.get(key)
    if (item) this.weight -= this.weigh(item.value)
    super.delete(key)
  }

  protected override over(): boolean {
    return this.weight > this.maxWeight
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
