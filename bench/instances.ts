/**
 * Refresh across server instances: N = 1, 2, 4 Node processes of one app
 * (JWT sessions, traktJwt), each expiry met by 5 concurrent requests spread
 * over them, with a token store on Redis and without one. Prints Trakt refresh
 * calls, users left signed out, false RefreshTokenError responses, and the
 * latency of the requests that met the expired token (all of them wait for
 * the one refresh). Needs Debian's redis-server.
 */
import { spawnSync } from "node:child_process"
import { startCluster } from "../test/instances/cluster.js"
import { startRedis } from "../test/instances/redis.js"
import { percentile } from "./rounds.js"

const TRIALS = 50
const CONCURRENT = 5

if (spawnSync("redis-server", ["--version"]).error) {
  console.log("Refresh across instances: skipped, redis-server is not installed (apt-get install redis-server).")
  process.exit(0)
}

const redis = await startRedis()
const rows: string[] = []
try {
  for (const store of [true, false]) {
    for (const instances of [1, 2, 4]) {
      const cluster = await startCluster({ mode: "jwt", instances, redisUrl: redis.url, store })
      try {
        await cluster.trial(CONCURRENT) // warm-up: first requests load code
        const results = []
        for (let i = 0; i < TRIALS; i++) results.push(await cluster.trial(CONCURRENT))
        const latencies = results.flatMap((r) => r.latencies)
        rows.push(
          [
            store ? "Redis store" : "no store",
            String(instances),
            String(results.reduce((sum, r) => sum + r.refreshes, 0)),
            `${results.filter((r) => r.signedOut).length} of ${TRIALS}`,
            String(results.reduce((sum, r) => sum + r.errors, 0)),
            `${percentile(latencies, 50).toFixed(1)} ms`,
            `${percentile(latencies, 95).toFixed(1)} ms`,
          ]
            .map((cell, i) => cell.padEnd([12, 10, 16, 14, 16, 9, 9][i]!))
            .join(" "),
        )
      } finally {
        await cluster.stop()
      }
    }
  }
} finally {
  await redis.stop()
}
console.log(`Refresh across instances: ${TRIALS} expiries, ${CONCURRENT} concurrent requests each, spread over the instances:`)
console.log(`  ${["store", "instances", "Trakt refreshes", "signed out", "false errors", "median", "p95"].map((c, i) => c.padEnd([12, 10, 16, 14, 16, 9, 9][i]!)).join(" ")}`)
for (const row of rows) console.log(`  ${row}`)
