/**
 * examples/next-auth-v4 as a user runs it: installed from its lockfile with
 * this package's packed tarball (no @auth/core anywhere), built with
 * `next build`, started with `next start` (NEXTAUTH_URL set to where it is
 * reached, as next-auth v4 needs in production), and signed in through the
 * Trakt stand-in in Debian's Chromium with `authjs-trakt/next-auth-v4`. The
 * last test lets the Trakt token expire and reloads: in a pages-router suite.app,
 * `getServerSession(req, res, ...)` in getServerSideProps runs v4's jwt
 * callback (`traktJwt`) and writes the refreshed session cookie on the page's
 * own response. Trakt must see one refresh, and the browser must get the
 * new pair.
 */
import { decode } from "next-auth/jwt"
import { expect, test } from "vitest"
import * as journey from "./journeys.js"
import { exampleSuite } from "./suite.js"

/** The app's NEXTAUTH_SECRET, so that the test can read the session cookie. */
const SECRET = "next-auth-v4-e2e-secret-0123456789-0123456789"

// next-auth v4 reads NEXTAUTH_SECRET first, then AUTH_SECRET: both are this one.
const suite = exampleSuite(
  "next-auth-v4",
  // next-auth v4's session cookie on plain http.
  {
    name: "next-auth.session-token",
    decode: async (value) => (await decode({ token: value, secret: SECRET })) as journey.SessionToken | null,
  },
  { env: { NEXTAUTH_SECRET: SECRET, AUTH_SECRET: SECRET } },
)
const { callbackUrl, sessionToken, sessionUrl } = suite

test("sign in, approve at Trakt, see the name, avatar, stats and watchlist (never the token), sign out", async () => {
  // The buttons are next-auth/react's signIn("trakt") and signOut(): they fetch the CSRF token and post.
  await journey.signInAndCheck(suite.page, suite.app, callbackUrl(), sessionUrl())

  // The session cookie holds what traktJwt kept at sign-in.
  const token = await sessionToken()
  expect(token?.username).toBe("justin")
  expect(suite.app.trakt!.isValid(token!.access_token!)).toBe(true)
  await journey.expectNoTokenSent(suite.page, suite.responses, suite.app, sessionUrl(), [token?.access_token, token?.refresh_token])

  await journey.signOut(suite.page)
  expect(await sessionToken()).toBeNull()
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(suite.page, suite.app, "Deny")
  await journey.expectDenied(suite.page, suite.app, /cancelled at Trakt/)
  expect(await sessionToken()).toBeNull()
})

test("an expired Trakt token is refreshed once, in getServerSideProps, and the page's response carries the new cookie", async () => {
  const first = await journey.signInAndLetTokenExpire(suite.page, suite.app, sessionToken)
  const trakt = suite.app.trakt!

  await journey.loadPagesSignedIn(suite.page, suite.app, async (load) => {
    if (load !== 1) return
    // The very response that refreshed the token set the new cookie: the
    // browser holds the new pair after this one load already.
    expect(journey.refreshes(trakt)).toHaveLength(1)
    const after = await sessionToken()
    expect(after?.access_token).not.toBe(first.access_token)
    expect(trakt.isValid(after!.access_token!)).toBe(true)
  })
  const now = await suite.expectRefreshedAndNoTokenSent(first)
  expect(now?.username).toBe("justin")
})

// These two leave failures in the app's output: after the tests that check it is clean.
suite.failureTests()
