/**
 * examples/next-auth-v5 as a user runs it: installed from its lockfile with
 * this package's packed tarball, built with `next build`, started with
 * `next start` (AUTH_TRUST_HOST, no AUTH_URL, as on Vercel), and signed in
 * through the Trakt stand-in in Debian's Chromium. The last test lets the
 * Trakt token expire and reloads: Next.js 16 runs the proxy (which refreshes
 * the token and can write the cookie) and the page (which still reads the old
 * cookie in that request) as separate bundles, and between them Trakt must see
 * one refresh and the user must stay signed in.
 */
import { decode } from "@auth/core/jwt"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest"
import { installAndBuild, startExample, type RunningApp } from "./apps.js"
import { freshPage, launchChromium, type Chromium } from "./chromium.js"
import * as journey from "./journeys.js"

/** The app's AUTH_SECRET, so that the test can read the session cookie. */
const SECRET = "next-auth-v5-e2e-secret-0123456789-0123456789"
/** Auth.js's session cookie on plain http. */
const SESSION_COOKIE = "authjs.session-token"

let app: RunningApp
let chromium: Chromium
let page: Page

beforeAll(async () => {
  installAndBuild("next-auth-v5")
  app = await startExample("next-auth-v5", { env: { AUTH_SECRET: SECRET } })
  chromium = await launchChromium()
})

afterAll(async () => {
  await chromium?.close()
  await app?.stop()
})

beforeEach(async ({ task }) => {
  // Each test starts signed out, whatever the one before it left behind.
  page = await freshPage(chromium.context, task.name)
  app.trakt!.received.length = 0
  app.trakt!.tokenLifetime = journey.WEEK
})

const callbackUrl = () => `${app.url}/api/auth/callback/trakt`

/** The JWT in the browser's session cookie, decrypted as Auth.js does. */
async function sessionToken(): Promise<journey.SessionToken | null> {
  const value = await journey.sessionCookie(chromium.context, app.url, SESSION_COOKIE)
  return value ? await decode({ token: value, secret: SECRET, salt: SESSION_COOKIE }) : null
}

test("sign in, approve at Trakt, see the name and username, sign out", async () => {
  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectSignedIn(page, app)
  expect(new URL(page.url()).search).toBe("")
  journey.expectTraktSignIn(app.trakt!, callbackUrl())
  // The page shows no avatar: Trakt forbids hot-linking its images.
  await expect(page.locator("img").count()).resolves.toBe(0)

  await journey.signOut(page)
  expect(await sessionToken()).toBeNull()
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(page, app, "Deny")
  await journey.expectDenied(page, app, /cancelled at Trakt/)
})

test("an expired Trakt token is refreshed once, in the proxy, and the user stays signed in", async () => {
  const trakt = app.trakt!
  // Fresh for 5 s: the package counts a token as expired 60 s before expires_at.
  trakt.tokenLifetime = 65
  await journey.signInAtTrakt(page, app, "Approve")
  trakt.tokenLifetime = journey.WEEK
  await journey.expectSignedIn(page, app)

  const first = await sessionToken()
  expect(first?.access_token, "no session cookie").toEqual(expect.any(String))
  expect(first!.expires_at! - Date.now() / 1000).toBeLessThanOrEqual(65)
  expect(journey.refreshes(trakt)).toHaveLength(0)
  await journey.untilExpired(first!)

  await journey.loadPagesSignedIn(page, app)
  journey.expectOneRefresh(app, first!, await sessionToken(), callbackUrl())
})
