/**
 * The rotation engine's collaborators as plain functions, for
 * test/core/rotation.test.ts: a Trakt that spends refresh tokens once and answers
 * what a test scripts, a store made of a Map (with latency, stalls, and with
 * or without the atomic `setItemIfAbsent`), and simulated instances, each
 * with its own memory and its own monotonic clock, calling `rotate()`.
 */
import { TraktError } from "../../src/core/errors.js"
import type { ExpectStatic } from "vitest"
import { newRotationMemory, rotate, WRITE_MARGIN, type RotationDeps } from "../../src/core/refresh/rotation.js"
import { seal, sealKey } from "../../src/core/refresh/seal.js"
import { sleep } from "../../src/core/util/time.js"
import type { TraktStore } from "../../src/core/store.js"
import type { TraktTokenSet } from "../../src/core/tokens.js"

/** How Trakt answers one refresh, as a test scripts it. */
export type Answer =
  | "ok"
  /** A 5xx: the token is not spent. */
  | "503"
  /** Cloudflare's HTML 403: the token is not spent. */
  | "cloudflare"
  /** Never answers: the instance died with its request in flight (not spent). */
  | "hang"

export interface RefreshCall {
  instance: number
  refreshToken: string
  /** performance.now() when it was made, and when it was answered. */
  at: number
  answeredAt?: number
  answer: Answer | "refused"
}

/** Trakt's token endpoint for refreshes: single-use tokens, a latency, and scripted faults by call number. */
export class Issuer {
  readonly calls: RefreshCall[] = []
  private readonly live = new Set<string>()
  private serial = 0
  /** Answers for the 1st, 2nd, ... refresh; "ok" past the end. */
  script: Answer[] = []
  /** Milliseconds the 1st, 2nd, ... refresh takes; `latency` past the end. */
  latencies: number[] = []
  /** Called when Trakt refuses a token, before the answer leaves (a race a test stages). */
  onRefusal?: (refreshToken: string) => void

  constructor(public latency = 20) {}

  /** A token set as if the user had signed in: its access token expired, its refresh token live. */
  issue(lifetime = 7 * 24 * 3600): TraktTokenSet {
    const n = ++this.serial
    const tokens = {
      access_token: `access-${n}`,
      refresh_token: `refresh-${n}-${Math.random().toString(36).slice(2)}`,
      token_type: "bearer",
      expires_in: lifetime,
      expires_at: Math.floor(Date.now() / 1000) + lifetime,
    }
    this.live.add(tokens.refresh_token)
    return tokens
  }

  canRefresh = (refreshToken: string) => this.live.has(refreshToken)

  /** What `RotationDeps.spend` is, for instance `instance`. */
  spender(instance: number): RotationDeps["spend"] {
    return async (refreshToken, timeout) => {
      const call: RefreshCall = { instance, refreshToken, at: performance.now(), answer: this.script[this.calls.length] ?? "ok" }
      this.calls.push(call)
      if (call.answer === "hang") return new Promise<never>(() => {})
      const latency = this.latencies[this.calls.length - 1] ?? this.latency
      if (latency > timeout) {
        await sleep(timeout)
        throw new TraktError("TIMEOUT", "Trakt did not answer in time")
      }
      await sleep(latency)
      call.answeredAt = performance.now()
      if (call.answer === "503") throw new TraktError("SERVER_ERROR", "Trakt answered 503", { status: 503 })
      if (call.answer === "cloudflare") throw new TraktError("CLOUDFLARE_BLOCKED", "Cloudflare blocked the request", { status: 403 })
      // Single-use: spending kills the token, whoever gets the answer.
      if (!this.live.delete(refreshToken)) {
        call.answer = "refused"
        this.onRefusal?.(refreshToken)
        throw new TraktError("invalid_grant", "The provided authorization grant is invalid, expired or revoked.", { status: 400 })
      }
      return this.issue()
    }
  }
}

export interface StoreOptions {
  /** Milliseconds per call: half on the way there (then it takes effect), half back. */
  latency?: number
  /** With `setItemIfAbsent` and `removeItem`. */
  exact?: boolean
  /** Each call's latency is drawn from `latency` × (1 ± jitter). */
  jitter?: number
}

/** A store made of a Map, with expiry on its own clock, and a log of every call. */
export class MapStore {
  readonly data = new Map<string, { value: string; expires: number }>()
  readonly log: { op: "get" | "set" | "setIfAbsent" | "remove"; key: string; at: number }[] = []
  latency: number
  jitter: number
  /** While set, calls never answer (nothing takes effect). */
  stalled = false
  /** The calls that never answer, besides all of them while `stalled`. */
  stalls: (op: MapStore["log"][number]["op"], key: string) => boolean = () => false
  readonly store: TraktStore

  constructor({ latency = 0, exact = false, jitter = 0 }: StoreOptions = {}) {
    this.latency = latency
    this.jitter = jitter
    const store: TraktStore = {
      getItem: (key) => this.op("get", key, () => this.read(key)),
      setItem: (key, value, { ttl }) => this.op("set", key, () => void this.write(key, value, ttl)),
    }
    if (exact) {
      store.setItemIfAbsent = (key, value, { ttl }) =>
        this.op("setIfAbsent", key, () => (this.read(key) == null ? (this.write(key, value, ttl), true) : false))
      store.removeItem = (key) => this.op("remove", key, () => void this.data.delete(key))
    }
    this.store = store
  }

  read(key: string): string | null {
    const item = this.data.get(key)
    if (item && item.expires > performance.now()) return item.value
    this.data.delete(key)
    return null
  }

  write(key: string, value: string, ttl: number): void {
    this.data.set(key, { value, expires: performance.now() + ttl * 1000 })
  }

  /** Calls whose key starts with `prefix` (`lock:`, `rotated:`). */
  calls(prefix = "") {
    return this.log.filter((call) => call.key.startsWith(`authjs-trakt:${prefix}`))
  }

  private async op<T>(op: MapStore["log"][number]["op"], key: string, apply: () => T): Promise<T> {
    this.log.push({ op, key, at: performance.now() })
    if (this.stalled || this.stalls(op, key)) return new Promise<never>(() => {})
    const latency = this.latency * (1 + this.jitter * (2 * Math.random() - 1))
    if (latency) await sleep(latency / 2)
    if (this.stalled) return new Promise<never>(() => {})
    const result = apply()
    if (latency) await sleep(latency / 2)
    return result
  }
}

/** The store's name for a refresh token's lock and result. */
export async function keysOf(refreshToken: string) {
  const key = await sealKey(refreshToken)
  return { key, lock: `authjs-trakt:lock:${key.id}`, record: `authjs-trakt:rotated:${key.id}` }
}

/** Files `successor` for `refreshToken` as an instance that refreshed it would. */
export async function recordSuccessor(store: TraktStore, refreshToken: string, successor: TraktTokenSet) {
  const { key, record } = await keysOf(refreshToken)
  await store.setItem(record, await seal(key, { ...successor }), { ttl: 3600 })
}

/** What one caller got, and how long it took. */
export interface Outcome {
  instance: number
  ms: number
  tokens?: TraktTokenSet
  code?: string
}

export interface InstancesOptions {
  instances: number
  issuer: Issuer
  store?: MapStore
  timeout: number
  /** Each instance's monotonic clock, as an offset from this process's (ms). */
  clockOffsets?: number[]
}

/** N simulated instances of one app: own memory, own clock, one Trakt, one store. */
export class Instances {
  readonly deps: RotationDeps[]
  readonly reports: TraktError[][]

  constructor(readonly options: InstancesOptions) {
    this.reports = Array.from({ length: options.instances }, () => [])
    this.deps = this.reports.map((reports, instance) => {
      const offset = options.clockOffsets?.[instance] ?? 0
      return {
        spend: options.issuer.spender(instance),
        store: options.store?.store,
        report: (error: TraktError) => void reports.push(error),
        timeout: options.timeout,
        clockSkew: 60,
        spentTokenTtl: 3600,
        now: () => performance.now() + offset,
        memory: newRotationMemory(),
      }
    })
  }

  /** One request meeting `refreshToken` expired on `instance`. */
  async call(instance: number, refreshToken: string): Promise<Outcome> {
    const started = performance.now()
    try {
      const tokens = await rotate(this.deps[instance]!, refreshToken)
      return { instance, ms: performance.now() - started, tokens }
    } catch (error) {
      if (!(error instanceof TraktError)) throw error
      return { instance, ms: performance.now() - started, code: error.code }
    }
  }

  /**
   * `concurrent` requests with `refreshToken`, spread over the instances in
   * turn, each sent after up to `jitter` ms.
   */
  expiry(refreshToken: string, concurrent: number, jitter = 0): Promise<Outcome>[] {
    return Array.from({ length: concurrent }, async (_, i) => {
      if (jitter) await sleep(Math.random() * jitter)
      return this.call(i % this.options.instances, refreshToken)
    })
  }

  /** Every store failure and other report, as codes. */
  reported(): string[] {
    return this.reports.flat().map((error) => error.code)
  }
}

/** What a loaded 2-core machine may add to a timer. */
export const SLACK = 250

export const KINDS = [
  ["get/set only (Fischer's lock)", false],
  ["setItemIfAbsent and removeItem", true],
] as const

/** Nobody waited longer than the rotation's bound. */
export function expectPrompt(expect: ExpectStatic, outcomes: Outcome[], timeout: number) {
  expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(timeout + WRITE_MARGIN + SLACK)
}

/** What each caller got: an access token or an error code. */
export const got = (outcomes: Outcome[]) => outcomes.map((o) => o.tokens?.access_token ?? o.code)
