/**
 * examples/sveltekit as a user runs it: installed from its lockfile with this
 * package's packed tarball, built with adapter-node (which inlines @auth/core
 * into the server while authjs-trakt stays external, so two copies of
 * @auth/core meet), started with `node build`, and signed in through the Trakt
 * stand-in in Debian's Chromium.
 */
import type { Page } from "playwright-core"
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest"
import { installAndBuild, startExample, STAND_IN_CLIENT, type RunningApp } from "./apps.js"
import { freshPage, launchChromium, type Chromium } from "./chromium.js"

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
})

/** From the app's page, through the stand-in's consent page and back. */
async function signInAtTrakt(decision: "Approve" | "Deny") {
  await page.goto(app.url)
  await page.getByRole("button", { name: "Sign in with Trakt" }).click()
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/)
  await expect(page.locator("#app-name").textContent()).resolves.toBe(STAND_IN_CLIENT.name)
  await page.getByRole("button", { name: decision }).click()
  await page.waitForURL(new RegExp(`^${app.url}/`))
}

test("sign in, approve at Trakt, see the name and username, sign out", async () => {
  const trakt = app.trakt!
  trakt.received.length = 0
  await signInAtTrakt("Approve")

  await expect(page.locator("#name").textContent(), app.output()).resolves.toBe("Justin Nemeth")
  await expect(page.locator("#username").textContent()).resolves.toBe("justin")
  expect(new URL(page.url()).search).toBe("")

  // What Trakt received: one code exchange, credentials in a JSON body, never HTTP Basic.
  const exchanges = trakt.requests("/oauth/token")
  expect(exchanges).toHaveLength(1)
  const [exchange] = exchanges
  expect(exchange!.headers["content-type"]).toMatch(/^application\/json/)
  expect(exchange!.headers.authorization).toBeUndefined()
  expect(exchange!.body).toMatchObject({
    grant_type: "authorization_code",
    client_id: STAND_IN_CLIENT.id,
    client_secret: STAND_IN_CLIENT.secret,
    redirect_uri: `${app.url}/auth/callback/trakt`,
  })
  expect(exchange!.body.code_verifier).toEqual(expect.any(String))
  const settings = trakt.requests("/users/settings")
  expect(settings).toHaveLength(1)
  expect(settings[0]!.headers["user-agent"]).toMatch(/^authjs-trakt\//)
  expect(settings[0]!.headers["trakt-api-key"]).toBe(STAND_IN_CLIENT.id)
  // The page shows no avatar: Trakt forbids hot-linking its images.
  await expect(page.locator("img").count()).resolves.toBe(0)

  await page.getByRole("button", { name: "Sign out" }).click()
  await page.getByRole("button", { name: "Sign in with Trakt" }).waitFor()
  await expect(page.locator("#username").count()).resolves.toBe(0)
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await signInAtTrakt("Deny")
  await expect(page.locator("#error").textContent(), app.output()).resolves.toMatch(/cancelled at Trakt: access was denied/)
  await expect(page.getByRole("button", { name: "Sign in with Trakt" }).isVisible()).resolves.toBe(true)
  await expect(page.locator("#username").count()).resolves.toBe(0)
  const text = await page.locator("body").innerText()
  expect(text).not.toMatch(/at \w+ \(|Error:|TypeError|node_modules/)
})
