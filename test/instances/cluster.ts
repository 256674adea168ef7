/**
 * Several server instances of one app (separate Node processes, one
 * AUTH_SECRET, one Redis) and the Trakt stand-in they share, and the trial
 * users meet in production: K concurrent requests carrying one expired
 * session, spread over the instances. Faults can be staged: Trakt failing the
 * first refresh of each expiry (a 503, or Cloudflare's HTML 403), or an
 * instance that died holding the refresh lock. In `client` mode the requests
 * are split between `/auth/session` (traktJwt) and the app's `/api/stats`
 * (createTraktClient). The multi-instance tests and the benchmark both run it.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { randomUUID } from "node:crypto"
import { createRequire } from "node:module"
import { join } from "node:path"
import { setTimeout as delay } from "node:timers/promises"
import { isDeepStrictEqual } from "node:util"
import { encode } from "@auth/core/jwt"
import { UnstorageAdapter } from "@auth/unstorage-adapter"
import { createStorage, type Storage } from "unstorage"
import redisDriver from "unstorage/drivers/redis"
import { sealKey } from "../../src/core/refresh/seal.js"
import { CLOUDFLARE_BLOCK_PAGE, createTraktStandIn, defaultStandInUser, type TraktStandIn } from "../../src/testing.js"
import { serveOnLoopback, type LoopbackServer } from "../../src/testing/node-server.js"
import { redisStore, type SharedStore, type StoreKind } from "./stores.js"

const ROOT = join(import.meta.dirname, "..", "..")
const SECRET = "instances-share-this-secret-0123456789-0123456789"
const CLIENT = { id: "instances-client", secret: "instances-secret" }
const COOKIE = "authjs.session-token"

/**
 * `jwt`: JWT sessions (traktJwt), the requests to `/auth/session`. `database`:
 * the docs' database recipe. `client`: JWT sessions that carry no token, the
 * requests split between `/auth/session` and `/api/stats` (createTraktClient,
 * with the same store), each instance getting both.
 */
export type Mode = "jwt" | "database" | "client"

/** The stats the stand-in keeps for the user, which every `/api/stats` must answer. */
export const STATS = {
  movies: { plays: 155, watched: 114, minutes: 15650, collected: 933, ratings: 256, comments: 28 },
  shows: { watched: 16, collected: 7, ratings: 63, comments: 20 },
}

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
  /**
   * `client` mode: all requests at once, or those of one kind first and the
   * others as soon as the refresh reaches Trakt (so that it is the first
   * kind's, and the others must find its successor). @default "together"
   */
  order?: Order
}

export type Order = "together" | "client first" | "jwt first"

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
  /**
   * `client` mode. `/api/stats` requests sent (the concurrent ones, then one
   * per instance with the cookie as it was, a server component's) and how many
   * answered {@link STATS}; answers with a Trakt token anywhere in them (body or
   * headers); and who sent each refresh that reached Trakt.
   */
  client?: { sent: number; answered: number; leaks: number; refreshedBy: ("client" | "jwt")[] }
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
  const trakt = createTraktStandIn({
    clients: [{ id: CLIENT.id, secret: CLIENT.secret, redirectUris: ["http://localhost:3000/auth/callback/trakt"] }],
    users: [{ ...defaultStandInUser(), stats: STATS }],
  })
  // Trials waiting for the next request at the token endpoint (an `order` other than "together").
  let waiting: (() => void)[] = []
  const tokenRequest = () => new Promise<void>((resolve) => waiting.push(resolve))
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
    const response = await trakt.handle(request)
    if (waiting.length && new URL(request.url).pathname.endsWith("/oauth/token")) {
      for (const resolve of waiting) resolve()
      waiting = []
    }
    return response
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
    async trial(concurrent: number, { deadClaim = false, order = "together" }: TrialOptions = {}) {
      const before = faults.count
      // Requests go to the instances still running.
      const alive = urls.filter((_, index) => !exited(children[index]!))
      const result = await trial(trakt, alive, concurrent, {
        database,
        stage: deadClaim ? claimLeftBehind : undefined,
        client: options.mode === "client",
        order,
        tokenRequest,
      })
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

const refreshRequests = (trakt: TraktStandIn) => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")
const refreshCount = (trakt: TraktStandIn) => refreshRequests(trakt).length

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
    return { userId, issued, refreshToken: issued.refresh_token, cookie: await encode({ token, secret: SECRET, salt: COOKIE }) }
  }
  const adapter = UnstorageAdapter(database)
  // The adapter picks the user's id.
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
    providerAccountId: userId,
    access_token: issued.access_token,
    refresh_token: issued.refresh_token,
    expires_at,
    token_type: "bearer",
  })
  const sessionToken = randomUUID()
  await adapter.createSession!({ sessionToken, userId, expires: new Date(Date.now() + 86_400_000) })
  return { userId, issued, refreshToken: issued.refresh_token, cookie: sessionToken }
}

interface TrialSetup {
  database?: Storage
  stage?: (refreshToken: string) => Promise<void>
  client: boolean
  order: Order
  tokenRequest: () => Promise<void>
}

/** One answer an instance gave. */
interface Answer {
  path: string
  ms: number
  status: number
  body: unknown
  /** The body as received. */
  raw: string
  /** The whole answer, headers and body, as the browser received it. */
  text: string
}

/** The stand-in's tokens are 64 hex digits: none may show in a body (Auth.js's CSRF cookie has that shape too). */
const TOKEN_SHAPE = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/i

async function trial(
  trakt: TraktStandIn,
  urls: string[],
  concurrent: number,
  { database, stage, client, order, tokenRequest }: TrialSetup,
): Promise<Omit<TrialResult, "faulted">> {
  const { userId, cookie, refreshToken, issued } = await expiredSession(trakt, database)
  await stage?.(refreshToken)
  const before = refreshCount(trakt)
  let lastCookie: string | undefined
  // The requests go round the instances; in client mode, each instance gets both kinds.
  const requests = Array.from({ length: concurrent }, (_, index) => ({
    url: urls[index % urls.length]!,
    path: client && (index + Math.floor(index / urls.length)) % 2 ? "/api/stats" : "/auth/session",
  }))
  const send = async ({ url, path }: { url: string; path: string }): Promise<Answer | undefined> => {
    const started = performance.now()
    let response: Response
    let body: string
    try {
      response = await fetch(`${url}${path}`, { headers: { cookie: `${COOKIE}=${cookie}` } })
      body = await response.text()
    } catch {
      return undefined // the instance died with the request
    }
    // The browser keeps whichever Set-Cookie arrives last.
    const set = response.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`))
    if (set) lastCookie = set.slice(COOKIE.length + 1).split(";")[0]
    const text = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n") + `\n\n${body}`
    return { path, ms: performance.now() - started, status: response.status, body: JSON.parse(body), raw: body, text }
  }
  let sent: (Answer | undefined)[]
  if (order === "together") sent = await Promise.all(requests.map(send))
  else {
    const first = order === "client first" ? "/api/stats" : "/auth/session"
    const refreshing = tokenRequest()
    const early = requests.map((request) => (request.path === first ? send(request) : undefined))
    // (If no refresh comes, the others go anyway after a while, and the counts tell.)
    await Promise.race([refreshing, delay(10_000, undefined, { ref: false })])
    sent = await Promise.all(requests.map((request, index) => early[index] ?? send(request)))
  }
  // A server component cannot set cookies: its next request still carries the spent token.
  const later = client ? await Promise.all(urls.map((url) => send({ url, path: "/api/stats" }))) : []
  const results = sent.filter((result) => result !== undefined)
  const sessions = results.filter((r) => r.path === "/auth/session")
  const refreshes = refreshCount(trakt) - before

  let signedOut: boolean
  let clientResult: TrialResult["client"]
  if (database) {
    const account = await UnstorageAdapter(database).getAccount!(userId, "trakt")
    signedOut = !account?.access_token || !trakt.isValid(account.access_token) || !trakt.canRefresh(account.refresh_token!)
  } else {
    const { decode } = await import("@auth/core/jwt")
    const kept = lastCookie ? await decode({ token: lastCookie, secret: SECRET, salt: COOKIE }) : null
    signedOut = !kept || !!kept.error || !trakt.isValid(kept.access_token as string) || !trakt.canRefresh(kept.refresh_token as string)
    if (client) {
      // Strictly the last cookie: the client sets none, and every traktJwt answer carries the successor.
      const stats = [...results, ...later].filter((r) => r?.path === "/api/stats")
      const tokens = [issued.access_token, issued.refresh_token, kept?.access_token, kept?.refresh_token].filter(
        (t) => typeof t === "string" && t,
      )
      clientResult = {
        sent: requests.filter((r) => r.path === "/api/stats").length + later.length,
        answered: stats.filter((r) => r!.status === 200 && isDeepStrictEqual(r!.body, STATS)).length,
        leaks: [...results, ...later].filter((r) => r && (TOKEN_SHAPE.test(r.raw) || tokens.some((t) => r.text.includes(t as string))))
          .length,
        refreshedBy: refreshRequests(trakt)
          .slice(before)
          .map((r) => (/ client$/.test(r.headers["user-agent"] ?? "") ? "client" : "jwt")),
      }
    } else if (signedOut && kept && !kept.error && lastCookie) {
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
      signedOut = again.some(
        (session) => session !== undefined && (!session?.accessToken || !!session.error || !trakt.isValid(session.accessToken)),
      )
    }
  }
  return {
    refreshes,
    errors: sessions.filter((r) => (r.body as { error?: string } | null)?.error === "RefreshTokenError").length,
    signedOut,
    latencies: results.map((r) => r.ms),
    lost: sent.length - results.length,
    ...(clientResult && { client: clientResult }),
  }
}
