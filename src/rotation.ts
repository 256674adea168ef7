/**
 * Spending a Trakt refresh token once, however many requests, bundles and
 * server instances meet it expired at the same moment.
 *
 * Trakt's refresh tokens are single-use: of two refreshes with one token, the
 * second gets `invalid_grant`, and a session that keeps its answer is signed
 * out. So:
 * - In one process, concurrent refreshes of a token share one request, and its
 *   successor is remembered in state every copy of this module shares
 *   (`globalThis`): Next.js loads the proxy and the pages as separate bundles.
 * - With a shared store, instances elect one refresher with a lock made of
 *   `getItem` and `setItem` alone (Fischer's algorithm: claim, wait longer than
 *   a write takes, see whose claim stands); the others wait for its result in
 *   the store. Should two refresh anyway, the one Trakt refuses finds the
 *   winner's result in the store.
 * - A spent token resolves to its successor for `spentTokenTtl`, and that one
 *   to its own (spent -> newer -> newest), so a cookie nobody could rewrite (a
 *   server component's) keeps working.
 */
import { isOAuthErrorCode, TraktError } from "./errors.js"
import { seal, sealKey, unseal, type SealKey } from "./seal.js"
import { MemoryStore, type TraktTokenStore } from "./store.js"
import { refreshTraktToken, type RefreshTraktTokenOptions, type TraktTokenSet } from "./tokens.js"

/** What a rotation needs, every default already applied. */
export interface RotationOptions extends Omit<RefreshTraktTokenOptions, "refreshToken"> {
  store?: TraktTokenStore
  clockSkew: number
  spentTokenTtl: number
  timeout: number
  /** Hears about failures the rotation worked around (a store that is down). */
  report(error: TraktError): void
}

/** State shared by every copy of this module in the process. */
interface ProcessState {
  /** Rotations under way, by the refresh token they spend. */
  inflight: Map<string, Promise<TraktTokenSet>>
  /** Successors of spent refresh tokens, sealed as in a shared store. */
  memory: MemoryStore
  /** Refresh tokens Trakt refused lately, not sent again before `until`. */
  refused: Map<string, { error: TraktError; until: number }>
}

const STATE = Symbol.for("authjs-trakt.rotation.v1")
/** How many spent-token records one process keeps without a store (about 400 bytes each). */
const MEMORY_LIMIT = 10_000
/** How long a refused refresh token is not sent to Trakt again, in ms. */
const REFUSED_FOR = 5 * 60_000
/** How far a chain of spent tokens is followed. */
const MAX_CHAIN = 8
const RECORD = "authjs-trakt:rotated:"
const LOCK = "authjs-trakt:lock:"

function processState(): ProcessState {
  const global = globalThis as { [STATE]?: ProcessState }
  return (global[STATE] ??= { inflight: new Map(), memory: new MemoryStore(MEMORY_LIMIT), refused: new Map() })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
// Deadlines run on the monotonic clock: tests (and apps) may move Date.
const now = () => performance.now()

/**
 * Trades `refreshToken` for a valid token set: the successor another request
 * already got for it, or a new one from Trakt. Throws a {@link TraktError}.
 */
export function rotate(options: RotationOptions, refreshToken: string, depth = 0): Promise<TraktTokenSet> {
  const { inflight } = processState()
  let rotation = inflight.get(refreshToken)
  if (!rotation) {
    rotation = rotateOnce(options, refreshToken, depth).finally(() => inflight.delete(refreshToken))
    inflight.set(refreshToken, rotation)
  }
  return rotation
}

async function rotateOnce(options: RotationOptions, refreshToken: string, depth: number): Promise<TraktTokenSet> {
  // One report per kind of failure per rotation, however often it is met while polling.
  const reported = new Set<string>()
  const report = options.report
  options = { ...options, report: (error) => reported.has(error.message) || (reported.add(error.message), report(error)) }
  if (!refreshToken) throw new TraktError("invalid_grant", "no refresh token: sign in again")
  const { refused } = processState()
  const refusal = refused.get(refreshToken)
  if (refusal && refusal.until > Date.now()) throw refusal.error

  const key = await sealKey(refreshToken)
  const deadline = now() + options.timeout
  let store = options.store
  let known: TraktTokenSet | undefined
  try {
    known = await recall(options, store, key, deadline)
  } catch (error) {
    // The store is down or slow: go on as a single instance would.
    options.report(error as TraktError)
    store = undefined
  }
  if (known) {
    if (isFresh(known, options.clockSkew)) return known
    if (!known.refresh_token || depth >= MAX_CHAIN) {
      throw new TraktError("invalid_grant", "the spent refresh token's successor has expired too: sign in again")
    }
    return rotate(options, known.refresh_token, depth + 1)
  }
  try {
    return await refresh(options, store, refreshToken, key, deadline)
  } catch (error) {
    if (error instanceof TraktError && (isOAuthErrorCode(error.code) || error.code === "OAUTH_ERROR")) {
      // Not sent again for a while, but kept: a refusal may be the app's
      // configuration (a wrong secret or callback URL), fixed by a redeploy.
      if (refused.size >= MEMORY_LIMIT) refused.delete(refused.keys().next().value!)
      refused.set(refreshToken, { error, until: Date.now() + REFUSED_FOR })
    }
    throw error
  }
}

const isFresh = (tokens: TraktTokenSet, clockSkew: number) =>
  tokens.expires_at === undefined || tokens.expires_at - clockSkew > Date.now() / 1000

/** Spends `refreshToken` at Trakt, coordinating with other instances through `store`. */
async function refresh(
  options: RotationOptions,
  store: TraktTokenStore | undefined,
  refreshToken: string,
  key: SealKey,
  deadline: number,
): Promise<TraktTokenSet> {
  let owner: string | undefined
  if (store) {
    try {
      const claimed = await claim(options, store, key, deadline)
      if (typeof claimed === "object") return claimed
      owner = claimed
    } catch (error) {
      options.report(error as TraktError)
      store = undefined
    }
  }
  let tokens: TraktTokenSet
  try {
    tokens = await refreshTraktToken({ ...options, refreshToken })
  } catch (error) {
    // Failed: let a waiting instance try now rather than when the lock expires.
    if (store && owner) {
      const released = `${owner}.0`
      await storeCall("write", () => store.setItem(LOCK + key.id, released, { ttl: 1 }), now() + options.timeout).catch(() => {})
    }
    // Refused because another instance spent the token first: its result is
    // on its way to the store.
    if (store && error instanceof TraktError && error.code === "invalid_grant") {
      // The winner wrote its result right after Trakt answered it, before us.
      const until = now() + Math.min(options.timeout, 1_500)
      const late = await waitFor(options, store, key, until).catch((failure) => options.report(failure))
      if (late) return late
    }
    throw error
  }
  const sealed = await seal(key, tokens)
  const ttl = { ttl: options.spentTokenTtl }
  processState().memory.setItem(RECORD + key.id, sealed, ttl)
  if (store) {
    await storeCall("write", () => store.setItem(RECORD + key.id, sealed, ttl), now() + options.timeout).catch(options.report)
  }
  return tokens
}

/**
 * Takes the store's lock on `key` for this instance. Resolves to the tokens
 * if another instance finished the refresh meanwhile; to this instance's
 * owner id when it holds the lock; to `undefined` when it could not get the
 * lock in time (it then refreshes anyway).
 */
async function claim(
  options: RotationOptions,
  store: TraktTokenStore,
  key: SealKey,
  deadline: number,
): Promise<TraktTokenSet | string | undefined> {
  const lockKey = LOCK + key.id
  const me = crypto.randomUUID()
  // Held through Trakt's answer and the write of the result.
  const lockFor = 2 * options.timeout
  while (now() < deadline) {
    const held = parseLock(await storeCall("read", () => store.getItem(lockKey), deadline))
    if (held && held.owner !== me && held.until > Date.now()) {
      const done = await waitFor(options, store, key, Math.min(deadline, now() + held.until - Date.now()))
      if (done) return done
      continue
    }
    const started = now()
    const claimed = `${me}.${Date.now() + lockFor}`
    await storeCall("write", () => store.setItem(lockKey, claimed, { ttl: Math.ceil(lockFor / 1000) }), deadline)
    // A rival that read the lock free just before our write lands its own
    // within about one round trip: wait longer, then see whose claim stands.
    await sleep(Math.min(1_000, Math.max(25, 3 * (now() - started))))
    const after = parseLock(await storeCall("read", () => store.getItem(lockKey), deadline))
    if (after?.owner === me) {
      // The winner before us may have finished just as we read the lock free.
      return (await recall(options, store, key, deadline)) ?? me
    }
  }
  return undefined
}

/** Polls for the successor of `key` until it appears or `until` (monotonic ms) passes. */
async function waitFor(options: RotationOptions, store: TraktTokenStore, key: SealKey, until: number) {
  for (let pause = 20; now() < until; pause = Math.min(2 * pause, 250)) {
    await sleep(Math.min(pause, until - now()))
    const found = await recall(options, store, key, until)
    if (found) return found
  }
  return undefined
}

/** The successor recorded for a spent token: in this process, else in the shared store. */
async function recall(
  options: RotationOptions,
  store: TraktTokenStore | undefined,
  key: SealKey,
  deadline: number,
): Promise<TraktTokenSet | undefined> {
  const { memory } = processState()
  const local = memory.getItem(RECORD + key.id)
  const value = local ?? (store && (await storeCall("read", () => store.getItem(RECORD + key.id), deadline)))
  if (value == null) return undefined
  try {
    const tokens = await unseal(key, value)
    if (typeof tokens.access_token !== "string") throw new TypeError("no access_token")
    if (!local) memory.setItem(RECORD + key.id, value as string, { ttl: options.spentTokenTtl })
    return tokens as TraktTokenSet
  } catch (cause) {
    // Garbage, another app's key, tampering: a record nobody can use.
    options.report(new TraktError("STORE_ERROR", "a record in the token store cannot be opened; ignoring it", { cause }))
    return undefined
  }
}

function parseLock(value: unknown): { owner: string; until: number } | undefined {
  const [, owner, until] = (typeof value === "string" && /^([\w-]+)\.(\d+)$/.exec(value)) || []
  return owner && until ? { owner, until: Number(until) } : undefined
}

/** One store call, bounded by `deadline`; any failure becomes a STORE_ERROR. */
async function storeCall(what: "read" | "write", call: () => unknown, deadline: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const slow = new Error("no answer in time")
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(slow), Math.max(0, deadline - now()))
  })
  try {
    return await Promise.race([Promise.resolve().then(call), timedOut])
  } catch (cause) {
    // The store's own message stays in `cause`: it may name hosts or credentials.
    const reason = cause === slow ? ": no answer within the timeout" : ""
    throw new TraktError("STORE_ERROR", `the token store failed to ${what}${reason}`, { cause })
  } finally {
    clearTimeout(timer)
  }
}

/** @internal For tests: forget every rotation this process remembers. */
export const forgetRotations = () => delete (globalThis as { [STATE]?: ProcessState })[STATE]
