/**
 * examples/next-auth-v5-postgres as a user runs it: database sessions with
 * @auth/pg-adapter on a real PostgreSQL (a throwaway cluster, the app's
 * schema.sql applied), installed from its lockfile with this package's
 * tarball, built with `next build`, started with `next start`, and signed in
 * through the Trakt stand-in in Debian's Chromium. Sign in (the avatar
 * through the app's route, the Trakt stats and watchlist rendered on the
 * server from the account row's token), sign out, sign in again (the account
 * row gets the new tokens, and stays one row), and a token that expires under
 * several concurrent page loads: one refresh, the new pair in the row,
 * everyone still signed in and shown their data. No response body holds a
 * Trakt token or the session token (a row's key: whoever has it is signed in).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { Page } from "playwright-core"
import pg from "pg"
import { afterAll, beforeAll, expect, test } from "vitest"
import { startPostgres, type RunningPostgres } from "../test/services/postgres.js"
import { ROOT } from "./apps.js"
import * as journey from "./journeys.js"
import { exampleSuite } from "./suite.js"

const SESSION_COOKIE = "authjs.session-token"

let db: RunningPostgres
let pool: pg.Pool
const env: Record<string, string> = {}

beforeAll(async () => {
  db = await startPostgres()
  pool = new pg.Pool({ connectionString: db.url })
  pool.on("error", () => {})
  await pool.query(readFileSync(join(ROOT, "examples", "next-auth-v5-postgres", "schema.sql"), "utf8"))
  env.DATABASE_URL = db.url
})
afterAll(async () => {
  await pool?.end()
  await db?.stop()
})

/** The Trakt account of the session whose token the browser holds: the "session token" of this app is a row. */
async function accountOf(sessionToken: string): Promise<journey.SessionToken | null> {
  const { rows } = await pool.query(
    `SELECT a.access_token, a.refresh_token, a.expires_at::float8 AS expires_at FROM sessions s ` +
      `JOIN accounts a ON a."userId" = s."userId" AND a.provider = 'trakt' WHERE s."sessionToken" = $1`,
    [sessionToken],
  )
  return (rows[0] as journey.SessionToken | undefined) ?? null
}

// After db's hooks: the env object fills in before the app starts.
const suite = exampleSuite("next-auth-v5-postgres", { name: SESSION_COOKIE, decode: accountOf }, { env })
const { callbackUrl, sessionToken, sessionUrl } = suite

/** The session token the browser holds: the key of its row in `sessions`. */
const sessionKey = () => journey.sessionCookie(suite.chromium.context, suite.app.url, SESSION_COOKIE)

/**
 * What the session endpoint shows any script on the page: Auth.js's fields,
 * the avatar route as `user.image` and Trakt's URL as `avatar`; not the
 * session token, the user's id in `sessions`, or anything of the account.
 */
async function expectSessionShown(page: Page) {
  const session = await page.evaluate(async (url) => (await fetch(url)).json(), sessionUrl())
  expect(Object.keys(session).sort()).toEqual(["avatar", "expires", "user"])
  expect(["email", "id", "image", "name"]).toEqual(expect.arrayContaining(Object.keys(session.user)))
  expect(session.user.image).toBe("/api/avatar")
}

/**
 * No response `pages` received holds a Trakt token, anywhere, or the session
 * token in a body or in a header other than the Set-Cookie that sets it.
 */
async function expectNothingSecretSent(
  recorded: { all(): Promise<journey.RecordedResponse[]> }[],
  tokens: (string | undefined)[],
  key: string,
) {
  const responses = (await Promise.all(recorded.map((r) => r.all()))).flat()
  expect(responses.length).toBeGreaterThan(0)
  for (const token of [...tokens, key]) expect(token, "a token to look for").toMatch(/^\S{16,}$/)
  const holding = responses.filter(
    (r) =>
      tokens.some((token) => r.text.includes(token!)) ||
      r.body.includes(key) ||
      Object.entries(r.headers).some(([name, value]) => name !== "set-cookie" && value.includes(key)),
  )
  expect(
    holding.map((r) => `${r.type} ${r.url}`),
    "responses holding a Trakt token or the session token",
  ).toEqual([])
}

const traktRows = async () => (await pool.query(`SELECT "userId", access_token, refresh_token FROM accounts WHERE provider = 'trakt'`)).rows

test("sign in: name, avatar, stats and watchlist (never a token); sign out, sign in again: the account row gets the new tokens, and stays one row", async () => {
  const { page, app } = suite
  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectSignedIn(page, app)
  expect(new URL(page.url()).search).toBe("")
  journey.expectTraktSignIn(app.trakt!, callbackUrl())
  await journey.expectTraktData(page, app)
  // First in a freshly started app: the app's server fetches the avatar once, then keeps it.
  await journey.expectAvatar(page, app, sessionUrl())
  await expectSessionShown(page)
  const first = await sessionToken()
  expect(app.trakt!.isValid(first!.access_token!)).toBe(true)
  const key = (await sessionKey())!
  await journey.expectNoTokenSent(page, suite.responses, app, sessionUrl(), [first!.access_token, first!.refresh_token])
  await expectNothingSecretSent([suite.responses], [first!.access_token, first!.refresh_token], key)
  // The check sees the session token where it belongs: in the Set-Cookie of the sign-in.
  expect((await suite.responses.all()).some((r) => r.headers["set-cookie"]?.includes(key))).toBe(true)

  await journey.signOut(page)
  expect(await sessionToken()).toBeNull()

  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectSignedIn(page, app)
  await journey.expectTraktData(page, app, "signed in again")
  const again = await sessionToken()
  expect(again!.access_token).not.toBe(first!.access_token)
  expect(app.trakt!.isValid(again!.access_token!) && app.trakt!.canRefresh(again!.refresh_token!)).toBe(true)
  expect(await traktRows()).toHaveLength(1)
  expect(app.output()).not.toMatch(/TraktError|RefreshTokenError|Trakt call failed/)
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(suite.page, suite.app, "Deny")
  await journey.expectDenied(suite.page, suite.app, /cancelled at Trakt/)
})

test("an expired Trakt token meeting 5 concurrent page loads: one refresh, the new pair in the row, everyone signed in with their data", async () => {
  const { page, app, chromium } = suite
  const trakt = app.trakt!
  const first = await journey.signInAndLetTokenExpire(page, app, sessionToken)

  const others = await Promise.all(Array.from({ length: 4 }, () => chromium.context.newPage()))
  const recorded = [suite.responses, ...others.map((p) => journey.recordResponses(p))]
  const pages = [page, ...others]
  try {
    const responses = await Promise.all(pages.map((p, i) => p.goto(`${app.url}/?load=${i}`)))
    expect(responses.map((r) => r?.status())).toEqual(Array(5).fill(200))
    for (const [i, p] of pages.entries()) {
      await journey.expectSignedIn(p, app, `page ${i + 1}`)
      await journey.expectTraktData(p, app, `page ${i + 1}`)
    }
    const now = await sessionToken()
    journey.expectOneRefresh(app, first, now, callbackUrl())
    // And the next load, with the new pair, costs no refresh.
    await page.reload()
    await journey.expectSignedIn(page, app, "after")
    await journey.expectTraktData(page, app, "after")
    expect(journey.refreshes(trakt)).toHaveLength(1)

    const tokens = [first.access_token, first.refresh_token, now?.access_token, now?.refresh_token]
    await journey.expectNoTokenSent(page, suite.responses, app, sessionUrl(), tokens)
    await expectNothingSecretSent(recorded, tokens, (await sessionKey())!)
  } finally {
    await Promise.all(others.map((p) => p.close()))
  }
})

// These two leave failures in the app's output: after the tests that check it is clean.
test("Trakt failing for now: the page says Trakt is not answering right now, and the user stays signed in", async () => {
  await journey.expectNotAnswering(suite.page, suite.app)
})

test("Trakt refusing the refresh token: the page says sign in again, and signing in again heals it", async () => {
  const { page, app } = suite
  await journey.expectSignInAgain(page, app, sessionToken)
  const session = await page.evaluate(async (url) => (await fetch(url)).json(), sessionUrl())
  expect(session.error).toBe("RefreshTokenError")

  await journey.signOut(page)
  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectSignedIn(page, app, "signed in again")
  await journey.expectTraktData(page, app, "signed in again")
})
