/**
 * examples/sveltekit as a user runs it: installed from its lockfile with this
 * package's packed tarball, built with adapter-node (which inlines @auth/core
 * into the server while authjs-trakt stays external, so two copies of
 * @auth/core meet), started with `node build`, and signed in through the Trakt
 * stand-in in Debian's Chromium. The last test lets the Trakt token expire and
 * reloads: the layout's `event.locals.auth()` runs traktJwt and sets the
 * refreshed cookie on the page's response.
 */
import { test } from "vitest"
import * as journey from "./journeys.js"
import { authjsSession, exampleSuite } from "./suite.js"

/** The app's AUTH_SECRET, so that the test can read the session cookie. */
const SECRET = "sveltekit-e2e-secret-0123456789-0123456789"

const suite = exampleSuite("sveltekit", authjsSession(SECRET), { env: { AUTH_SECRET: SECRET } })
const { callbackUrl, sessionToken, sessionUrl } = suite

test("sign in, approve at Trakt, see the name, avatar, stats and watchlist (never the token), sign out", async () => {
  await journey.signInAndCheck(suite.page, suite.app, callbackUrl(), sessionUrl())
  const token = await sessionToken()
  await journey.expectNoTokenSent(suite.page, suite.responses, suite.app, sessionUrl(), [token?.access_token, token?.refresh_token])
  await journey.signOut(suite.page)
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(suite.page, suite.app, "Deny")
  await journey.expectDenied(suite.page, suite.app, /cancelled at Trakt: access was denied/)
})

test("an expired Trakt token is refreshed once, in the layout's load, and the user stays signed in", async () => {
  const first = await journey.signInAndLetTokenExpire(suite.page, suite.app, sessionToken)
  await journey.loadPagesSignedIn(suite.page, suite.app)
  await suite.expectRefreshedAndNoTokenSent(first)
})

// These two leave failures in the app's output: after the tests that check it is clean.
suite.failureTests()
