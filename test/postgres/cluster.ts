/**
 * Several server instances of one app on database sessions (separate Node
 * processes, one AUTH_SECRET, one PostgreSQL), the Trakt stand-in they share,
 * and the trial users meet in production: K concurrent session requests
 * carrying one expired token, spread over the instances. Like
 * test/instances/cluster.ts, on PostgreSQL and the SQL adapters.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { randomUUID } from "node:crypto"
import { createRequire } from "node:module"
import { join } from "node:path"
import pg from "pg"
import { startTraktStandIn, type RunningTraktStandIn, type TraktStandIn } from "../../src/testing.js"
import type { StoreCalls } from "./counting.js"
import { openDatabase, type AdapterKind, type AppDatabase } from "./schemas.js"

const ROOT = join(import.meta.dirname, "..", "..")
const SECRET = "instances-share-this-secret-0123456789-0123456789"
const CLIENT = { id: "instances-client", secret: "instances-secret" }
const COOKIE = "authjs.session-token"

export interface PostgresClusterOptions {
  adapter: AdapterKind
  instances: number
  /** The app's database, its schema in place. */
  databaseUrl: string
  /** Where the instances reach the refresh store (the same database, or a proxy to it); none without. */
  storeUrl?: string
}

/** What one trial saw. */
export interface PostgresTrial {
  /** Requests to Trakt's token endpoint with grant_type=refresh_token. */
  refreshes: number
  /** Responses whose session carried `error: "RefreshTokenError"`, or no session at all. */
  errors: number
  /** Whether the account row, afterwards, holds tokens Trakt accepts (and only one row). */
  healthy: boolean
  /** Store calls the instances made, by method, summed. */
  storeCalls: StoreCalls
  /** Milliseconds each request took. */
  latencies: number[]
}

export interface PostgresCluster {
  trakt: TraktStandIn
  trial(concurrent: number): Promise<PostgresTrial>
  output(): string
  stop(): Promise<void>
}

export async function startPostgresCluster(options: PostgresClusterOptions): Promise<PostgresCluster> {
  const trakt: RunningTraktStandIn = await startTraktStandIn({
    clients: [{ id: CLIENT.id, secret: CLIENT.secret, redirectUris: ["http://localhost:3000/auth/callback/trakt"] }],
  })
  const instances = await spawnInstances("test/postgres/instance.ts", options.instances, {
    ADAPTER: options.adapter,
    DATABASE_URL: options.databaseUrl,
    STORE_URL: options.storeUrl ?? "",
    TRAKT_BASE_URL: trakt.url,
    AUTH_SECRET: SECRET,
    CLIENT_ID: CLIENT.id,
    CLIENT_SECRET: CLIENT.secret,
    // An account has no column for the sign-in's callback URL: AUTH_URL.
    AUTH_URL: "http://localhost:3000/auth",
  })
  const { urls } = instances
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 })
  pool.on("error", () => {})
  const database = openDatabase(options.adapter, options.databaseUrl, pool)

  return {
    trakt,
    output: instances.output,
    trial: (concurrent) => trial(trakt, urls, concurrent, database),
    async stop() {
      await instances.stop()
      await database.close()
      await pool.end()
      await trakt.stop()
    },
  }
}

const refreshCount = (trakt: TraktStandIn) => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token").length

async function storeCalls(urls: string[]): Promise<StoreCalls> {
  const sum: StoreCalls = { getItem: 0, setItem: 0, setItemIfAbsent: 0, removeItem: 0 }
  for (const url of urls) {
    const calls = (await (await fetch(`${url}/stats`)).json()) as Partial<StoreCalls>
    for (const key of Object.keys(sum) as (keyof StoreCalls)[]) sum[key] += calls[key] ?? 0
  }
  return sum
}

/** A signed-in user whose access token has just expired: the adapter's user, account and session rows. */
async function expiredUser(trakt: TraktStandIn, database: AppDatabase) {
  const issued = trakt.issueTokens({ client: CLIENT.id })
  const { adapter } = database
  const { id: userId } = await adapter.createUser!({
    id: "",
    name: "Justin Nemeth",
    email: `${randomUUID()}@users.invalid`,
    emailVerified: null,
  })
  await adapter.linkAccount!({
    userId,
    type: "oauth",
    provider: "trakt",
    providerAccountId: randomUUID(),
    access_token: issued.access_token,
    refresh_token: issued.refresh_token,
    expires_at: Math.floor(Date.now() / 1000) - 10,
    token_type: "bearer",
  })
  const sessionToken = randomUUID()
  await adapter.createSession!({ sessionToken, userId, expires: new Date(Date.now() + 86_400_000) })
  return { userId: String(userId), sessionToken }
}

async function trial(trakt: TraktStandIn, urls: string[], concurrent: number, database: AppDatabase): Promise<PostgresTrial> {
  const { userId, sessionToken } = await expiredUser(trakt, database)
  const before = { refreshes: refreshCount(trakt), calls: await storeCalls(urls) }
  const results = await Promise.all(
    Array.from({ length: concurrent }, async (_, index) => {
      const started = performance.now()
      const response = await fetch(`${urls[index % urls.length]}/auth/session`, { headers: { cookie: `${COOKIE}=${sessionToken}` } })
      const session = (await response.json()) as { error?: string; user?: { name?: string } } | null
      return { ms: performance.now() - started, session }
    }),
  )
  const after = await storeCalls(urls)
  const rows = await database.rows(userId)
  const row = rows[0]
  return {
    refreshes: refreshCount(trakt) - before.refreshes,
    errors: results.filter((r) => !r.session?.user || r.session.error === "RefreshTokenError").length,
    healthy: rows.length === 1 && !!row?.access_token && trakt.isValid(row.access_token) && trakt.canRefresh(row.refresh_token!),
    storeCalls: Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before.calls[k as keyof StoreCalls]])) as StoreCalls,
    latencies: results.map((r) => r.ms),
  }
}

/** Node processes running one script (the package's source, by tsx), each printing `listening <url>` when ready. */
export interface Instances {
  urls: string[]
  /** What they printed, each line marked with its instance. */
  output(): string
  /** SIGTERM to each, resolved once all have exited. */
  stop(): Promise<void>
}

export async function spawnInstances(script: string, count: number, env: Record<string, string>): Promise<Instances> {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli")
  let output = ""
  const children: ChildProcess[] = []
  const stop = () =>
    Promise.all(
      children.map(
        (child) =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done(undefined)
            child.once("exit", done)
            child.kill("SIGTERM")
          }),
      ),
    ).then(() => {})
  const started = Array.from({ length: count }, (_, index) => {
    const child = spawn(process.execPath, [tsx, script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    children.push(child)
    return new Promise<string>((resolve, reject) => {
      let printed = ""
      const collect = (chunk: Buffer) => {
        printed += chunk
        output += `[instance ${index}] ${chunk}`
        const url = /listening (http:\/\/\S+)/.exec(printed)?.[1]
        if (url) resolve(url)
      }
      child.stdout!.on("data", collect)
      child.stderr!.on("data", collect)
      child.once("exit", (code) => reject(new Error(`instance ${index} exited (${code}):\n${printed}`)))
    })
  })
  // One that fails to start takes the others down with it.
  const urls = await Promise.all(started).catch(async (error) => {
    await stop()
    throw error
  })
  return { urls, output: () => output, stop }
}
