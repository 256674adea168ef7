/**
 * The rotation engine: spending a Trakt refresh token once, however many
 * requests, bundles and server instances meet it expired at the same moment.
 *
 * Trakt's refresh tokens are single-use: of two refreshes with one token, the
 * second gets `invalid_grant`, and a session that keeps its answer is signed
 * out. So:
 * - In one process, concurrent rotations of a token share one promise, and
 *   its successor is remembered (sealed) in memory every copy of the package
 *   shares: Next.js loads the proxy and the pages as separate bundles.
 * - With a shared store, instances elect one refresher with a lock
 *   (`lock.ts`); the others watch the lock and the result together, so a
 *   refresher that fails or dies hands over to exactly one of them.
 * - A refused token is refused only once nobody (memory, store) knows its
 *   successor. A spent token resolves to its successor for `spentTokenTtl`,
 *   and that one to its own (spent -> newer -> newest), so a cookie nobody
 *   could rewrite (a server component's) keeps working.
 * - One deadline per rotation bounds every store call and the Trakt call.
 *
 * Everything it talks to is passed in ({@link RotationDeps}), so it is tested
 * with plain functions and shared by every refresher (core/refresh/refresher.ts).
 */
import { BoundedCache, forgetProcessState, processState } from "../util/memory.js"
import { isRefusal, TraktError } from "../errors.js"
import { claimLock, watchLock, type LockContext } from "./lock.js"
import { seal, sealKey, unseal, type SealKey } from "./seal.js"
import { sleep, withDeadline } from "../util/time.js"
import { storeCall, type TraktStore } from "../store.js"
import { isExpired, requireRefreshToken, type TraktTokenSet } from "../tokens.js"

/** What a rotation talks to, every default applied by its caller. */
export interface RotationDeps {
  /** Spends `refreshToken` at Trakt (one refresh grant), taking at most `timeout` ms. */
  spend(refreshToken: string, timeout: number): Promise<TraktTokenSet>
  /** Shared by every instance; without it, coordination stays in this process. */
  store?: TraktStore
  /** Hears what the rotation worked around (a store that failed) once each. */
  report(error: TraktError): void
  /** Milliseconds the whole rotation may take (store calls and Trakt together). */
  timeout: number
  /** Seconds before `expires_at` at which a successor counts as expired. */
  clockSkew: number
  /** Seconds a spent token keeps resolving to its successor. */
  spentTokenTtl: number
  /** Monotonic milliseconds. @default performance.now */
  now?: () => number
  /** What this process remembers. @default the state every copy in the process shares */
  memory?: RotationMemory
}

/** What one process remembers between rotations. */
export interface RotationMemory {
  /** Rotations under way, by the refresh token they spend (in memory only, never stored). */
  inflight: Map<string, Promise<TraktTokenSet>>
  /** Sealed successors of spent refresh tokens, by record name. */
  successors: BoundedCache<string>
  /** Refusals Trakt gave lately, by record name: not sent again while no successor is known. */
  refused: BoundedCache<TraktError>
}

/** How many records of each kind one process keeps (about 400 bytes each). */
const MEMORY_LIMIT = 10_000
/** Seconds a refused refresh token is not sent to Trakt again. */
const REFUSED_FOR = 5 * 60
/** How far a chain of spent tokens is followed. */
const MAX_CHAIN = 8
/**
 * Milliseconds the result's write may take past the deadline: without it,
 * other instances would spend the dead token. So an answer takes at most
 * `timeout` plus this.
 */
export const WRITE_MARGIN = 1_000
const RECORD = "authjs-trakt:rotated:"

export const newRotationMemory = (): RotationMemory => ({
  inflight: new Map(),
  successors: new BoundedCache(MEMORY_LIMIT),
  refused: new BoundedCache(MEMORY_LIMIT),
})

const sharedMemory = () => processState("rotation.v2", newRotationMemory)

/**
 * Trades `refreshToken` for a valid token set: the successor another request
 * already got for it, or a new one from Trakt. Throws a {@link TraktError}:
 * an OAuth code when Trakt refused the token, anything else when it could not
 * be refreshed right now.
 */
export async function rotate(deps: RotationDeps, refreshToken: string, depth = 0): Promise<TraktTokenSet> {
  requireRefreshToken(refreshToken)
  const memory = deps.memory ?? sharedMemory()
  // Looked up before any await, so that concurrent calls always find each other.
  let rotation = memory.inflight.get(refreshToken)
  if (!rotation) {
    const run = async () => new Rotation(deps, memory, refreshToken, await sealKey(refreshToken)).run(depth)
    rotation = run().finally(() => memory.inflight.delete(refreshToken))
    memory.inflight.set(refreshToken, rotation)
  }
  return rotation
}

/** One rotation of one token, in this process. */
class Rotation implements LockContext {
  readonly now: () => number
  readonly deadline: number
  store: TraktStore | undefined
  private readonly reported = new Set<string>()

  constructor(
    private readonly deps: RotationDeps,
    private readonly memory: RotationMemory,
    private readonly refreshToken: string,
    readonly key: SealKey,
  ) {
    this.now = deps.now ?? (() => performance.now())
    this.deadline = this.now() + deps.timeout
    this.store = deps.store
  }

  get timeout() {
    return this.deps.timeout
  }

  async run(depth: number): Promise<TraktTokenSet> {
    const known = await this.tolerate(this.recall())
    if (known) return this.follow(known, depth)
    const refusal = this.memory.refused.get(this.key.id)
    if (refusal) throw refusal
    return this.spendOnce()
  }

  /** A successor someone recorded: used if fresh, else rotated in turn. */
  private follow(known: TraktTokenSet, depth: number): Promise<TraktTokenSet> | TraktTokenSet {
    if (!isExpired(known.expires_at, this.deps.clockSkew)) return known
    if (!known.refresh_token || depth >= MAX_CHAIN) {
      throw new TraktError("invalid_grant", "the spent refresh token's successor has expired too: sign in again")
    }
    return rotate(this.deps, known.refresh_token, depth + 1)
  }

  /** Spends the token at Trakt, once among the instances sharing the store. */
  private async spendOnce(): Promise<TraktTokenSet> {
    let stale: string | undefined
    for (let handedOver = false; ; handedOver = true) {
      const claim = this.store ? await this.tolerate(claimLock(this, stale)) : undefined
      if (claim?.held && handedOver) {
        // Handed over by a holder that failed or died: its result may have landed since our last look.
        const done = await this.tolerate(this.recall()).catch(async (error) => {
          await claim.release().catch((failure) => this.reportOnce(failure))
          throw error
        })
        if (done) return done
      }
      if (!claim || claim.held) return this.spend(claim?.release)
      // Another instance holds it: watch its claim and its result together.
      // A store failure now is not tolerated: that instance is spending the
      // token, so spending it too would most likely be refused, and the
      // refusal would tell the user to sign in again. It stays a transient
      // failure, which the next request retries.
      const watched = await watchLock(this, claim.value, () => this.recall())
      if ("done" in watched) return watched.done
      // Released, or its holder died: try to claim it next.
      stale = "stale" in watched ? watched.stale : undefined
    }
  }

  /** The refresh itself, with the lock held (or no store). */
  private async spend(release?: () => Promise<void>): Promise<TraktTokenSet> {
    let tokens: TraktTokenSet
    try {
      // A refresh cut short by our timeout may be spent at Trakt with its
      // answer lost, which signs the user out: with too little time left,
      // leave it to the next request instead.
      if (this.left() < Math.min(this.deps.timeout / 10, 500)) throw this.outOfTime()
      tokens = await this.deps.spend(this.refreshToken, this.left())
    } catch (error) {
      // Let a waiting instance try now rather than when the lock expires.
      await release?.().catch((failure) => this.reportOnce(failure))
      if (isRefusal(error)) return this.afterRefusal(error as TraktError)
      throw error
    }
    const sealed = await seal(this.key, tokens)
    this.memory.successors.set(this.key.id, sealed, this.deps.spentTokenTtl)
    this.memory.refused.delete(this.key.id)
    const { store } = this
    if (store) {
      const write = () => store.setItem(RECORD + this.key.id, sealed, { ttl: this.deps.spentTokenTtl })
      // Like every store call, at most timeout / 4 (a hanging store must not
      // keep tokens from their callers until the deadline), but at least
      // WRITE_MARGIN, even past the deadline.
      const ms = Math.max(Math.min(this.left(), this.deps.timeout / 4), WRITE_MARGIN)
      await storeCall("write", write, ms).catch((failure) => this.reportOnce(failure))
    }
    return tokens
  }

  /**
   * Trakt refused the token. If another instance spent it first, its result
   * is on its way to the store: look for it before refusing.
   */
  private async afterRefusal(error: TraktError): Promise<TraktTokenSet> {
    if (this.store) {
      const until = Math.min(this.deadline, this.now() + WRITE_MARGIN)
      for (let pause = 10; until - this.now() >= 1; pause = Math.min(2 * pause, 100)) {
        await sleep(Math.min(pause, until - this.now()))
        // Running out of time here means no successor turned up: the refusal stands.
        const late = await this.tolerate(this.recall(until)).catch((failure) => {
          if (failure instanceof TraktError && failure.code === "TIMEOUT") return null
          throw failure
        })
        if (late) return late
        if (late === null) break
      }
    }
    this.memory.refused.set(this.key.id, error, REFUSED_FOR)
    throw error
  }

  /** The successor recorded for the token: in this process, else in the store. */
  async recall(until = this.deadline): Promise<TraktTokenSet | undefined> {
    const local = this.memory.successors.get(this.key.id)
    const store = this.store
    const value = local ?? (store && (await this.call("read", () => store.getItem(RECORD + this.key.id), until)))
    if (value == null) return undefined
    try {
      const tokens = await unseal(this.key, value)
      if (typeof tokens.access_token !== "string") throw new TypeError("no access_token")
      if (!local) this.memory.successors.set(this.key.id, value as string, this.deps.spentTokenTtl)
      return tokens as TraktTokenSet
    } catch (cause) {
      // Garbage, another app's key, tampering: a record nobody can use.
      this.reportOnce(new TraktError("STORE_ERROR", "a record in the token store cannot be opened; ignoring it", { cause }))
      return undefined
    }
  }

  /** Milliseconds left before the deadline. */
  left(): number {
    return Math.max(0, this.deadline - this.now())
  }

  /**
   * One store call within the time left, and within a quarter of `timeout`,
   * so that a store that hangs still leaves time to refresh without it. With
   * no time left it is not made: the rotation ran out of time, which is not
   * the store's fault.
   */
  async call<T>(what: "read" | "write", call: () => T, until = this.deadline): Promise<Awaited<T>> {
    const ms = until - this.now()
    if (ms < 1) throw this.outOfTime()
    const limit = this.deps.timeout / 4
    const answer = storeCall(what, call, limit)
    if (ms >= limit) return answer
    // The deadline comes first. Running into it is the rotation running out
    // of time (a healthy store's last poll), not the store failing.
    return withDeadline(
      () => answer,
      ms,
      () => this.outOfTime(),
    )
  }

  outOfTime(): TraktError {
    return new TraktError(
      "TIMEOUT",
      `the refresh did not finish within ${this.deps.timeout} ms (another instance holds it, or the store is slow)`,
    )
  }

  /**
   * Runs a step that uses the store. A store failure is reported, and the
   * rotation goes on without the store, as a single instance would: the one
   * place where "the store failed, carry on" is decided.
   */
  private async tolerate<T>(step: Promise<T>): Promise<T | undefined> {
    try {
      return await step
    } catch (error) {
      if (!(error instanceof TraktError) || error.code !== "STORE_ERROR") throw error
      this.reportOnce(error)
      this.store = undefined
      return undefined
    }
  }

  reportOnce(error: TraktError): void {
    if (this.reported.has(error.message)) return
    this.reported.add(error.message)
    this.deps.report(error)
  }
}

/** @internal For tests: forget every rotation this process remembers, as a new process would. */
export const forgetRotations = () => forgetProcessState("rotation.v2")
