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
import { installAndBuild, startExample, STAND_IN_CLIENT, type RunningApp } from "./apps.js"
import { freshPage, launchChromium, type Chromium } from "./chromium.js"

/** The app's AUTH_SECRET, so that the test can read the session cookie. */
const SECRET = "next-auth-v5-e2e-secret-0123456789-0123456789"
/** Auth.js's session cookie on plain http. */
const SESSION_COOKIE = "authjs.session-token"
const WEEK = 7 * 24 * 3600

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
  app.trakt!.tokenLifetime = WEEK
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

/** The JWT in the browser's session cookie, decrypted as Auth.js does. */
async function sessionToken() {
  const cookies = (await chromium.context.cookies(app.url)).filter((c) => c.name.startsWith(SESSION_COOKIE))
  if (cookies.length === 0) return null
  // A large session is split into .0, .1, ... chunks.
  const value = cookies
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))
    .map((c) => c.value)
    .join("")
  const token = await decode({ token: value, secret: SECRET, salt: SESSION_COOKIE })
  return token as { access_token?: string; refresh_token?: string; expires_at?: number; error?: string } | null
}

const refreshes = () => app.trakt!.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")

test("sign in, approve at Trakt, see the name and username, sign out", async () => {
  const trakt = app.trakt!
  await signInAtTrakt("Approve")

  await expect(page.locator("#name").textContent(), app.output()).resolves.toBe("Justin Nemeth")
  await expect(page.locator("#username").textContent()).resolves.toBe("justin")
  await expect(page.locator("#session-error").count()).resolves.toBe(0)
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
    redirect_uri: `${app.url}/api/auth/callback/trakt`,
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
  expect(await sessionToken()).toBeNull()
})

test("deny at Trakt: back on the page with a plain message, still signed out", async () => {
  await signInAtTrakt("Deny")
  await expect(page.locator("#error").textContent(), app.output()).resolves.toMatch(/cancelled at Trakt/)
  await expect(page.getByRole("button", { name: "Sign in with Trakt" }).isVisible()).resolves.toBe(true)
  await expect(page.locator("#username").count()).resolves.toBe(0)
  const text = await page.locator("body").innerText()
  expect(text).not.toMatch(/at \w+ \(|Error:|TypeError|node_modules/)
  // Nothing was exchanged at Trakt.
  expect(app.trakt!.requests("/oauth/token")).toHaveLength(0)
})

test("an expired Trakt token is refreshed once, in the proxy, and the user stays signed in", async () => {
  const trakt = app.trakt!
  // Fresh for 5 s: the package counts a token as expired 60 s before expires_at.
  trakt.tokenLifetime = 65
  await signInAtTrakt("Approve")
  trakt.tokenLifetime = WEEK
  await expect(page.locator("#username").textContent(), app.output()).resolves.toBe("justin")

  const first = await sessionToken()
  expect(first, "no session cookie").not.toBeNull()
  expect(first?.access_token).toEqual(expect.any(String))
  expect(first!.expires_at! - Date.now() / 1000).toBeLessThanOrEqual(65)
  expect(refreshes()).toHaveLength(0)
  // Wait until the package counts the first token as expired.
  await new Promise((done) => setTimeout(done, Math.max(0, (first!.expires_at! - 60) * 1000 - Date.now()) + 500))

  const loads = [
    () => page.reload(),
    () => page.reload(),
    () => page.reload(),
    () => page.reload(),
    () => page.goto(`${app.url}/?from=navigation`),
  ]
  for (const [i, load] of loads.entries()) {
    await load()
    const text = await page.locator("body").innerText()
    expect(text, `load ${i + 1}:\n${app.output()}`).not.toMatch(/RefreshTokenError/)
    await expect(page.locator("#session-error").count()).resolves.toBe(0)
    await expect(page.locator("#username").textContent(), `load ${i + 1}`).resolves.toBe("justin")
    await expect(page.locator("#name").textContent()).resolves.toBe("Justin Nemeth")
  }

  // Trakt saw exactly one refresh, with the callback URL the user signed in with.
  const seen = refreshes()
  expect(seen, app.output()).toHaveLength(1)
  expect(seen[0]!.body).toMatchObject({
    client_id: STAND_IN_CLIENT.id,
    client_secret: STAND_IN_CLIENT.secret,
    refresh_token: first!.refresh_token,
    redirect_uri: `${app.url}/api/auth/callback/trakt`,
  })
  expect(seen[0]!.headers.authorization).toBeUndefined()

  // The browser now holds the new pair, which Trakt accepts; the first token is spent.
  const now = await sessionToken()
  expect(now?.error).toBeUndefined()
  expect(now?.access_token).not.toBe(first!.access_token)
  expect(now?.refresh_token).not.toBe(first!.refresh_token)
  expect(trakt.isValid(now!.access_token!)).toBe(true)
  expect(now!.expires_at! - Date.now() / 1000).toBeGreaterThan(WEEK - 120)
  expect(app.output()).not.toMatch(/TraktError|invalid_grant|RefreshTokenError/)
})
