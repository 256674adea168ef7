/**
 * examples/better-auth as a user runs it: Better Auth 1.7 with the
 * `authjs-trakt/better-auth` plugin on a real PostgreSQL (a throwaway cluster),
 * installed from its lockfile with this package's tarball, built with
 * `next build`, started with `next start` (whose instrumentation creates the
 * tables), and signed in through the Trakt stand-in in Debian's Chromium.
 *
 * The database starts as a Better Auth app's without the plugin, so the app's
 * start has to add the plugin's `traktAvatar` column. Then: sign in (the
 * avatar through the plugin's route, the Trakt stats and watchlist rendered on
 * the server by `traktClient`), sign out, sign in again (one account, new
 * tokens), deny; a token Trakt expired (`expire()`) and a token whose time ran
 * out, each met by 5 concurrent page loads: one refresh, the new pair in the
 * account row, every page with its data. No response to the browser holds a
 * Trakt token, nor do Better Auth's token endpoints answer the browser with
 * one. Last, the failures: Trakt down at sign-in and for the data, a refresh
 * token Trakt refused, and Better Auth's limit on sign-ins from one address.
 */
import { betterAuth } from "better-auth"
import { getMigrations } from "better-auth/db/migration"
import type { Page } from "playwright-core"
import pg from "pg"
import { afterAll, beforeAll, expect, test } from "vitest"
import { startPostgres, type RunningPostgres } from "../test/services/postgres.js"
import * as journey from "./journeys.js"
import { exampleSuite } from "./suite.js"

const SESSION_COOKIE = "better-auth.session_token"
/** The app's BETTER_AUTH_SECRET. */
const SECRET = "better-auth-e2e-secret-0123456789-0123456789"
/** Seconds the plugin stores `accessTokenExpiresAt` ahead of Trakt's expiry (its clockSkew, 60, minus Better Auth's 5 s). */
const EARLY = 55
/** What the session endpoint answers for a signed-in user. */
const SIGNED_IN = /"user":\{/

let db: RunningPostgres
let pool: pg.Pool
const env: Record<string, string> = { BETTER_AUTH_SECRET: SECRET }

beforeAll(async () => {
  db = await startPostgres()
  pool = new pg.Pool({ connectionString: db.url })
  pool.on("error", () => {})
  // The tables of a Better Auth app that had no Trakt plugin yet: the example's
  // start must add the plugin's column to them.
  const before = betterAuth({ database: pool, secret: SECRET, logger: { disabled: true } })
  await (await getMigrations(before.options)).runMigrations()
  env.DATABASE_URL = db.url
})
afterAll(async () => {
  await pool?.end()
  await db?.stop()
})

/**
 * The Trakt account of the session whose cookie the browser holds, in the
 * shape the journeys read (`expires_at` is Trakt's expiry). The cookie is
 * Better Auth's signed session token, `<token>.<signature>`.
 */
async function accountOf(cookie: string): Promise<journey.SessionToken | null> {
  const token = decodeURIComponent(cookie).split(".")[0]
  const { rows } = await pool.query(
    `SELECT a."accessToken" AS access_token, a."refreshToken" AS refresh_token, extract(epoch FROM a."accessTokenExpiresAt")::float8 AS expires_at ` +
      `FROM session s JOIN account a ON a."userId" = s."userId" AND a."providerId" = 'trakt' WHERE s.token = $1 AND s."expiresAt" > now()`,
    [token],
  )
  const row = rows[0] as journey.SessionToken | undefined
  return row ? { ...row, expires_at: row.expires_at! + EARLY } : null
}

// After db's hooks: the env object fills in before the app starts.
const suite = exampleSuite("better-auth", { name: SESSION_COOKIE, decode: accountOf }, { env })
const { callbackUrl, sessionToken, sessionUrl } = suite

const traktAccounts = async () =>
  (await pool.query(`SELECT "userId", "accountId", "accessToken", "refreshToken", "traktAvatar" FROM account WHERE "providerId" = 'trakt'`))
    .rows

/** What the session endpoint shows any script on the page: the name, the placeholder e-mail, the avatar route; nothing of the account. */
async function expectSessionShown(page: Page) {
  const { user, session } = await page.evaluate(async (url) => (await fetch(url)).json(), sessionUrl())
  expect(user).toMatchObject({ name: "Justin Nemeth", emailVerified: false, image: "/api/auth/trakt/avatar" })
  expect(user.email).toMatch(/^[0-9a-f]{32}@trakt\.placeholder\.invalid$/)
  expect(session.userId).toBe(user.id)
}

/** No response `recorded` holds any of the Trakt `tokens`, in its headers or its body. */
async function expectNoTraktTokenSent(recorded: { all(): Promise<journey.RecordedResponse[]> }[], tokens: (string | undefined)[]) {
  const responses = (await Promise.all(recorded.map((r) => r.all()))).flat()
  expect(responses.length).toBeGreaterThan(0)
  // The pages' RSC payloads and scripts are among them.
  expect(responses.some((r) => r.type === "document" && /Justin Nemeth/.test(r.body))).toBe(true)
  for (const token of tokens) expect(token, "a token to look for").toMatch(/^\S{16,}$/)
  const holding = responses.filter((r) => tokens.some((token) => r.text.includes(token!)))
  expect(
    holding.map((r) => `${r.type} ${r.url}`),
    "responses holding a Trakt token",
  ).toEqual([])
}

/**
 * Waits until Better Auth lets this browser start one more sign-in. In
 * production it allows 3 in a row from one address, each within 10 s of the
 * one before, then none until 10 s have passed since the last; these tests
 * sign in (or deny) 10 times. Called before each sign-in; the 2 s margin
 * covers the time from the call to the request.
 */
let burst = { count: 0, last: 0 }
async function roomToSignIn() {
  if (burst.count >= 3) await new Promise((done) => setTimeout(done, Math.max(0, burst.last + 12_000 - Date.now())))
  const now = Date.now()
  burst = { count: now - burst.last >= 12_000 ? 1 : burst.count + 1, last: now }
}

/** Loads `pages` at once, and checks that every one is signed in and shows the Trakt data. */
async function loadAtOnce(pages: Page[]) {
  const { app } = suite
  const responses = await Promise.all(pages.map((p, i) => p.goto(`${app.url}/?load=${i}`)))
  expect(responses.map((r) => r?.status())).toEqual(Array(pages.length).fill(200))
  for (const [i, p] of pages.entries()) {
    await journey.expectSignedIn(p, app, `page ${i + 1}`)
    await journey.expectTraktData(p, app, `page ${i + 1}`)
  }
}

/** Runs `body` with the suite's page and 4 more, each recording its responses. */
async function withFivePages(body: (pages: Page[], recorded: { all(): Promise<journey.RecordedResponse[]> }[]) => Promise<void>) {
  const others = await Promise.all(Array.from({ length: 4 }, () => suite.chromium.context.newPage()))
  try {
    await body([suite.page, ...others], [suite.responses, ...others.map((p) => journey.recordResponses(p))])
  } finally {
    await Promise.all(others.map((p) => p.close()))
  }
}

test("the app's start created Better Auth's tables and added the plugin's traktAvatar column to an existing account table", async () => {
  const { rows } = await pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'account'`)
  expect(rows.map((r) => r.column_name)).toContain("traktAvatar")
  const tables = (await pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.tablename)
  expect(tables.sort()).toEqual(["account", "session", "user", "verification"])
})

test("sign in: name, avatar, stats and watchlist rendered on the server (never a token); sign out, sign in again: one account, new tokens", async () => {
  const { page, app } = suite
  await roomToSignIn()
  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectSignedIn(page, app)
  expect(new URL(page.url()).search).toBe("")
  journey.expectTraktSignIn(app.trakt!, callbackUrl())
  await journey.expectTraktData(page, app)
  const [account] = await traktAccounts()
  // First in a freshly started app: the plugin's route fetches the avatar once, then keeps it.
  await journey.expectAvatar(page, app, sessionUrl(), account.traktAvatar)
  await expectSessionShown(page)
  const first = await sessionToken()
  expect(app.trakt!.isValid(first!.access_token!)).toBe(true)
  expect(first!.expires_at! - Date.now() / 1000).toBeGreaterThan(journey.WEEK - 60)
  const tokens = [first!.access_token, first!.refresh_token]
  await journey.expectNoTokenSent(page, suite.responses, app, sessionUrl(), tokens, SIGNED_IN)
  await expectNoTraktTokenSent([suite.responses], tokens)
  // What the browser may ask Better Auth for over HTTP: not the Trakt tokens (the plugin's rule).
  const asked = await page.evaluate(
    async ({ base, id }) => {
      const post = (path: string) =>
        fetch(`${base}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ accountId: id }),
        })
      const [access, refresh] = await Promise.all([post("/get-access-token"), post("/refresh-token")])
      return [access.status, await access.text(), refresh.status, await refresh.text()]
    },
    { base: `${app.url}/api/auth`, id: (await pool.query(`SELECT id FROM account WHERE "providerId" = 'trakt'`)).rows[0].id as string },
  )
  expect(asked[0]).toBe(403)
  expect(asked[2]).toBe(403)
  for (const token of tokens) expect(asked.join("\n")).not.toContain(token)
  expect(journey.refreshes(app.trakt!)).toHaveLength(0)

  await journey.signOut(page)
  expect(await sessionToken()).toBeNull()

  await roomToSignIn()
  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectSignedIn(page, app, "signed in again")
  await journey.expectTraktData(page, app, "signed in again")
  const again = await sessionToken()
  expect(again!.access_token).not.toBe(first!.access_token)
  expect(app.trakt!.isValid(again!.access_token!) && app.trakt!.canRefresh(again!.refresh_token!)).toBe(true)
  expect(await traktAccounts()).toHaveLength(1)
  expect((await pool.query(`SELECT count(*)::int AS n FROM "user"`)).rows[0].n).toBe(1)
  expect(app.output()).not.toMatch(/TraktError|authjs-trakt\]|Trakt call failed|SERVER_ERROR|BetterAuthError/)
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await roomToSignIn()
  await journey.signInAtTrakt(suite.page, suite.app, "Deny")
  expect(new URL(suite.page.url()).searchParams.get("error")).toBe("access_denied")
  await journey.expectDenied(suite.page, suite.app, /cancelled at Trakt/)
  expect(await sessionToken()).toBeNull()
})

test("Trakt expiring the token (expire()) under 5 concurrent page loads: one refresh, the new pair in the row, every page with its data", async () => {
  const { page, app } = suite
  const trakt = app.trakt!
  await roomToSignIn()
  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectTraktData(page, app, "before the expiry")
  const first = (await sessionToken())!
  expect(trakt.expire({ user: "justin" })).toBeGreaterThan(0)
  // The row still says a week: the first call learns of the expiry from Trakt's 401.
  expect(first.expires_at! - Date.now() / 1000).toBeGreaterThan(journey.WEEK - 120)

  await withFivePages(async (pages, recorded) => {
    await loadAtOnce(pages)
    const seen = journey.refreshes(trakt)
    expect(seen, app.output()).toHaveLength(1)
    expect(seen[0]!.body).toMatchObject({ refresh_token: trakt.masked(first.refresh_token!), redirect_uri: callbackUrl() })
    const now = (await sessionToken())!
    expect(now.access_token).not.toBe(first.access_token)
    expect(trakt.isValid(now.access_token!) && trakt.canRefresh(now.refresh_token!)).toBe(true)
    expect(trakt.canRefresh(first.refresh_token!)).toBe(false)
    // Trakt refused only the expired token, and answered everything sent with the new one.
    const calls = trakt.requests().filter((r) => /\/users\/me\//.test(r.path))
    expect(calls.filter((r) => r.status !== 200 && r.status !== 401)).toEqual([])
    expect(
      calls.filter((r) => r.status === 401).every((r) => r.headers.authorization === `Bearer ${trakt.masked(first.access_token!)}`),
    ).toBe(true)

    // And the next load, with the new pair, costs no refresh.
    await page.reload()
    await journey.expectTraktData(page, app, "after")
    expect(journey.refreshes(trakt)).toHaveLength(1)
    await expectNoTraktTokenSent(recorded, [first.access_token, first.refresh_token, now.access_token, now.refresh_token])
  })
})

test("a token whose time ran out, met by 5 concurrent page loads: one refresh, the new pair in the row, every page with its data", async () => {
  const { page, app } = suite
  await roomToSignIn()
  const first = await journey.signInAndLetTokenExpire(page, app, sessionToken)
  await withFivePages(async (pages, recorded) => {
    await loadAtOnce(pages)
    const now = await sessionToken()
    journey.expectOneRefresh(app, first, now, callbackUrl())
    await page.reload()
    await journey.expectTraktData(page, app, "after")
    expect(journey.refreshes(app.trakt!)).toHaveLength(1)
    const tokens = [first.access_token, first.refresh_token, now?.access_token, now?.refresh_token]
    await journey.expectNoTokenSent(page, suite.responses, app, sessionUrl(), tokens, SIGNED_IN)
    await expectNoTraktTokenSent(recorded, tokens)
  })
})

// These leave failures in the app's output: after the tests that check it is clean.
test("Trakt down at sign-in: back on the page with a plain message, Trakt's code in the URL, still signed out", async () => {
  const { page, app } = suite
  app.trakt!.failNext("/oauth/token", { status: 503, times: 100 })
  await roomToSignIn()
  await journey.signInAtTrakt(page, app, "Approve")
  const url = new URL(page.url())
  expect(Object.fromEntries(url.searchParams)).toEqual({ error: "invalid_code", error_description: "SERVER_ERROR" })
  await expect(page.locator("#error").textContent()).resolves.toMatch(/Trakt is not answering right now/)
  await expect(page.getByRole("button", { name: "Sign in with Trakt" }).isVisible()).resolves.toBe(true)
  expect(await page.locator("body").innerText()).not.toMatch(/at \w+ \(|Error:|node_modules/)
  expect(await sessionToken()).toBeNull()
})

test("Trakt failing for now: the page says Trakt is not answering right now, and the user stays signed in", async () => {
  await roomToSignIn()
  await journey.expectNotAnswering(suite.page, suite.app)
})

test("Trakt refusing the refresh token: the page says sign in again, and signing in again heals it", async () => {
  const { page, app } = suite
  await roomToSignIn()
  await journey.expectSignInAgain(page, app, sessionToken)
  await journey.signOut(page)
  await roomToSignIn()
  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectSignedIn(page, app, "signed in again")
  await journey.expectTraktData(page, app, "signed in again")
})

test("a fourth sign-in within 10 seconds: Better Auth refuses it, and the page says to wait", async () => {
  const { page, app } = suite
  await page.goto(app.url)
  // Three starts, as the button sends them, whatever the tests before left in the window.
  await page.evaluate(async (url) => {
    for (let i = 0; i < 3; i++) {
      await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ provider: "trakt", callbackURL: "/" }),
      })
    }
  }, `${app.url}/api/auth/sign-in/social`)
  await page.getByRole("button", { name: "Sign in with Trakt" }).click()
  await expect(page.locator("#sign-in-error").textContent()).resolves.toMatch(/Too many sign-in attempts: please wait a few seconds/)
  expect(page.url()).toBe(`${app.url}/`)
})
