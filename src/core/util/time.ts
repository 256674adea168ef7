/** Waiting, and giving work a deadline. */

/** Waits `ms` milliseconds (none for a negative number). */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

/**
 * Runs `work` and settles as it does, unless `ms` milliseconds pass first: then
 * it rejects with what `late()` returns (`late` may also act, abort a request
 * say). The timer is cleared either way. `work` may not heed any signal (a
 * custom fetch, a stalled body, a store or database driver), so the deadline
 * is a race, not a cancellation. The one deadline rule: the transport, store
 * calls, database calls and the rotation's own deadline all use it.
 */
export function withDeadline<T>(work: () => T | PromiseLike<T>, ms: number, late: () => unknown): Promise<Awaited<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined
  // Whichever settles it first wins: a promise settles once. A deadline already
  // passed fires at once (clamped: Node warns of a negative delay).
  return new Promise<Awaited<T>>((resolve, reject) => {
    timer = setTimeout(() => reject(late()), Math.max(0, ms))
    Promise.resolve()
      .then(work)
      .then(resolve as (value: T) => void, reject)
  }).finally(() => clearTimeout(timer))
}
