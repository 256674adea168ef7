/**
 * examples/sveltekit as a user runs it: installed from its lockfile with this
 * package's packed tarball, built with adapter-node (which inlines @auth/core
 * into the server while authjs-trakt stays external, so two copies of
 * @auth/core meet), started with `node build`, and signed in through the Trakt
 * stand-in in Debian's Chromium.
 */
import { expect, test } from "vitest"
import * as journey from "./journeys.js"
import { exampleSuite } from "./suite.js"

const suite = exampleSuite("sveltekit")

test("sign in, approve at Trakt, see the name and username, sign out", async () => {
  await journey.signInAtTrakt(suite.page, suite.app, "Approve")
  await journey.expectSignedIn(suite.page, suite.app)
  expect(new URL(suite.page.url()).search).toBe("")
  journey.expectTraktSignIn(suite.app.trakt!, `${suite.app.url}/auth/callback/trakt`)
  // The page shows no avatar: Trakt forbids hot-linking its images.
  await expect(suite.page.locator("img").count()).resolves.toBe(0)
  await journey.signOut(suite.page)
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(suite.page, suite.app, "Deny")
  await journey.expectDenied(suite.page, suite.app, /cancelled at Trakt: access was denied/)
})
