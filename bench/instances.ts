/**
 * Refresh across server instances: N = 1, 2, 4 Node processes of one app
 * (JWT sessions, traktJwt), each expiry met by 5 concurrent requests spread
 * over them: with a token store on Redis (unstorage's get/set, so Fischer's
 * lock; or ioredis with the atomic `setItemIfAbsent`) and without one, while
 * Trakt is healthy and while it answers the first refresh of each expiry with
 * a 503. Returns, as lines, the refreshes reaching Trakt (the injected 503s
 * not counted), users left signed out, false RefreshTokenError responses, and
 * the latency of the requests that met the expired token (all of them wait
 * for the one refresh); bench/report.ts writes them to bench/README.md,
 * `tsx bench/instances.ts` prints them alone. Needs Debian's redis-server.
 */
import { spawnSync } from "node:child_process"
import { startCluster, type Fault } from "../test/instances/cluster.js"
import { startRedis } from "../test/instances/redis.js"
import type { StoreKind } from "../test/instances/stores.js"
import { percentile, runAlone } from "./rounds.js"

const TRIALS = 50
const CONCURRENT = 5
const WIDTHS = [22, 10, 11, 16, 14, 13, 9, 9]
const row = (cells: string[]) => cells.map((cell, i) => cell.padEnd(WIDTHS[i]!)).join(" ")
const STORES: [string, StoreKind | undefined][] = [
  ["Redis, get/set", "unstorage"],
  ["Redis, set-if-absent", "set-if-absent"],
  ["no store", undefined],
]
const FAULTS: [string, Fault | undefined][] = [
  ["none", undefined],
  ["503 first", "503"],
]

export async function instancesBench(): Promise<string[]> {
  if (spawnSync("redis-server", ["--version"]).error) {
    return ["Refresh across instances: skipped, redis-server is not installed (apt-get install redis-server)."]
  }
  const redis = await startRedis()
  const rows: string[] = []
  try {
    for (const [label, storeKind] of STORES) {
      for (const instances of [1, 2, 4]) {
        const cluster = await startCluster({ mode: "jwt", instances, redisUrl: redis.url, store: !!storeKind, storeKind })
        try {
          await cluster.trial(CONCURRENT) // warm-up: first requests load code
          for (const [faultLabel, fault] of FAULTS) {
            cluster.fault = fault
            const results = []
            for (let i = 0; i < TRIALS; i++) results.push(await cluster.trial(CONCURRENT))
            const latencies = results.flatMap((r) => r.latencies)
            rows.push(
              row([
                label,
                String(instances),
                faultLabel,
                String(results.reduce((sum, r) => sum + r.refreshes, 0)),
                `${results.filter((r) => r.signedOut).length} of ${TRIALS}`,
                String(results.reduce((sum, r) => sum + r.errors, 0)),
                `${percentile(latencies, 50).toFixed(1)} ms`,
                `${percentile(latencies, 95).toFixed(1)} ms`,
              ]),
            )
          }
        } finally {
          await cluster.stop()
        }
      }
    }
  } finally {
    await redis.stop()
  }
  return [
    `Refresh across instances: ${TRIALS} expiries, ${CONCURRENT} concurrent requests each, spread over the instances;`,
    `"503 first": Trakt answers the first refresh of each expiry with a 503 (not counted in "refreshes"):`,
    `  ${row(["store", "instances", "Trakt", "refreshes", "signed out", "false errors", "median", "p95"])}`,
    ...rows.map((r) => `  ${r}`),
  ]
}

await runAlone(import.meta.url, instancesBench)
