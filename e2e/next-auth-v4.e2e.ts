/**
 * examples/next-auth-v4 as a user runs it: installed from its lockfile with
 * this package's packed tarball (no @auth/core anywhere), built with
 * `next build`, started with `next start` (NEXTAUTH_URL set to where it is
 * reached, as next-auth v4 needs in production), and signed in through the
 * Trakt stand-in in Debian's Chromium with `authjs-trakt/next-auth-v4`. The
 * last test lets the Trakt token expire and reloads: in a pages-router app,
 * `getServerSession(req, res, ...)` in getServerSideProps runs v4's jwt
 * callback (`traktJwt`) and writes the refreshed session cookie on the page's
 * own response. Trakt must see one refresh, and the browser must get the
 * new pair.
 */
import { decode } from "next-auth/jwt"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest"
import { installAndBuild, startExample, type RunningApp } from "./apps.js"
import { freshPage, launchChromium, type Chromium } from "./chromium.js"
import * as journey from "./journeys.js"

/** The app's NEXTAUTH_SECRET, so that the test can read the session cookie. */
const SECRET = "next-auth-v4-e2e-secret-0123456789-0123456789"
/** next-auth v4's session cookie on plain http. */
const SESSION_COOKIE = "next-auth.session-token"

let app: RunningApp
let chromium: Chromium
let page: Page

beforeAll(async () => {
  installAndBuild("next-auth-v4")
  // next-auth v4 reads NEXTAUTH_SECRET first, then AUTH_SECRET: both are this one.
  app = await startExample("next-auth-v4", { env: { NEXTAUTH_SECRET: SECRET, AUTH_SECRET: SECRET } })
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

/** The JWT in the browser's session cookie, decrypted as next-auth v4 does. */
async function sessionToken(): Promise<journey.SessionToken | null> {
  const value = await journey.sessionCookie(chromium.context, app.url, SESSION_COOKIE)
  return value ? ((await decode({ token: value, secret: SECRET })) as journey.SessionToken | null) : null
}

test("sign in, approve at Trakt, see the name and username, sign out", async () => {
  // The buttons are next-auth/react's signIn("trakt") and signOut(): they fetch the CSRF token and post.
  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectSignedIn(page, app)
  expect(new URL(page.url()).search).toBe("")
  journey.expectTraktSignIn(app.trakt!, callbackUrl())
  // The page shows no avatar: Trakt forbids hot-linking its images.
  await expect(page.locator("img").count()).resolves.toBe(0)

  // The session cookie holds what traktJwt kept at sign-in.
  const token = await sessionToken()
  expect(token?.username).toBe("justin")
  expect(app.trakt!.isValid(token!.access_token!)).toBe(true)

  await journey.signOut(page)
  expect(await sessionToken()).toBeNull()
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(page, app, "Deny")
  await journey.expectDenied(page, app, /cancelled at Trakt/)
  expect(await sessionToken()).toBeNull()
})

test("an expired Trakt token is refreshed once, in getServerSideProps, and the page's response carries the new cookie", async () => {
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

  await journey.loadPagesSignedIn(page, app, async (load) => {
    if (load !== 1) return
    // The very response that refreshed the token set the new cookie: the
    // browser holds the new pair after this one load already.
    expect(journey.refreshes(trakt)).toHaveLength(1)
    const after = await sessionToken()
    expect(after?.access_token).not.toBe(first!.access_token)
    expect(trakt.isValid(after!.access_token!)).toBe(true)
  })
  const now = await sessionToken()
  expect(now?.username).toBe("justin")
  journey.expectOneRefresh(app, first!, now, callbackUrl())
})
