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
import { installAndBuild, startExample, STAND_IN_CLIENT, type RunningApp } from "./apps.js"
import { freshPage, launchChromium, type Chromium } from "./chromium.js"

/** The app's NEXTAUTH_SECRET, so that the test can read the session cookie. */
const SECRET = "next-auth-v4-e2e-secret-0123456789-0123456789"
/** next-auth v4's session cookie on plain http. */
const SESSION_COOKIE = "next-auth.session-token"
const WEEK = 7 * 24 * 3600

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
  app.trakt!.tokenLifetime = WEEK
})

/** From the app's page, through the stand-in's consent page and back. */
async function signInAtTrakt(decision: "Approve" | "Deny") {
  await page.goto(app.url)
  // next-auth/react's signIn("trakt"): fetches the CSRF token, posts, and follows the answer.
  await page.getByRole("button", { name: "Sign in with Trakt" }).click()
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/)
  await expect(page.locator("#app-name").textContent()).resolves.toBe(STAND_IN_CLIENT.name)
  await page.getByRole("button", { name: decision }).click()
  await page.waitForURL(new RegExp(`^${app.url}/`))
}

/** The JWT in the browser's session cookie, decrypted as next-auth v4 does. */
async function sessionToken() {
  const cookies = (await chromium.context.cookies(app.url)).filter((c) => c.name.startsWith(SESSION_COOKIE))
  if (cookies.length === 0) return null
  // A large session is split into .0, .1, ... chunks.
  const value = cookies
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))
    .map((c) => c.value)
    .join("")
  const token = await decode({ token: value, secret: SECRET })
  return token as { access_token?: string; refresh_token?: string; expires_at?: number; error?: string; username?: string } | null
}

const refreshes = () => app.trakt!.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")
const callbackUrl = () => `${app.url}/api/auth/callback/trakt`

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
    redirect_uri: callbackUrl(),
  })
  expect(exchange!.body.code_verifier).toEqual(expect.any(String))
  const settings = trakt.requests("/users/settings")
  expect(settings).toHaveLength(1)
  expect(settings[0]!.headers["user-agent"]).toMatch(/^authjs-trakt\//)
  expect(settings[0]!.headers["trakt-api-key"]).toBe(STAND_IN_CLIENT.id)
  // The page shows no avatar: Trakt forbids hot-linking its images.
  await expect(page.locator("img").count()).resolves.toBe(0)

  // The session cookie holds what traktJwt kept at sign-in.
  const token = await sessionToken()
  expect(token?.username).toBe("justin")
  expect(trakt.isValid(token!.access_token!)).toBe(true)

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
  // Nothing was exchanged at Trakt, and no session was made.
  expect(app.trakt!.requests("/oauth/token")).toHaveLength(0)
  expect(await sessionToken()).toBeNull()
})

test("an expired Trakt token is refreshed once, in getServerSideProps, and the page's response carries the new cookie", async () => {
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
    const response = await load()
    expect(response?.status()).toBe(200)
    const text = await page.locator("body").innerText()
    expect(text, `load ${i + 1}:\n${app.output()}`).not.toMatch(/RefreshTokenError/)
    await expect(page.locator("#session-error").count()).resolves.toBe(0)
    await expect(page.locator("#username").textContent(), `load ${i + 1}`).resolves.toBe("justin")
    await expect(page.locator("#name").textContent()).resolves.toBe("Justin Nemeth")
    if (i === 0) {
      // The very response that refreshed the token set the new cookie: the
      // browser holds the new pair after this one load already.
      expect(refreshes()).toHaveLength(1)
      const after = await sessionToken()
      expect(after?.access_token).not.toBe(first!.access_token)
      expect(trakt.isValid(after!.access_token!)).toBe(true)
    }
  }

  // Trakt saw exactly one refresh, with the callback URL NEXTAUTH_URL stands for.
  const seen = refreshes()
  expect(seen, app.output()).toHaveLength(1)
  expect(seen[0]!.headers["content-type"]).toMatch(/^application\/json/)
  expect(seen[0]!.headers.authorization).toBeUndefined()
  expect(seen[0]!.body).toMatchObject({
    grant_type: "refresh_token",
    client_id: STAND_IN_CLIENT.id,
    client_secret: STAND_IN_CLIENT.secret,
    refresh_token: first!.refresh_token,
    redirect_uri: callbackUrl(),
  })

  // The browser now holds the new pair, which Trakt accepts; the first token is spent.
  const now = await sessionToken()
  expect(now?.error).toBeUndefined()
  expect(now?.username).toBe("justin")
  expect(now?.access_token).not.toBe(first!.access_token)
  expect(now?.refresh_token).not.toBe(first!.refresh_token)
  expect(trakt.isValid(now!.access_token!)).toBe(true)
  expect(trakt.canRefresh(first!.refresh_token!)).toBe(false)
  expect(trakt.canRefresh(now!.refresh_token!)).toBe(true)
  expect(now!.expires_at! - Date.now() / 1000).toBeGreaterThan(WEEK - 120)
  expect(app.output()).not.toMatch(/TraktError|invalid_grant|RefreshTokenError/)
})
