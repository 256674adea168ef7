/**
 * Trakt's limits, kept per access token and shared by every client (and every
 * copy of the package) in a process: a server makes a new client per request,
 * and Trakt counts per user, not per client object. Keys are hashes of the
 * access token, never the token.
 */
import { BoundedCache, processState } from "./cache.js"
import { TraktError } from "./errors.js"
import { sleep } from "./sleep.js"

/**
 * Milliseconds between two writes (POST, PUT, DELETE) with one token: Trakt
 * allows 1 per second, and the margin absorbs timer and network jitter.
 */
export const WRITE_INTERVAL = 1_050

/** How many tokens one process keeps limits for. */
const LIMIT = 10_000

interface Limits {
  /** Epoch ms before which nothing is sent with the token (a 429's `Retry-After`). */
  blocked: BoundedCache<number>
  /** Epoch ms of the next free write slot. */
  writes: BoundedCache<number>
}

const limits = () =>
  processState<Limits>("client-limits.v1", () => ({ blocked: new BoundedCache(LIMIT), writes: new BoundedCache(LIMIT) }))

const text = new TextEncoder()

/** The name a token's limits are kept under: a hex SHA-256, which reveals nothing. */
export async function limitKey(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", text.encode(`authjs-trakt:limits:${accessToken}`))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("")
}

/** Sends nothing with the token `key` before `until` (epoch ms). */
export function block(key: string, until: number): void {
  const { blocked } = limits()
  if ((blocked.get(key) ?? 0) < until) blocked.set(key, until, (until - Date.now()) / 1000)
}

/**
 * Waits out a block on `key` shorter than `maxWait` ms; a longer one fails at
 * once with `RATE_LIMITED` and the seconds left, and nothing is sent.
 */
export async function waitForLimit(key: string, maxWait: number, what: string): Promise<void> {
  const left = (limits().blocked.get(key) ?? 0) - Date.now()
  if (left <= 0) return
  if (left > maxWait) {
    const retryAfter = Math.ceil(left / 1000)
    throw new TraktError("RATE_LIMITED", `${what} was not sent: Trakt limited this token for ${retryAfter} s more`, { status: 429, retryAfter })
  }
  await sleep(left)
}

/**
 * Takes the next write slot of `key` and waits for it. The slot is taken
 * before the wait, so concurrent writes line up one interval apart.
 */
export function paceWrite(key: string): Promise<unknown> {
  const { writes } = limits()
  const now = Date.now()
  const slot = Math.max(now, writes.get(key) ?? 0)
  writes.set(key, slot + WRITE_INTERVAL, (slot + WRITE_INTERVAL - now) / 1000)
  return sleep(slot - now)
}
