/**
 * Trakt's limits, kept per access token and shared by every client (and every
 * copy of the package) in a process: a server makes a new client per request,
 * and Trakt counts per user, not per client object. Keys are hashes of the
 * access token, never the token.
 */
import { sha256 } from "../util/bytes.js"
import { BoundedCache, processState } from "../util/memory.js"
import { TraktError } from "../errors.js"
import { sleep } from "../util/time.js"

/**
 * Milliseconds between two writes (POST, PUT, DELETE) with one token: Trakt
 * allows 1 per second, and the margin absorbs timer and network jitter.
 */
export const WRITE_INTERVAL = 1_050

/** How many limits (two per token at most) one process keeps. */
const LIMIT = 20_000

/**
 * Per token: `b<key>` is when a 429's `Retry-After` ends (epoch ms; nothing is
 * sent with the token before), `w<key>` the last write's turn, resolving to
 * when that write went out.
 */
const limits = () => processState("client-limits.v1", () => new BoundedCache<number | Promise<number>>(LIMIT))

/** The name a token's limits are kept under: a hex SHA-256, which reveals nothing. */
export const limitKey = (accessToken: string): Promise<string> => sha256(`authjs-trakt:limits:${accessToken}`)

/** Sends nothing with the token `key` before `until` (epoch ms). */
export function block(key: string, until: number): void {
  if (((limits().get(`b${key}`) as number) ?? 0) < until) limits().set(`b${key}`, until, (until - Date.now()) / 1000)
}

/**
 * Waits out a block on `key` shorter than `maxWait` ms; a longer one fails at
 * once with `RATE_LIMITED` and the seconds left, and nothing is sent.
 */
export async function waitForLimit(key: string, maxWait: number, what: string): Promise<void> {
  const left = ((limits().get(`b${key}`) as number) ?? 0) - Date.now()
  if (left <= 0) return
  if (left > maxWait) {
    const retryAfter = Math.ceil(left / 1000)
    throw new TraktError("RATE_LIMITED", `${what} not sent: limited for ${retryAfter} s more`, { status: 429, retryAfter })
  }
  await sleep(left)
}

/**
 * Waits for the turn of a write with the token `key`: `WRITE_INTERVAL` after
 * the previous write went out. Measured from when it went out, not from when
 * it was due, so that a timer that fired late (a busy machine) cannot bring
 * two writes closer. The turn is taken at once: concurrent writes queue up.
 */
export function paceWrite(key: string): Promise<number> {
  const previous = limits().get(`w${key}`)
  const turn = (async () => {
    await sleep(((await previous) ?? 0) + WRITE_INTERVAL - Date.now())
    return Date.now()
  })()
  // Kept longer than any queue of writes lasts.
  limits().set(`w${key}`, turn, 3_600)
  return turn
}
