/**
 * Trakt's limits, kept per access token and shared by every client (and every
 * copy of the package) in a process: a server makes a new client per request,
 * and Trakt counts per user, not per client object. Keys are hashes of the
 * access token, never the token.
 */
import { BoundedCache, processState } from "./cache.js"
import { TraktError } from "./errors.js"
import { hex } from "./seal.js"
import { sleep } from "./sleep.js"

/**
 * Milliseconds between two writes (POST, PUT, DELETE) with one token: Trakt
 * allows 1 per second, and the margin absorbs timer and network jitter.
 */
export const WRITE_INTERVAL = 1_050

/** How many limits (two per token at most) one process keeps. */
const LIMIT = 20_000

/**
 * Epoch ms per token: `b<key>` is when a 429's `Retry-After` ends (nothing is
 * sent with the token before), `w<key>` the next free write slot.
 */
const limits = () => processState("client-limits.v1", () => new BoundedCache<number>(LIMIT))

const text = new TextEncoder()

/** The name a token's limits are kept under: a hex SHA-256, which reveals nothing. */
export async function limitKey(accessToken: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", text.encode(`authjs-trakt:limits:${accessToken}`)))
}

/** Sends nothing with the token `key` before `until` (epoch ms). */
export function block(key: string, until: number): void {
  if ((limits().get(`b${key}`) ?? 0) < until) limits().set(`b${key}`, until, (until - Date.now()) / 1000)
}

/**
 * Waits out a block on `key` shorter than `maxWait` ms; a longer one fails at
 * once with `RATE_LIMITED` and the seconds left, and nothing is sent.
 */
export async function waitForLimit(key: string, maxWait: number, what: string): Promise<void> {
  const left = (limits().get(`b${key}`) ?? 0) - Date.now()
  if (left <= 0) return
  if (left > maxWait) {
    const retryAfter = Math.ceil(left / 1000)
    throw new TraktError("RATE_LIMITED", `${what} not sent: limited for ${retryAfter} s more`, { status: 429, retryAfter })
  }
  await sleep(left)
}

/**
 * Takes the next write slot of `key` and waits for it. The slot is taken
 * before the wait, so concurrent writes line up one interval apart.
 */
export function paceWrite(key: string): Promise<unknown> {
  const now = Date.now()
  const slot = Math.max(now, limits().get(`w${key}`) ?? 0)
  limits().set(`w${key}`, slot + WRITE_INTERVAL, (slot + WRITE_INTERVAL - now) / 1000)
  return sleep(slot - now)
}
