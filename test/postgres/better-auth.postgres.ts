/**
 * Better Auth's refresh across real processes: 2 Node processes, each a Better
 * Auth app with the Trakt plugin on one real PostgreSQL (tables from
 * `getMigrations`), and the Trakt stand-in on loopback. At each expiry, K
 * concurrent `auth.api.getAccessToken` calls per process (the session from one
 * sign-in through the real handler, its cookie carried) meet one expired token:
 * - with a store every process shares (the plugin's default, Better Auth's
 *   verification table; or `postgresTokenStore`), Trakt sees one refresh, every
 *   call gets the same live token and the account row is left live;
 * - with `store: "memory"`, one process still refreshes once, and two race (measured);
 * - a refresh Trakt fails (503) or refuses (revoked) answers the plugin's codes,
 *   and leaves the row able to refresh when it still can;
 * - `traktClient` and `getAccessToken` meeting one expiry refresh once between them.
 */
import { getMigrations } from "better-auth/db/migration"
import pg from "pg"
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest"
import { postgresTokenStore } from "../../src/postgres.js"
import { startTraktStandIn, type RunningTraktStandIn } from "../../src/testing.js"
import { startPostgres, type RunningPostgres } from "../services/postgres.js"
import { decideAtTrakt, keepCookies } from "../support/browsing.js"
import { appOptions, CALLBACK, CLIENT, ORIGIN, type StoreKind } from "./better-auth-app.js"
import { spawnInstances, type Instances } from "./cluster.js"

/** Concurrent calls per process at each expiry. */
const K = 4
const EXPIRIES = 10

let db: RunningPostgres
let pool: pg.Pool
let trakt: RunningTraktStandIn
let instances: Instances
/** The signed-in browser's cookies, and its Trakt account's row id. */
let cookie: string
let accountId: string

beforeAll(async () => {
  ;[db, trakt] = await Promise.all([
    startPostgres(),
    startTraktStandIn({ clients: [{ id: CLIENT.id, secret: CLIENT.secret, redirectUris: [CALLBACK] }] }),
  ])
  const url = await db.database("better_auth")
  pool = new pg.Pool({ connectionString: url, max: 4 })
  pool.on("error", () => {})
  // The tables, the plugin's account column among them; the store's table is a first use's cost, not a refresh's.
  await (await getMigrations(appOptions(pool, trakt.url, "better-auth"))).runMigrations()
  await postgresTokenStore(pool).getItem("warm")
  instances = await spawnInstances("test/postgres/better-auth-instance.ts", 2, { DATABASE_URL: url, TRAKT_BASE_URL: trakt.url })
})

afterAll(async () => {
  await instances?.stop()
  await pool?.end()
  await trakt?.stop()
  await db?.stop()
})

// Each test starts signed in with a fresh token pair: a failed case leaves nothing behind.
beforeEach(async () => {
  cookie = await signIn(instances.urls[0]!)
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM account WHERE "providerId" = 'trakt'`)
  expect(rows).toHaveLength(1)
  accountId = rows[0]!.id
})

/** Signs in with Trakt through the instance's Better Auth handler, as a browser does: the session cookie. */
async function signIn(instance: string): Promise<string> {
  const jar = new Map<string, string>()
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    headers.set("origin", ORIGIN)
    if (jar.size) headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "))
    const response = await fetch(new URL(path, instance), { ...init, headers, redirect: "manual" })
    keepCookies(jar, response.headers.getSetCookie())
    return response
  }
  const start = await send("/api/auth/sign-in/social", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ provider: "trakt", callbackURL: "/dashboard" }),
  })
  const { url } = (await start.json()) as { url: string }
  const back = new URL(await decideAtTrakt(url))
  const callback = await send(back.pathname + back.search)
  expect(callback.headers.get("location")).toBe("/dashboard")
  expect(jar.has("better-auth.session_token")).toBe(true)
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ")
}

interface Row {
  accessToken: string
  refreshToken: string
  accessTokenExpiresAt: Date
}

const readRow = async () =>
  (await pool.query<Row>(`SELECT "accessToken", "refreshToken", "accessTokenExpiresAt" FROM account WHERE id = $1`, [accountId])).rows[0]!

/** Whether the row holds what the next request needs: a token Trakt takes, not yet due, and a refresh token Trakt will still spend. */
const isLive = (row: Row) =>
  trakt.isValid(row.accessToken) && trakt.canRefresh(row.refreshToken) && row.accessTokenExpiresAt.getTime() > Date.now() + 60_000

/** The access token expires at Trakt and in the row, as it does after 7 days; its refresh token still works. */
async function expire(): Promise<Row> {
  const row = await readRow()
  expect(trakt.expire({ token: row.accessToken })).toBe(1)
  await pool.query(`UPDATE account SET "accessTokenExpiresAt" = now() - interval '1 second' WHERE id = $1`, [accountId])
  return row
}

/** One call's answer: the access token, Trakt's profile through `traktClient`, or the error's status and codes. */
type Answer = { accessToken?: string; username?: string; status?: number; code?: string; traktCode?: string }
type Call = { instance: number; kind: "token" | "client" }

/** `k` calls of `kind` on each of `on`. */
const calls = (k: number, on: number[], kind: Call["kind"] = "token"): Call[] =>
  on.flatMap((instance) => Array.from({ length: k }, () => ({ instance, kind })))

/** What one expiry came to. */
interface Round {
  answers: Answer[]
  /** Refresh requests Trakt received, and granted. */
  requested: number
  granted: number
  row: Row
  ms: number
}

/** Refresh requests Trakt received, those a test's `failNext` answered included. */
const refreshRequests = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token").length

/** Fires every call at once, as concurrent requests to the instances do. */
async function meet(store: StoreKind, all: Call[]): Promise<Round> {
  const before = { requested: refreshRequests(), granted: trakt.refreshes.granted }
  const started = performance.now()
  const answers = await Promise.all(
    all.map(async ({ instance, kind }) => {
      const url = new URL(`/${kind}?store=${store}`, instances.urls[instance])
      const init = kind === "token" ? { method: "POST", body: JSON.stringify({ accountId }) } : {}
      const response = await fetch(url, { ...init, headers: { cookie } })
      return { ...((await response.json()) as Answer), status: response.status }
    }),
  )
  const ms = performance.now() - started
  return {
    answers,
    requested: refreshRequests() - before.requested,
    granted: trakt.refreshes.granted - before.granted,
    row: await readRow(),
    ms,
  }
}

/** Every answer is the row's own live token, the same for all. */
function expectOneLiveToken({ answers, row }: Round) {
  expect(
    answers.filter((a) => a.status !== 200),
    `the instances said:\n${instances.output()}`,
  ).toEqual([])
  expect(new Set(answers.map((a) => a.accessToken))).toEqual(new Set([row.accessToken]))
  expect(isLive(row)).toBe(true)
}

const heard = async (instance: number, store: StoreKind) =>
  (await (await fetch(`${instances.urls[instance]}/heard?store=${store}`)).json()) as string[]

const summary = (rounds: Round[]) => {
  const ms = rounds.map((r) => Math.round(r.ms)).sort((a, b) => a - b)
  return `refreshes ${rounds.map((r) => r.requested).join(",")}; wait ms median ${ms[ms.length >> 1]}, max ${ms.at(-1)}`
}

describe.each(["better-auth", "postgres"] as const)("store %s, shared by 2 processes", (store) => {
  test(`${EXPIRIES} expiries, ${K} concurrent getAccessToken per process: one Trakt refresh each, one live token for all, the row left live`, async () => {
    const rounds: Round[] = []
    for (let i = 0; i < EXPIRIES; i++) {
      const spent = await expire()
      const round = await meet(store, calls(K, [0, 1]))
      rounds.push(round)
      expect(round.granted, `expiry ${i}`).toBe(1)
      expectOneLiveToken(round)
      expect(trakt.canRefresh(spent.refreshToken)).toBe(false)
    }
    const requested = rounds.map((r) => r.requested)
    console.info(`better-auth, store ${store}, 2 processes x ${K}: ${summary(rounds)}`)
    // Both claim with one atomic call (postgresTokenStore's INSERT ... ON CONFLICT, Better
    // Auth's reservation of a verification row): one claim wins, always.
    expect(requested).toEqual(rounds.map(() => 1))
  })
})

describe('store "memory" (nothing shared between processes)', () => {
  test(`one process, ${2 * K} concurrent calls, ${EXPIRIES} expiries: still one refresh each`, async () => {
    const rounds: Round[] = []
    for (let i = 0; i < EXPIRIES; i++) {
      await expire()
      const round = await meet("memory", calls(2 * K, [0]))
      rounds.push(round)
      expect(round.requested).toBe(1)
      expectOneLiveToken(round)
    }
    console.info(`better-auth, store memory, 1 process x ${2 * K}: ${summary(rounds)}`)
  })

  test(`two processes, ${K} calls each, ${EXPIRIES} expiries: the race a shared store prevents (measured)`, async () => {
    let failed = 0
    let refreshes = 0
    const codes = new Map<string, number>()
    for (let i = 0; i < EXPIRIES; i++) {
      await expire()
      const round = await meet("memory", calls(K, [0, 1]))
      refreshes += round.requested
      for (const answer of round.answers.filter((a) => a.status !== 200)) {
        failed++
        codes.set(`${answer.status} ${answer.code}`, (codes.get(`${answer.status} ${answer.code}`) ?? 0) + 1)
      }
      // The winner writes the row; the loser, refused, writes nothing: the row stays live.
      expect(isLive(round.row)).toBe(true)
      expect(round.granted).toBe(1)
    }
    // Both processes spend the token, and the one Trakt refuses tells its callers to sign in again.
    expect(failed).toBeGreaterThan(0)
    expect([...codes.keys()]).toEqual(["401 TRAKT_REFRESH_REFUSED"])
    console.info(
      `better-auth, store memory, 2 processes x ${K}: ${failed}/${EXPIRIES * 2 * K} calls failed (${[...codes].map(([c, n]) => `${n} x ${c}`).join(", ")}), ${refreshes} refresh requests for ${EXPIRIES} expiries`,
    )
  })
})

describe("the default store, Trakt failing", () => {
  test("a 503 on one process's refresh: every caller gets 503 TRAKT_REFRESH_FAILED, the row keeps its refresh token, the next calls succeed with one refresh", async () => {
    const spent = await expire()
    await heard(0, "better-auth")
    trakt.failNext("/oauth/token", { status: 503 })
    const failed = await meet("better-auth", calls(K, [0]))
    expect(failed.answers).toEqual(
      failed.answers.map(() => expect.objectContaining({ status: 503, code: "TRAKT_REFRESH_FAILED", traktCode: "SERVER_ERROR" })),
    )
    expect(failed.requested).toBe(1)
    expect(failed.row.refreshToken).toBe(spent.refreshToken)
    expect(trakt.canRefresh(spent.refreshToken)).toBe(true)
    // The cause reaches the app, once for the one rotation its callers shared.
    expect(await heard(0, "better-auth")).toEqual(["SERVER_ERROR"])

    // From the other process: the row's refresh token is good anywhere.
    const next = await meet("better-auth", calls(K, [1]))
    expect(next.requested).toBe(1)
    expectOneLiveToken(next)
  })

  test("a 503 on the first refresh of an expiry met by 2 processes: the other process takes over at once; nobody is told to sign in again", async () => {
    await expire()
    trakt.failNext("/oauth/token", { status: 503 })
    const round = await meet("better-auth", calls(K, [0, 1]))
    // The failed spend, then one that Trakt granted (a timed lock may add a refused one).
    expect(round.requested).toBeGreaterThanOrEqual(2)
    expect(round.granted).toBe(1)
    const [ok, failed] = [round.answers.filter((a) => a.status === 200), round.answers.filter((a) => a.status !== 200)]
    expect(failed.length).toBeGreaterThan(0)
    expect(failed).toEqual(failed.map(() => expect.objectContaining({ status: 503, code: "TRAKT_REFRESH_FAILED" })))
    expect(new Set(ok.map((a) => a.accessToken))).toEqual(new Set([round.row.accessToken]))
    expect(isLive(round.row)).toBe(true)
    console.info(
      `better-auth, a 503 on the first of 2 processes' refreshes: ${failed.length}/${round.answers.length} calls got 503, in ${Math.round(round.ms)} ms`,
    )
  })

  test("a refresh token revoked at Trakt: every caller on both processes gets 401 TRAKT_REFRESH_REFUSED, invalid_grant", async () => {
    const spent = await expire()
    expect(trakt.revoke({ token: spent.refreshToken })).toBe(1)
    const round = await meet("better-auth", calls(K, [0, 1]))
    expect(round.answers).toEqual(
      round.answers.map(() => expect.objectContaining({ status: 401, code: "TRAKT_REFRESH_REFUSED", traktCode: "invalid_grant" })),
    )
    // At most one refusal per process: each process remembers it.
    expect(round.requested).toBeGreaterThanOrEqual(1)
    expect(round.requested).toBeLessThanOrEqual(2)
    expect(round.row.refreshToken).toBe(spent.refreshToken)
    console.info(
      `better-auth, a revoked refresh token on 2 processes: ${round.requested} refresh requests, answered in ${Math.round(round.ms)} ms`,
    )
  })
})

test(`traktClient and getAccessToken on both processes, ${EXPIRIES / 2} expiries: one refresh between them, every Trakt call with a live token`, async () => {
  const rounds: Round[] = []
  for (let i = 0; i < EXPIRIES / 2; i++) {
    await expire()
    const seen = trakt.requests("/users/settings").length
    // Each process meets the expiry both ways, the two halves crossed; on the
    // exact lock, so that the count says the two paths share one rotation.
    const round = await meet("postgres", [
      ...calls(K / 2, [0], "client"),
      ...calls(K / 2, [1], "token"),
      ...calls(K / 2, [1], "client"),
      ...calls(K / 2, [0], "token"),
    ])
    rounds.push(round)
    expect(round.requested).toBe(1)
    expect(round.answers.filter((a) => a.status !== 200)).toEqual([])
    expect(round.answers.filter((a) => "username" in a)).toHaveLength(K)
    expect(new Set(round.answers.flatMap((a) => a.accessToken ?? []))).toEqual(new Set([round.row.accessToken]))
    // No call reached Trakt with the dead token (a 401 would have been retried after a refresh).
    expect(
      trakt
        .requests("/users/settings")
        .slice(seen)
        .map((r) => r.status),
    ).toEqual(Array.from({ length: K }, () => 200))
    expect(isLive(round.row)).toBe(true)
  }
  console.info(`better-auth, traktClient and getAccessToken crossed on 2 processes: ${summary(rounds)}`)
})
