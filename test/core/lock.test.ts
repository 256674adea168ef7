/**
 * The store's lock (src/core/refresh/lock.ts) under the rotation engine, with
 * its collaborators as plain functions (test/support/rotation-harness.ts): a
 * holder that fails releases at once, one that dies is taken over after
 * timeout / 2 by one waiter, clocks that disagree do not matter, and the store
 * calls a claim and a poll cost. Both kinds of store: get/set only (Fischer's
 * claim) and setItemIfAbsent with removeItem (an atomic one).
 */
import { describe, expect, test } from "vitest"
import { lockTtl } from "../../src/core/refresh/lock.js"
import { sleep } from "../../src/core/util/time.js"
import { expectPrompt, got, Instances, Issuer, KINDS, keysOf, MapStore, recordSuccessor, SLACK } from "../support/rotation-harness.js"

describe.each(KINDS)("a store with %s", (_, exact) => {
  describe.concurrent("a refresher that fails", () => {
    test.for([
      ["503", 0],
      ["503", 20],
      ["503", 150],
      ["cloudflare", 20],
      ["cloudflare", 150],
    ] as const)(
      "Trakt answers %s, store latency %i ms: the next waiter takes over at once, with exactly one more refresh",
      async ([answer, latency], { expect }) => {
        const issuer = new Issuer(20)
        issuer.script = [answer]
        const store = new MapStore({ latency, exact })
        const timeout = 10_000
        const instances = new Instances({ instances: 4, issuer, store, timeout })
        const session = issuer.issue()
        const outcomes = await Promise.all(instances.expiry(session.refresh_token!, 8))

        expect(issuer.calls.map((c) => c.answer)).toEqual([answer, "ok"])
        const [failed, next] = issuer.calls as [(typeof issuer.calls)[0], (typeof issuer.calls)[0]]
        expect(next.instance).not.toBe(failed.instance)
        // Released at once: nobody waited for the claim to go stale (timeout / 2 = 5 s). It costs
        // the release (a read, a write), a waiter's poll, and its claim (Fischer's: 3 calls and a settle of 3).
        expect(next.at - failed.answeredAt!).toBeLessThan(Math.min(lockTtl(timeout) / 2, 150 + 12 * latency + SLACK))
        // The failed instance's callers hear a transient failure (nothing says "sign in again"); every other caller gets the successor.
        const code = answer === "503" ? "SERVER_ERROR" : "CLOUDFLARE_BLOCKED"
        const successor = outcomes.find((o) => o.tokens)!.tokens!.access_token
        expect(got(outcomes)).toEqual(outcomes.map((o) => (o.instance === failed.instance ? code : successor)))
        expectPrompt(expect, outcomes, timeout)
        expect(instances.reported()).toEqual([])

        // The next request on the failed instance finds the successor: no refresh.
        const retry = await instances.call(failed.instance, session.refresh_token!)
        expect(retry.tokens?.access_token).toBe(successor)
        expect(issuer.calls).toHaveLength(2)
      },
    )
  })

  describe.concurrent("a holder that dies with the claim", () => {
    test.for([0, 20, 150])(
      "its refresh never ends, store latency %i ms: one waiter takes over after timeout / 2, the rest get its tokens",
      async (latency, { expect }) => {
        const issuer = new Issuer(20)
        issuer.script = ["hang"]
        const store = new MapStore({ latency, exact })
        // At 150 ms a round trip, Fischer's claim takes about 1 s, and there are two of them.
        const timeout = latency < 150 ? 3_000 : 6_000
        const instances = new Instances({ instances: 3, issuer, store, timeout })
        const session = issuer.issue()
        const calls = instances.expiry(session.refresh_token!, 9)
        while (!issuer.calls.length) await sleep(5)
        const dead = issuer.calls[0]!.instance
        // A dead instance answers nobody: the others' callers are the ones that count.
        const outcomes = await Promise.all(calls.filter((_, i) => i % 3 !== dead))

        expect(issuer.calls.map((c) => c.answer)).toEqual(["hang", "ok"])
        // Waiters see the claim about when its holder calls Trakt, and each counts timeout / 2 from then.
        const takeover = issuer.calls[1]!.at - issuer.calls[0]!.at
        expect(takeover).toBeGreaterThanOrEqual(lockTtl(timeout) - latency - 10)
        // Then a poll to see it stale, and a claim (Fischer's settle is 3 round trips).
        expect(takeover).toBeLessThan(lockTtl(timeout) + 100 + 8 * latency + SLACK)
        const successor = outcomes.find((o) => o.tokens)!.tokens!.access_token
        expect(got(outcomes)).toEqual(Array(6).fill(successor))
        expectPrompt(expect, outcomes, timeout)
        expect(instances.reported()).toEqual([])
      },
    )

    test("a claim left in the store by an instance that died: taken over after timeout / 2, one refresh", async ({ expect }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 20, exact })
      const timeout = 2_000
      const instances = new Instances({ instances: 4, issuer, store, timeout })
      const session = issuer.issue()
      // A claim that outlives timeout / 2 in the store: its holder had a longer timeout, or the store rounds ttl up.
      store.write((await keysOf(session.refresh_token!)).lock, "a-dead-instance", 60)
      const started = performance.now()
      const outcomes = await Promise.all(instances.expiry(session.refresh_token!, 8))

      expect(issuer.calls).toHaveLength(1)
      expect(issuer.calls[0]!.at - started).toBeGreaterThanOrEqual(lockTtl(timeout))
      expect(new Set(got(outcomes)).size).toBe(1)
      expect(got(outcomes)[0]).toMatch(/^access-/)
      expectPrompt(expect, outcomes, timeout)
    })
  })

  describe.concurrent("handing over", () => {
    test("16 waiters on 8 instances see a dead claim at once (store latency 40 ms ± 90 %): one takes it over, nobody is refused", async ({
      expect,
    }) => {
      for (let round = 0; round < 4; round++) {
        const issuer = new Issuer(20)
        const store = new MapStore({ latency: 40, jitter: 0.9, exact })
        const timeout = 2_000
        const instances = new Instances({ instances: 8, issuer, store, timeout })
        const session = issuer.issue()
        store.write((await keysOf(session.refresh_token!)).lock, "a-dead-instance", 60)
        const outcomes = await Promise.all(instances.expiry(session.refresh_token!, 16))
        const successor = outcomes.find((o) => o.tokens)?.tokens?.access_token
        expect(got(outcomes)).toEqual(Array(16).fill(successor))
        // Exact with setItemIfAbsent; Fischer's timing may let a second one through, whose refusal finds the first one's result.
        expect(issuer.calls.length).toBeLessThanOrEqual(exact ? 1 : 2)
        expectPrompt(expect, outcomes, timeout)
      }
    })

    test("a claim marked released (as a get/set-only copy of the app releases it): claimed at once, one refresh", async ({ expect }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 10, exact })
      const instances = new Instances({ instances: 4, issuer, store, timeout: 3_000 })
      const session = issuer.issue()
      store.write((await keysOf(session.refresh_token!)).lock, "released", 1)
      const outcomes = await Promise.all(instances.expiry(session.refresh_token!, 8))
      expect(issuer.calls).toHaveLength(1)
      expect(new Set(got(outcomes)).size).toBe(1)
      expect(got(outcomes)[0]).toMatch(/^access-/)
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(500)
    })

    test("a slow holder taken over, then failing, does not release the new holder's claim", async ({ expect }) => {
      const issuer = new Issuer(20)
      // The first holder answers 503 after 1.4 s; the one that took it over at timeout / 2 needs 600 ms.
      issuer.script = ["503"]
      issuer.latencies = [1_400, 600]
      const store = new MapStore({ latency: 10, exact })
      const timeout = 2_000
      const instances = new Instances({ instances: 3, issuer, store, timeout })
      const outcomes = await Promise.all(instances.expiry(issuer.issue().refresh_token!, 6))
      expect(issuer.calls.map((c) => c.answer)).toEqual(["503", "ok"])
      const [first, second] = issuer.calls as [(typeof issuer.calls)[0], (typeof issuer.calls)[0]]
      const successor = outcomes.find((o) => o.tokens)!.tokens!.access_token
      expect(got(outcomes)).toEqual(outcomes.map((o) => (o.instance === first.instance ? "SERVER_ERROR" : successor)))
      expect(second.instance).not.toBe(first.instance)
      expectPrompt(expect, outcomes, timeout)
    })
  })

  describe.concurrent("clocks that disagree", () => {
    // The lock measures time on each instance's own monotonic clock; these differ by hours.
    const offsets = [0, 3_600_000, -86_400_000, 123_456, -5_000, 42, 7_200_000, -1]

    test("healthy: one refresh per expiry", async ({ expect }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 20, exact })
      const instances = new Instances({ instances: 8, issuer, store, timeout: 3_000, clockOffsets: offsets })
      for (let expiry = 0; expiry < 3; expiry++) {
        const outcomes = await Promise.all(instances.expiry(issuer.issue().refresh_token!, 16, 30))
        expect(new Set(got(outcomes)).size).toBe(1)
      }
      expect(issuer.calls).toHaveLength(3)
      expect(instances.reported()).toEqual([])
    })

    test("a dead holder: taken over once, after timeout / 2 of real time", async ({ expect }) => {
      const issuer = new Issuer(20)
      issuer.script = ["hang"]
      const store = new MapStore({ latency: 20, exact })
      const timeout = 2_000
      const instances = new Instances({ instances: 4, issuer, store, timeout, clockOffsets: offsets })
      const calls = instances.expiry(issuer.issue().refresh_token!, 8)
      while (!issuer.calls.length) await sleep(5)
      const dead = issuer.calls[0]!.instance
      const outcomes = await Promise.all(calls.filter((_, i) => i % 4 !== dead))
      expect(issuer.calls.map((c) => c.answer)).toEqual(["hang", "ok"])
      expect(issuer.calls[1]!.at - issuer.calls[0]!.at).toBeGreaterThanOrEqual(lockTtl(timeout) - 200)
      expect(new Set(got(outcomes)).size).toBe(1)
      expectPrompt(expect, outcomes, timeout)
    })
  })
})

describe("store round trips", () => {
  test.for([
    [true, 3],
    [false, 5],
  ] as const)("a holder (setItemIfAbsent: %s) makes %i store calls: read the result, claim, write the result", async ([exact, count]) => {
    const issuer = new Issuer(5)
    const store = new MapStore({ exact })
    const instances = new Instances({ instances: 1, issuer, store, timeout: 1_000 })
    const outcome = await instances.call(0, issuer.issue().refresh_token!)
    expect(outcome.tokens).toBeDefined()
    const ops = store.log.map((c) => `${c.op} ${c.key.split(":")[1]}`)
    expect(ops).toEqual(
      exact ? ["get rotated", "setIfAbsent lock", "set rotated"] : ["get rotated", "get lock", "set lock", "get lock", "set rotated"],
    )
    expect(ops).toHaveLength(count)
  })

  test.for([true, false])("a waiter (setItemIfAbsent: %s) makes 2 store calls per poll: the result, then the claim", async (exact) => {
    const issuer = new Issuer(5)
    const store = new MapStore({ exact })
    const instances = new Instances({ instances: 1, issuer, store, timeout: 2_000 })
    const session = issuer.issue()
    store.write((await keysOf(session.refresh_token!)).lock, "another-instance", 60)
    const successor = issuer.issue()
    setTimeout(() => void recordSuccessor(store.store, session.refresh_token!, successor), 400)
    const outcome = await instances.call(0, session.refresh_token!)
    expect(outcome.tokens?.access_token).toBe(successor.access_token)
    expect(issuer.calls).toEqual([])

    const ops = store.log.filter((c) => !(c.op === "set" && c.key.includes("rotated"))).map((c) => `${c.op} ${c.key.split(":")[1]}`)
    const claim = exact ? ["get rotated", "setIfAbsent lock", "get lock"] : ["get rotated", "get lock"]
    expect(ops.slice(0, claim.length)).toEqual(claim)
    const polls = ops.slice(claim.length)
    // Each poll reads the result, then (while there is none) the claim; the last one finds the result.
    expect(polls.length % 2).toBe(1)
    expect(polls).toEqual([
      ...Array((polls.length - 1) / 2)
        .fill(["get rotated", "get lock"])
        .flat(),
      "get rotated",
    ])
    expect(polls.length).toBeGreaterThan(5)
  })
})
