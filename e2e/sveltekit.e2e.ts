/**
 * examples/sveltekit as a user runs it: installed from its lockfile with this
 * package's packed tarball, built with adapter-node (which inlines @auth/core
 * into the server while authjs-trakt stays external, so two copies of
 * @auth/core meet), started with `node build`, and signed in through the Trakt
 * stand-in in Debian's Chromium.
 */
import type { Page } from "playwright-core"
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest"
import { installAndBuild, startExample, type RunningApp } from "./apps.js"
import { freshPage, launchChromium, type Chromium } from "./chromium.js"
import * as journey from "./journeys.js"

let app: RunningApp
let chromium: Chromium
let page: Page

beforeAll(async () => {
  installAndBuild("sveltekit")
  app = await startExample("sveltekit")
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
})

test("sign in, approve at Trakt, see the name and username, sign out", async () => {
  await journey.signInAtTrakt(page, app, "Approve")
  await journey.expectSignedIn(page, app)
  expect(new URL(page.url()).search).toBe("")
  journey.expectTraktSignIn(app.trakt!, `${app.url}/auth/callback/trakt`)
  // The page shows no avatar: Trakt forbids hot-linking its images.
  await expect(page.locator("img").count()).resolves.toBe(0)
  await journey.signOut(page)
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await journey.signInAtTrakt(page, app, "Deny")
  await journey.expectDenied(page, app, /cancelled at Trakt: access was denied/)
})
