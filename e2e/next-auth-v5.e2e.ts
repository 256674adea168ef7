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
import { expect, test } from "vitest"
import * as journey from "./journeys.js"
import { authjsSession, exampleSuite } from "./suite.js"

/** The app's AUTH_SECRET, so that the test can read the session cookie. */
const SECRET = "next-auth-v5-e2e-secret-0123456789-0123456789"

const suite = exampleSuite("next-auth-v5", authjsSession(SECRET), { env: { AUTH_SECRET: SECRET } })
const { callbackUrl, sessionToken, sessionUrl } = suite

test("sign in, approve at Trakt, see the name, avatar and watchlist (never the token), sign out", async () => {
  await journey.signInAndCheck(suite.page, suite.app, callbackUrl(), sessionUrl())
  const token = await sessionToken()
  await journey.expectNoTokenSent(suite.page, suite.responses, suite.app, sessionUrl(), [token?.access_token, token?.refresh_token])

  await journey.signOut(suite.page)
  expect(await sessionToken()).toBeNull()
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(suite.page, suite.app, "Deny")
  await journey.expectDenied(suite.page, suite.app, /cancelled at Trakt/)
})

test("an expired Trakt token is refreshed once, in the proxy, and the user stays signed in", async () => {
  const first = await journey.signInAndLetTokenExpire(suite.page, suite.app, sessionToken)

  await journey.loadPagesSignedIn(suite.page, suite.app)
  await suite.expectRefreshedAndNoTokenSent(first)
})

// These two leave failures in the app's output: after the tests that check it is clean.
suite.failureTests()
