/**
 * examples/next-auth-v5-postgres as a user runs it: database sessions with
 * @auth/pg-adapter on a real PostgreSQL (a throwaway cluster, the app's
 * schema.sql applied), installed from its lockfile with this package's
 * tarball, built with `next build`, started with `next start`, and signed in
 * through the Trakt stand-in in Debian's Chromium. Sign in, sign out, sign
 * in again (the account row gets the new tokens, and stays one row), and a
 * token that expires under several concurrent page loads: one refresh, the
 * new pair in the row, everyone still signed in.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { Page } from "playwright-core"
import pg from "pg"
import { afterAll, beforeAll, expect, test } from "vitest"
import { startPostgres, type RunningPostgres } from "../test/services/postgres.js"
import { ROOT, type RunningApp } from "./apps.js"
import * as journey from "./journeys.js"
import { exampleSuite } from "./suite.js"

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
const suite = exampleSuite("next-auth-v5-postgres", { name: "authjs.session-token", decode: accountOf }, { env })
const { callbackUrl, sessionToken } = suite

async function expectSignedIn(page: Page, app: RunningApp, what = "") {
  await expect(page.locator("#name").textContent(), `${what}\n${app.output()}`).resolves.toBe("Justin Nemeth")
  await expect(page.locator("#session-error").count(), what).resolves.toBe(0)
}

const traktRows = async () => (await pool.query(`SELECT "userId", access_token, refresh_token FROM accounts WHERE provider = 'trakt'`)).rows

test("sign in, sign out, sign in again: the account row gets the new tokens, and stays one row", async () => {
  const { page, app } = suite
  await journey.signInAtTrakt(page, app, "Approve")
  await expectSignedIn(page, app)
  journey.expectTraktSignIn(app.trakt!, callbackUrl())
  const first = await sessionToken()
  expect(app.trakt!.isValid(first!.access_token!)).toBe(true)

  await journey.signOut(page)
  expect(await sessionToken()).toBeNull()

  await journey.signInAtTrakt(page, app, "Approve")
  await expectSignedIn(page, app)
  const again = await sessionToken()
  expect(again!.access_token).not.toBe(first!.access_token)
  expect(app.trakt!.isValid(again!.access_token!) && app.trakt!.canRefresh(again!.refresh_token!)).toBe(true)
  expect(await traktRows()).toHaveLength(1)
  expect(app.output()).not.toMatch(/TraktError|RefreshTokenError/)
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(suite.page, suite.app, "Deny")
  await journey.expectDenied(suite.page, suite.app, /cancelled at Trakt/)
})

test("an expired Trakt token meeting 5 concurrent page loads: one refresh, the new pair in the row, everyone signed in", async () => {
  const { page, app, chromium } = suite
  const trakt = app.trakt!
  trakt.tokenLifetime = 65 // counted as expired 60 s before its expires_at
  await journey.signInAtTrakt(page, app, "Approve")
  trakt.tokenLifetime = journey.WEEK
  await expectSignedIn(page, app)
  const first = (await sessionToken())!
  expect(first.expires_at! - Date.now() / 1000).toBeLessThanOrEqual(65)
  await new Promise((done) => setTimeout(done, Math.max(0, (first.expires_at! - 60) * 1000 - Date.now()) + 500))

  const pages = [page, ...(await Promise.all(Array.from({ length: 4 }, () => chromium.context.newPage())))]
  try {
    const responses = await Promise.all(pages.map((p) => p.goto(`${app.url}/?load=${pages.indexOf(p)}`)))
    expect(responses.map((r) => r?.status())).toEqual(Array(5).fill(200))
    for (const [i, p] of pages.entries()) await expectSignedIn(p, app, `page ${i + 1}`)
  } finally {
    await Promise.all(pages.slice(1).map((p) => p.close()))
  }
  journey.expectOneRefresh(app, first, await sessionToken(), callbackUrl())
  // And the next load, with the new pair, costs no refresh.
  await page.reload()
  await expectSignedIn(page, app, "after")
  expect(journey.refreshes(trakt)).toHaveLength(1)
})
