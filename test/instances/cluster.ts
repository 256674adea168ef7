/**
 * Several server instances of one app (separate Node processes, one
 * AUTH_SECRET, one Redis) and the Trakt stand-in they share, and the trial
 * users meet in production: K concurrent requests carrying one expired
 * session, spread over the instances. Faults can be staged: Trakt failing the
 * first refresh of each expiry (a 503, or Cloudflare's HTML 403), or an
 * instance that died holding the refresh lock. The multi-instance tests and
 * the benchmark both run it.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { randomUUID } from "node:crypto"
import { createRequire } from "node:module"
import { join } from "node:path"
import { encode } from "@auth/core/jwt"
import { UnstorageAdapter } from "@auth/unstorage-adapter"
import { createStorage, type Storage } from "unstorage"
import redisDriver from "unstorage/drivers/redis"
import { sealKey } from "../../src/seal.js"
import { CLOUDFLARE_BLOCK_PAGE, createTraktStandIn, type TraktStandIn } from "../../src/testing.js"
import { serveOnLoopback, type LoopbackServer } from "../../src/testing/node-server.js"
import { redisStore, type SharedStore, type StoreKind } from "./stores.js"

const ROOT = join(import.meta.dirname, "..", "..")
const SECRET = "instances-share-this-secret-0123456789-0123456789"
const CLIENT = { id: "instances-client", secret: "instances-secret" }
const COOKIE = "authjs.session-token"

export type Mode = "jwt" | "database"

export interface ClusterOptions {
  mode: Mode
  instances: number
  /** A shared Redis URL for the token store (the database always uses it in `database` mode). */
  redisUrl: string
  /** Whether the instances share a token store (on Redis) or keep to themselves. */
  store: boolean
  /** Which store on Redis. @default "unstorage" */
  storeKind?: StoreKind
  /** The refresh helpers' `timeout`, in ms. @default the package's (10 s) */
  timeout?: number
}

/**
 * How the first refresh of each expiry goes (the ones after it succeed): Trakt
 * answers 503, or Cloudflare's HTML 403; or the instance that sent it is
 * killed (SIGKILL) with the request in flight, holding the lock, before Trakt
 * spent the token.
 */
export type Fault = "503" | "cloudflare" | "kill"

export interface TrialOptions {
  /** Before the requests, an instance that died holding the lock left its claim in the store. */
  deadClaim?: boolean
}

/** What one trial saw. */
export interface TrialResult {
  /** Requests to Trakt's token endpoint with grant_type=refresh_token. */
  refreshes: number
  /** Responses whose session carried `error: "RefreshTokenError"`. */
  errors: number
  /** Whether the user ended signed out: what the browser (or database) kept cannot be used at Trakt. */
  signedOut: boolean
  /** Milliseconds each request took, in the order sent: every one of them waited for the refresh. */
  latencies: number[]
  /** Refreshes the staged fault answered (they never reached the stand-in, nor count in `refreshes`). */
  faulted: number
  /** Requests sent to an instance that was killed: nobody answers them, and they count nowhere else. */
  lost: number
}

export interface Cluster {
  trakt: TraktStandIn
  /** Set to fail the first refresh of each expiry from now on. */
  fault: Fault | undefined
  /** Runs one trial: `concurrent` session requests carrying one expired session. */
  trial(concurrent: number, options?: TrialOptions): Promise<TrialResult>
  /** Everything the instances printed. */
  output(): string
  stop(): Promise<void>
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const trakt = createTraktStandIn({ clients: [{ id: CLIENT.id, secret: CLIENT.secret, redirectUris: ["http://localhost:3000/auth/callback/trakt"] }] })
  const failed = new Set<string>()
  const faults = { count: 0 }
  const cluster = { fault: undefined as Fault | undefined }
  const children: ChildProcess[] = []
  const standIn: LoopbackServer = await serveOnLoopback(async (request) => {
    if (cluster.fault && new URL(request.url).pathname.endsWith("/oauth/token")) {
      const body = await request
        .clone()
        .json()
        .catch(() => undefined)
      if (body?.grant_type === "refresh_token" && !failed.has(body.refresh_token)) {
        failed.add(body.refresh_token)
        faults.count++
        if (cluster.fault === "kill") {
          // Each instance names itself in its User-Agent. tsx's wrapper exits when the server does.
          const index = Number(/instance-(\d+)/.exec(request.headers.get("user-agent") ?? "")?.[1])
          const exited = new Promise((done) => children[index]!.once("exit", done))
          process.kill(pids[index]!, "SIGKILL")
          await exited
          return new Response(null, { status: 503 }) // to nobody
        }
        if (cluster.fault === "503") return new Response("Service Unavailable", { status: 503 })
        return new Response(CLOUDFLARE_BLOCK_PAGE, { status: 403, headers: { "content-type": "text/html" } })
      }
    }
    return trakt.handle(request)
  })
  const tsx = createRequire(import.meta.url).resolve("tsx/cli")
  let output = ""
  const pids: number[] = []
  const urls = await Promise.all(
    Array.from({ length: options.instances }, (_, index) => {
      const child = spawn(process.execPath, [tsx, "--tsconfig", "tsconfig.run.json", "test/instances/instance.ts"], {
        cwd: ROOT,
        env: {
          ...process.env,
          MODE: options.mode,
          REDIS_URL: options.redisUrl,
          STORE: options.store ? (options.storeKind ?? "unstorage") : "none",
          TIMEOUT: options.timeout ? String(options.timeout) : "",
          USER_AGENT: `authjs-trakt-instances/instance-${index}`,
          TRAKT_BASE_URL: standIn.url,
          AUTH_SECRET: SECRET,
          CLIENT_ID: CLIENT.id,
          CLIENT_SECRET: CLIENT.secret,
          // The database recipe has no token to keep the callback URL in: it reads AUTH_URL.
          AUTH_URL: options.mode === "database" ? "http://localhost:3000/auth" : "",
        },
        stdio: ["ignore", "pipe", "pipe"],
      })
      children.push(child)
      return new Promise<string>((resolve, reject) => {
        let printed = ""
        const collect = (chunk: Buffer) => {
          printed += chunk
          output += `[instance ${index}] ${chunk}`
          const [, url, pid] = /listening (http:\/\/\S+) pid (\d+)/.exec(printed) ?? []
          if (url) {
            pids[index] = Number(pid)
            resolve(url)
          }
        }
        child.stdout!.on("data", collect)
        child.stderr!.on("data", collect)
        child.once("exit", (code) => reject(new Error(`instance ${index} exited (${code}):\n${printed}`)))
      })
    }),
  )
  const database = options.mode === "database" ? createStorage({ driver: redisDriver({ url: options.redisUrl, base: "db" }) }) : undefined
  // The store as the instances see it, to stage what a dead instance left.
  let store: SharedStore | undefined
  const claimLeftBehind = async (refreshToken: string) => {
    store ??= redisStore(options.storeKind ?? "unstorage", options.redisUrl)
    const { id } = await sealKey(refreshToken)
    // As a claim would stand: for longer than timeout / 2 (the store's ttl is in whole seconds).
    await store.setItem(`authjs-trakt:lock:${id}`, "an-instance-that-died", { ttl: 60 })
  }

  return Object.assign(cluster, {
    trakt,
    output: () => output,
    async trial(concurrent: number, { deadClaim = false }: TrialOptions = {}) {
      const before = faults.count
      // Requests go to the instances still running.
      const alive = urls.filter((_, index) => !exited(children[index]!))
      const result = await trial(trakt, alive, concurrent, database, deadClaim ? claimLeftBehind : undefined)
      return { ...result, faulted: faults.count - before }
    },
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise((done) => {
              if (exited(child)) return done(undefined)
              child.once("exit", done)
              child.kill("SIGTERM")
            }),
        ),
      )
      await database?.dispose()
      await store?.close()
      await standIn.close()
    },
  })
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null

const refreshCount = (trakt: TraktStandIn) =>
  trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token").length

/** A user whose access token has just expired: their cookie (JWT) or their stored account (database). */
async function expiredSession(trakt: TraktStandIn, database?: Storage) {
  const issued = trakt.issueTokens({ client: CLIENT.id })
  const expires_at = Math.floor(Date.now() / 1000) - 10
  if (!database) {
    const userId = randomUUID()
    const token = {
      sub: userId,
      name: "Justin Nemeth",
      access_token: issued.access_token,
      refresh_token: issued.refresh_token,
      expires_at,
      // What traktJwt kept at sign-in.
      redirect_uri: "http://localhost:3000/auth/callback/trakt",
    }
    return { userId, refreshToken: issued.refresh_token, cookie: await encode({ token, secret: SECRET, salt: COOKIE }) }
  }
  const adapter = UnstorageAdapter(database)
  // The adapter picks the user's id.
  const { id: userId } = await adapter.createUser!({ id: "", name: "Justin Nemeth", email: `${randomUUID()}@users.invalid`, emailVerified: null })
  await adapter.linkAccount!({
    userId,
    type: "oauth",
    provider: "trakt",
    providerAccountId: userId,
    access_token: issued.access_token,
    refresh_token: issued.refresh_token,
    expires_at,
    token_type: "bearer",
  })
  const sessionToken = randomUUID()
  await adapter.createSession!({ sessionToken, userId, expires: new Date(Date.now() + 86_400_000) })
  return { userId, refreshToken: issued.refresh_token, cookie: sessionToken }
}

async function trial(
  trakt: TraktStandIn,
  urls: string[],
  concurrent: number,
  database?: Storage,
  stage?: (refreshToken: string) => Promise<void>,
): Promise<Omit<TrialResult, "faulted">> {
  const { userId, cookie, refreshToken } = await expiredSession(trakt, database)
  await stage?.(refreshToken)
  const before = refreshCount(trakt)
  let lastCookie: string | undefined
  const sent = await Promise.all(
    Array.from({ length: concurrent }, async (_, index) => {
      const started = performance.now()
      let response: Response
      try {
        response = await fetch(`${urls[index % urls.length]}/auth/session`, { headers: { cookie: `${COOKIE}=${cookie}` } })
      } catch {
        return undefined // the instance died with the request
      }
      const session = (await response.json()) as { error?: string; accessToken?: string } | null
      // The browser keeps whichever Set-Cookie arrives last.
      const set = response.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`))
      if (set) lastCookie = set.slice(COOKIE.length + 1).split(";")[0]
      return { ms: performance.now() - started, session }
    }),
  )
  const results = sent.filter((result) => result !== undefined)
  const refreshes = refreshCount(trakt) - before

  let signedOut: boolean
  if (database) {
    const account = await UnstorageAdapter(database).getAccount!(userId, "trakt")
    signedOut = !account?.access_token || !trakt.isValid(account.access_token) || !trakt.canRefresh(account.refresh_token!)
  } else {
    const { decode } = await import("@auth/core/jwt")
    const kept = lastCookie ? await decode({ token: lastCookie, secret: SECRET, salt: COOKIE }) : null
    signedOut =
      !kept || !!kept.error || !trakt.isValid(kept.access_token as string) || !trakt.canRefresh(kept.refresh_token as string)
    if (signedOut && kept && !kept.error && lastCookie) {
      // The browser kept a cookie with a spent refresh token (a response that
      // failed transiently arrived last). That is fine as long as the spent
      // token resolves to its successor on every instance: ask each once.
      const again = await Promise.all(
        urls.map(async (url) => {
          const response = await fetch(`${url}/auth/session`, { headers: { cookie: `${COOKIE}=${lastCookie}` } }).catch(() => undefined)
          return response && ((await response.json()) as { error?: string; accessToken?: string } | null)
        }),
      )
      // (An instance killed meanwhile answers nothing, and is not asked.)
      signedOut = again.some((session) => session !== undefined && (!session?.accessToken || !!session.error || !trakt.isValid(session.accessToken)))
    }
  }
  return {
    refreshes,
    errors: results.filter((r) => r.session?.error === "RefreshTokenError").length,
    signedOut,
    latencies: results.map((r) => r.ms),
    lost: sent.length - results.length,
  }
}
