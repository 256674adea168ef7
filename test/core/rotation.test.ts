/**
 * The rotation engine on its own (src/core/refresh/rotation.ts), with its
 * collaborators as plain functions (test/support/rotation-harness.ts): simulated
 * instances, each with its own memory and monotonic clock, sharing a store
 * made of a Map and a Trakt that spends each refresh token once. Every case
 * counts the refreshes that reach Trakt, says what each caller got, and
 * checks that nobody waits past `timeout` + `WRITE_MARGIN`. The lock's own
 * cases (hand-over, takeover, store calls) are lock.test.ts's.
 */
import { describe, test } from "vitest"
import { WRITE_MARGIN } from "../../src/core/refresh/rotation.js"
import { seal } from "../../src/core/refresh/seal.js"
import { sleep } from "../../src/core/util/time.js"
import { expectPrompt, got, Instances, Issuer, KINDS, keysOf, MapStore, recordSuccessor, SLACK } from "../support/rotation-harness.js"

describe.each(KINDS)("a store with %s", (_, exact) => {
  describe.concurrent("healthy", () => {
    test.for([
      [5, 2, 0],
      [10, 4, 0],
      [16, 8, 0],
      [5, 2, 20],
      [10, 4, 20],
      [16, 8, 20],
      [5, 2, 150],
      [10, 4, 150],
      [16, 8, 150],
    ] as const)(
      "%i callers over %i instances, store latency %i ms: one refresh per expiry, the same tokens for all",
      async ([concurrent, n, latency], { expect }) => {
        const issuer = new Issuer(20)
        const store = new MapStore({ latency, exact })
        const timeout = 4_000
        const instances = new Instances({ instances: n, issuer, store, timeout })
        for (let expiry = 0; expiry < 3; expiry++) {
          const session = issuer.issue()
          const before = issuer.calls.length
          const outcomes = await Promise.all(instances.expiry(session.refresh_token!, concurrent, 30))
          expect(issuer.calls.length - before).toBe(1)
          const [successor] = got(outcomes)
          expect(successor).toMatch(/^access-/)
          expect(got(outcomes)).toEqual(Array(concurrent).fill(successor))
          expectPrompt(expect, outcomes, timeout)
        }
        expect(instances.reported()).toEqual([])
      },
    )
  })

  describe.concurrent("a store that stalls", () => {
    test("from the first call: reported once, then one instance refreshes without it", async ({ expect }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 20, exact })
      store.stalled = true
      const timeout = 2_000
      const instances = new Instances({ instances: 1, issuer, store, timeout })
      const session = issuer.issue()
      const outcomes = await Promise.all(instances.expiry(session.refresh_token!, 5))
      expect(issuer.calls).toHaveLength(1)
      expect(new Set(got(outcomes)).size).toBe(1)
      expect(got(outcomes)[0]).toMatch(/^access-/)
      expect(instances.reported()).toEqual(["STORE_ERROR"])
      // Each store call gets a quarter of the timeout, so that the refresh still fits.
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(timeout / 4 + 20 + SLACK)
    })

    test("on writing the result: the holder's callers get their tokens after timeout / 4, not at the deadline", async ({ expect }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 10, exact })
      store.stalls = (op, key) => op === "set" && key.includes(":rotated:")
      const timeout = 8_000
      const instances = new Instances({ instances: 1, issuer, store, timeout })
      const outcomes = await Promise.all(instances.expiry(issuer.issue().refresh_token!, 3))
      expect(new Set(got(outcomes)).size).toBe(1)
      expect(got(outcomes)[0]).toMatch(/^access-/)
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(timeout / 4 + 100 + SLACK)
      expect(instances.reported()).toEqual(["STORE_ERROR"])
    })

    test("on the claim, after reading the result fine: the refresh goes on without the store, a quarter of the timeout later", async ({
      expect,
    }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 10, exact })
      store.stalls = (op, key) => key.includes(":lock:") && op !== "get"
      const timeout = 4_000
      const instances = new Instances({ instances: 1, issuer, store, timeout })
      const outcomes = await Promise.all(instances.expiry(issuer.issue().refresh_token!, 3))
      expect(issuer.calls).toHaveLength(1)
      expect(got(outcomes)[0]).toMatch(/^access-/)
      expect(new Set(got(outcomes)).size).toBe(1)
      // The claim's quarter, a short try at letting go of it, the refresh, the result's write.
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(timeout / 4 + 250 + 20 + 4 * 10 + SLACK)
      expect(instances.reported()).toEqual(["STORE_ERROR"])
    })

    test("while another instance holds the claim: a transient failure, and no refresh that Trakt would refuse", async ({ expect }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 20, exact })
      const timeout = 2_000
      const instances = new Instances({ instances: 2, issuer, store, timeout })
      const session = issuer.issue()
      store.write((await keysOf(session.refresh_token!)).lock, "a-live-instance", 60)
      setTimeout(() => (store.stalled = true), 200)
      const outcomes = await Promise.all(instances.expiry(session.refresh_token!, 4))
      // That instance is spending the token: spending it too would be refused, and say "sign in again".
      expect(issuer.calls).toEqual([])
      expect(got(outcomes)).toEqual(Array(4).fill("STORE_ERROR"))
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(200 + 100 + timeout / 4 + SLACK)
      expect(instances.reported()).toEqual([])
    })
  })

  describe.concurrent("the deadline", () => {
    test.for([7, 23, 41, 66, 97])(
      "a healthy store (latency %i ms) and a claim someone keeps renewing: TIMEOUT at the deadline, never a false STORE_ERROR",
      async (latency, { expect }) => {
        const issuer = new Issuer(20)
        const store = new MapStore({ latency, exact })
        const timeout = 600
        const instances = new Instances({ instances: 1, issuer, store, timeout })
        const session = issuer.issue()
        const { lock } = await keysOf(session.refresh_token!)
        // Holders that keep handing the claim on: alive, so never stale.
        let n = 0
        store.write(lock, `holder-${n}`, 60)
        const renew = setInterval(() => store.write(lock, `holder-${++n}`, 60), 50)
        try {
          const outcomes = await Promise.all(instances.expiry(session.refresh_token!, 3))
          expect(got(outcomes)).toEqual(["TIMEOUT", "TIMEOUT", "TIMEOUT"])
          expect(instances.reported()).toEqual([])
          expect(issuer.calls).toEqual([])
          expectPrompt(expect, outcomes, timeout)
        } finally {
          clearInterval(renew)
        }
      },
    )

    test("Trakt slower than the timeout, callers arriving over a whole timeout: TIMEOUT for all, no store error, within the bound", async ({
      expect,
    }) => {
      const timeout = 800
      const issuer = new Issuer(10 * timeout)
      const store = new MapStore({ latency: 30, exact })
      const instances = new Instances({ instances: 4, issuer, store, timeout })
      const session = issuer.issue()
      const outcomes = await Promise.all(instances.expiry(session.refresh_token!, 12, timeout))
      expect(new Set(got(outcomes))).toEqual(new Set(["TIMEOUT"]))
      expect(instances.reported()).toEqual([])
      expectPrompt(expect, outcomes, timeout)
      // Every claim was let go, even those made just before a deadline: none holds up the next request.
      expect(store.read((await keysOf(session.refresh_token!)).lock) ?? "released").toBe("released")
      // The token was never spent: the next request, with Trakt back, refreshes it once.
      issuer.latency = 20
      const later = await Promise.all(instances.expiry(session.refresh_token!, 4))
      expect(new Set(got(later)).size).toBe(1)
      expect(issuer.calls.filter((c) => c.answeredAt)).toHaveLength(1)
    })
  })

  describe.concurrent("refusals", () => {
    test("refused because another instance spent the token; its result lands after our invalid_grant: we return it", async ({ expect }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 20, exact })
      const instances = new Instances({ instances: 1, issuer, store, timeout: 2_000 })
      const session = issuer.issue()
      // The other instance is at Trakt first; its write reaches the store 200 ms after our refusal.
      const successor = await issuer.spender(9)(session.refresh_token!, 1_000)
      issuer.onRefusal = () => void sleep(200).then(() => recordSuccessor(store.store, session.refresh_token!, successor))
      const outcomes = await Promise.all(instances.expiry(session.refresh_token!, 3))
      expect(got(outcomes)).toEqual(Array(3).fill(successor.access_token))
      expect(issuer.calls.map((c) => c.answer)).toEqual(["ok", "refused"])
      expect(instances.reported()).toEqual([])
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(20 + 200 + 100 + 3 * 20 + SLACK)
    })

    test("refused and nobody has a successor: invalid_grant (a refusal, not a timeout), remembered, then found once it is recorded", async ({
      expect,
    }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 20, exact })
      const instances = new Instances({ instances: 1, issuer, store, timeout: 5_000 })
      const session = issuer.issue()
      const successor = await issuer.spender(9)(session.refresh_token!, 1_000) // spent elsewhere, result lost

      const refused = await instances.call(0, session.refresh_token!)
      expect(refused.code).toBe("invalid_grant")
      // It looked for a successor for WRITE_MARGIN, not for the whole timeout.
      expect(refused.ms).toBeGreaterThanOrEqual(WRITE_MARGIN - 20)
      expect(refused.ms).toBeLessThan(WRITE_MARGIN + 20 + 4 * 20 + SLACK)
      // Remembered: not sent to Trakt again.
      expect((await instances.call(0, session.refresh_token!)).code).toBe("invalid_grant")
      expect(issuer.calls.map((c) => c.answer)).toEqual(["ok", "refused"])

      // The successor turns up in the store after all: no remembered refusal hides it.
      await recordSuccessor(store.store, session.refresh_token!, successor)
      expect((await instances.call(0, session.refresh_token!)).tokens?.access_token).toBe(successor.access_token)
      expect(issuer.calls).toHaveLength(2)
      expect(instances.reported()).toEqual([])
    })

    test("a refused token whose successor is in this process's memory: the successor", async ({ expect }) => {
      const issuer = new Issuer(20)
      const store = new MapStore({ latency: 0, exact })
      const instances = new Instances({ instances: 1, issuer, store, timeout: 1_200 })
      const session = issuer.issue()
      const successor = await issuer.spender(9)(session.refresh_token!, 1_000)
      expect((await instances.call(0, session.refresh_token!)).code).toBe("invalid_grant")
      // Another copy of the package in this process (another bundle) recorded it meanwhile.
      const { key } = await keysOf(session.refresh_token!)
      instances.deps[0]!.memory!.successors.set(key.id, await seal(key, { ...successor }), 3600)
      expect((await instances.call(0, session.refresh_token!)).tokens?.access_token).toBe(successor.access_token)
      expect(issuer.calls).toHaveLength(2)
    })
  })
})
