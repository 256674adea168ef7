/**
 * examples/sveltekit as a user runs it: installed from its lockfile with this
 * package's packed tarball, built with adapter-node (which inlines @auth/core
 * into the server while authjs-trakt stays external, so two copies of
 * @auth/core meet), started with `node build`, and signed in through the Trakt
 * stand-in in Debian's Chromium. The last test lets the Trakt token expire and
 * reloads: the layout's `event.locals.auth()` runs traktJwt and sets the
 * refreshed cookie on the page's response.
 */
import { decode } from "@auth/core/jwt"
import { expect, test } from "vitest"
import * as journey from "./journeys.js"
import { exampleSuite } from "./suite.js"

/** The app's AUTH_SECRET, so that the test can read the session cookie. */
const SECRET = "sveltekit-e2e-secret-0123456789-0123456789"
/** Auth.js's session cookie on plain http. */
const SESSION_COOKIE = "authjs.session-token"

const suite = exampleSuite("sveltekit", { env: { AUTH_SECRET: SECRET } })

const callbackUrl = () => `${suite.app.url}/auth/callback/trakt`

/** The JWT in the browser's session cookie, decrypted as Auth.js does. */
async function sessionToken(): Promise<journey.SessionToken | null> {
  const value = await journey.sessionCookie(suite.chromium.context, suite.app.url, SESSION_COOKIE)
  return value ? await decode({ token: value, secret: SECRET, salt: SESSION_COOKIE }) : null
}

test("sign in, approve at Trakt, see the name and username, sign out", async () => {
  await journey.signInAtTrakt(suite.page, suite.app, "Approve")
  await journey.expectSignedIn(suite.page, suite.app)
  expect(new URL(suite.page.url()).search).toBe("")
  journey.expectTraktSignIn(suite.app.trakt!, callbackUrl())
  // The page shows no avatar: Trakt forbids hot-linking its images.
  await expect(suite.page.locator("img").count()).resolves.toBe(0)
  await journey.signOut(suite.page)
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(suite.page, suite.app, "Deny")
  await journey.expectDenied(suite.page, suite.app, /cancelled at Trakt: access was denied/)
})

test("an expired Trakt token is refreshed once, in the layout's load, and the user stays signed in", async () => {
  const first = await journey.signInAndLetTokenExpire(suite.page, suite.app, sessionToken)
  await journey.loadPagesSignedIn(suite.page, suite.app)
  journey.expectOneRefresh(suite.app, first, await sessionToken(), callbackUrl())
})
