/**
 * The store's lock on one refresh: which instance spends a refresh token.
 *
 * - With `setItemIfAbsent` and `removeItem` (Redis `SET NX`, a database's
 *   `INSERT ... ON CONFLICT DO NOTHING`), a claim is one atomic call.
 * - With `getItem` and `setItem` alone, a claim is Fischer's: read it free,
 *   write our claim, wait longer than a rival's write takes, read it back.
 *
 * A claim lives at most `timeout / 2` ({@link lockTtl}), measured by each
 * waiter on its own monotonic clock from when it first saw the claim, so
 * clocks that disagree between instances do not matter. A holder that fails
 * releases the claim at once (its own only: it may have been taken over); one
 * that died is taken over once its claim has stood unchanged for that long,
 * by one waiter (with `setItemIfAbsent`, the one that claims the right to
 * clear it). A holder that succeeds leaves the claim to expire: its result,
 * which waiters read first, is what settles it.
 *
 * Correctness never rests on the lock alone: should two instances spend one
 * token anyway, the one Trakt refuses finds the other's result (rotation.ts).
 */
import type { SealKey } from "./seal.js"
import { sleep } from "../util/time.js"
import type { TraktStore } from "../store.js"
import type { TraktError } from "../errors.js"
import type { TraktTokenSet } from "../tokens.js"

/** What the lock needs of the rotation it serves. */
export interface LockContext {
  readonly key: SealKey
  readonly store: TraktStore | undefined
  /** The rotation's `timeout`, in ms. */
  readonly timeout: number
  now(): number
  /** Milliseconds left before the rotation's deadline. */
  left(): number
  /** One store call within the time left; throws `STORE_ERROR`, or `TIMEOUT` when the deadline comes first. */
  call<T>(what: "read" | "write", call: () => T, until?: number): Promise<Awaited<T>>
  outOfTime(): TraktError
}

/** The outcome of trying to claim: held (with a way to let go), or held by someone else. */
export type Claim = { held: true; release: () => Promise<void> } | { held: false; value: string }

/** What watching another instance's claim came to. */
export type Watched = { done: TraktTokenSet } | { free: true } | { stale: string }

const LOCK = "authjs-trakt:lock:"
const RELEASED = "released"

/** Milliseconds a claim outlives a holder that died: documented as `timeout / 2`. */
export const lockTtl = (timeout: number) => timeout / 2

const isLive = (value: unknown): value is string => typeof value === "string" && value !== "" && value !== RELEASED

/**
 * Claims the lock for this rotation. `stale` is a claim seen standing for
 * {@link lockTtl}: its holder is taken to be dead, and it counts as free.
 */
export function claimLock(ctx: LockContext, stale?: string): Promise<Claim> {
  const store = ctx.store!
  const lockKey = LOCK + ctx.key.id
  const me = crypto.randomUUID()
  const exact = !!(store.setItemIfAbsent && store.removeItem)
  // Letting go gets a moment past the deadline: a failed holder's release is what lets the next one go at once.
  const release = async (until = Math.max(ctx.now() + 250, ctx.now() + ctx.left())) => {
    // Only our own claim: a slow holder's may have been taken over, and
    // clearing the new holder's would let every waiter spend the token.
    if ((await ctx.call("read", () => store.getItem(lockKey), until)) !== me) return
    await ctx.call("write", () => (exact ? store.removeItem!(lockKey) : store.setItem(lockKey, RELEASED, { ttl: 1 })), until)
  }
  // A claim we may have made, but whose outcome we cannot wait for (out of
  // time, the store failed) is let go: left standing, it would hold up the
  // next request for timeout / 2. Briefly: a store that just failed may hang.
  const abandon = async (error: unknown): Promise<never> => {
    await release(ctx.now() + 250).catch(() => {})
    throw error
  }
  const ttl = { ttl: Math.max(1, Math.ceil(lockTtl(ctx.timeout) / 1000)) }
  return (exact ? claimAtomically : claimByWaiting)({ ctx, store, lockKey, me, ttl, release, abandon }, stale)
}

/** One claim under way: the lock's key, the claimant's own value, the claim's ttl, and how to let go. */
interface Claiming {
  ctx: LockContext
  store: TraktStore
  lockKey: string
  me: string
  ttl: { ttl: number }
  release: () => Promise<void>
  abandon: (error: unknown) => Promise<never>
}

/** With `setItemIfAbsent` and `removeItem`: a claim is one atomic call. */
async function claimAtomically({ ctx, store, lockKey, me, ttl, release, abandon }: Claiming, stale?: string): Promise<Claim> {
  for (;;) {
    if (await ctx.call("write", () => store.setItemIfAbsent!(lockKey, me, ttl)).catch(abandon)) return { held: true, release }
    const value = await ctx.call("read", () => store.getItem(lockKey))
    if (value == null) continue // released between the two calls: claim again
    if (isLive(value) && value !== stale) return { held: false, value }
    // Its holder is dead (or a get/set-only copy left "released", which
    // setItemIfAbsent does not overwrite). Every waiter sees that at about
    // the same time, and a read then a remove is not atomic: one that read
    // it stale could remove the claim another just made. So they first
    // claim the right to clear this one claim, and one of them wins it.
    const cleared = await ctx.call("write", () => store.setItemIfAbsent!(`${lockKey}:after:${String(value)}`, me, ttl))
    if (!cleared) return { held: false, value: String(value) }
    await ctx.call("write", () => store.removeItem!(lockKey))
  }
}

/**
 * With `getItem` and `setItem` alone, Fischer's: read it free, write our
 * claim, wait longer than a rival's write takes, read it back.
 */
async function claimByWaiting({ ctx, store, lockKey, me, ttl, release, abandon }: Claiming, stale?: string): Promise<Claim> {
  const value = await ctx.call("read", () => store.getItem(lockKey))
  if (isLive(value) && value !== stale) return { held: false, value }
  const started = ctx.now()
  await ctx.call("write", () => store.setItem(lockKey, me, ttl)).catch(abandon)
  // A rival that read the lock free just before our write lands its own
  // within about one round trip: wait longer, then see whose claim stands.
  const settle = Math.min(1_000, Math.max(25, 3 * (ctx.now() - started)))
  await sleep(Math.min(settle, ctx.left()))
  const after = await ctx.call("read", () => store.getItem(lockKey)).catch(abandon)
  return after === me ? { held: true, release } : { held: false, value: String(after) }
}

/**
 * Waits while another instance holds the lock, reading its result first and
 * its claim second at each step, until the result appears, the claim is
 * released (or replaced and released), or it has stood for {@link lockTtl}.
 * Throws `TIMEOUT` at the rotation's deadline.
 */
export async function watchLock(ctx: LockContext, value: string, recall: () => Promise<TraktTokenSet | undefined>): Promise<Watched> {
  const store = ctx.store!
  let seen = value
  let since = ctx.now()
  for (let pause = 10; ; pause = Math.min(2 * pause, 100)) {
    if (ctx.left() < 1) throw ctx.outOfTime()
    await sleep(Math.min(pause, ctx.left()))
    const done = await recall()
    if (done) return { done }
    const current = await ctx.call("read", () => store.getItem(LOCK + ctx.key.id))
    if (!isLive(current)) return { free: true }
    if (current !== seen) {
      seen = current
      since = ctx.now()
    } else if (ctx.now() - since >= lockTtl(ctx.timeout)) {
      return { stale: current }
    }
  }
}
