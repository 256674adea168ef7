/**
 * What a person does in every example app, and what must hold each time:
 * sign in through the Trakt stand-in, deny there, sign out, and stay signed in
 * while the token expires. Each example's test adds what is its own.
 */
import type { BrowserContext, Page } from "playwright-core"
import { expect } from "vitest"
import type { TraktStandIn } from "../src/testing.js"
import { STAND_IN_CLIENT, type RunningApp } from "./apps.js"

export const WEEK = 7 * 24 * 3600

/** The fields the examples keep in their session token. */
export interface SessionToken {
  access_token?: string
  refresh_token?: string
  expires_at?: number
  error?: string
  username?: string
}

/** From the app's page, through the stand-in's consent page, and back. */
export async function signInAtTrakt(page: Page, app: RunningApp, decision: "Approve" | "Deny") {
  await page.goto(app.url)
  await page.getByRole("button", { name: "Sign in with Trakt" }).click()
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/)
  await expect(page.locator("#app-name").textContent()).resolves.toBe(STAND_IN_CLIENT.name)
  await page.getByRole("button", { name: decision }).click()
  await page.waitForURL(new RegExp(`^${app.url}/`))
}

/** The page shows the signed-in user, and no error. */
export async function expectSignedIn(page: Page, app: RunningApp, what = "") {
  await expect(page.locator("#name").textContent(), `${what}\n${app.output()}`).resolves.toBe("Justin Nemeth")
  await expect(page.locator("#username").textContent(), what).resolves.toBe("justin")
  await expect(page.locator("#session-error").count(), what).resolves.toBe(0)
  expect(await page.locator("body").innerText(), what).not.toMatch(/RefreshTokenError/)
}

/**
 * What Trakt received for one sign-in: one code exchange with the
 * credentials, the PKCE verifier and the callback URL in a JSON body (never
 * HTTP Basic), and one /users/settings call with the package's User-Agent.
 */
export function expectTraktSignIn(trakt: TraktStandIn, callbackUrl: string) {
  const exchanges = trakt.requests("/oauth/token")
  expect(exchanges).toHaveLength(1)
  const [exchange] = exchanges
  expect(exchange!.headers["content-type"]).toMatch(/^application\/json/)
  expect(exchange!.headers.authorization).toBeUndefined()
  expect(exchange!.body).toMatchObject({
    grant_type: "authorization_code",
    client_id: STAND_IN_CLIENT.id,
    client_secret: trakt.masked(STAND_IN_CLIENT.secret),
    redirect_uri: callbackUrl,
    code_verifier: expect.any(String),
  })
  const settings = trakt.requests("/users/settings")
  expect(settings).toHaveLength(1)
  expect(settings[0]!.headers["user-agent"]).toMatch(/^authjs-trakt\//)
  expect(settings[0]!.headers["trakt-api-key"]).toBe(STAND_IN_CLIENT.id)
}

/** Approves at Trakt, then checks the page and what Trakt received; no avatar is hot-linked. */
export async function signInAndCheck(page: Page, app: RunningApp, callbackUrl: string) {
  await signInAtTrakt(page, app, "Approve")
  await expectSignedIn(page, app)
  expect(new URL(page.url()).search).toBe("")
  expectTraktSignIn(app.trakt!, callbackUrl)
  // The page shows no avatar: Trakt forbids hot-linking its images.
  await expect(page.locator("img").count()).resolves.toBe(0)
}

/** Signs out with the page's button and sees the sign-in button again. */
export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click()
  await page.getByRole("button", { name: "Sign in with Trakt" }).waitFor()
  await expect(page.locator("#username").count()).resolves.toBe(0)
}

/** After a Deny at Trakt: a plain message, no stack trace, signed out, nothing exchanged. */
export async function expectDenied(page: Page, app: RunningApp, message: RegExp) {
  await expect(page.locator("#error").textContent(), app.output()).resolves.toMatch(message)
  await expect(page.getByRole("button", { name: "Sign in with Trakt" }).isVisible()).resolves.toBe(true)
  await expect(page.locator("#username").count()).resolves.toBe(0)
  expect(await page.locator("body").innerText()).not.toMatch(/at \w+ \(|Error:|TypeError|node_modules/)
  expect(app.trakt!.requests("/oauth/token")).toHaveLength(0)
}

/** The browser's session cookie, its .0, .1, ... chunks joined, or null without one. */
export async function sessionCookie(context: BrowserContext, url: string, name: string): Promise<string | null> {
  const cookies = (await context.cookies(url)).filter((cookie) => cookie.name.startsWith(name))
  if (cookies.length === 0) return null
  return cookies
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))
    .map((cookie) => cookie.value)
    .join("")
}

/** The refresh requests the stand-in received. */
export const refreshes = (trakt: TraktStandIn) => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")

/**
 * Signs in with a Trakt token fresh for 5 s only (the package counts a token as
 * expired 60 s before its expires_at), checks the session holds it and no
 * refresh happened, and waits until it has expired. Returns that first token.
 */
export async function signInAndLetTokenExpire(page: Page, app: RunningApp, sessionToken: () => Promise<SessionToken | null>) {
  const trakt = app.trakt!
  trakt.tokenLifetime = 65
  await signInAtTrakt(page, app, "Approve")
  trakt.tokenLifetime = WEEK
  await expectSignedIn(page, app)

  const first = await sessionToken()
  expect(first?.access_token, "no session cookie").toEqual(expect.any(String))
  expect(first!.expires_at! - Date.now() / 1000).toBeLessThanOrEqual(65)
  expect(refreshes(trakt)).toHaveLength(0)
  await new Promise((done) => setTimeout(done, Math.max(0, (first!.expires_at! - 60) * 1000 - Date.now()) + 500))
  return first!
}

/** Reloads the page four times and navigates once, each time still signed in, with no refresh error. */
export async function loadPagesSignedIn(page: Page, app: RunningApp, afterLoad?: (load: number) => Promise<void>) {
  const loads = [
    () => page.reload(),
    () => page.reload(),
    () => page.reload(),
    () => page.reload(),
    () => page.goto(`${app.url}/?from=navigation`),
  ]
  for (const [i, load] of loads.entries()) {
    const response = await load()
    expect(response?.status(), `load ${i + 1}`).toBe(200)
    await expectSignedIn(page, app, `load ${i + 1}`)
    await afterLoad?.(i + 1)
  }
}

/**
 * After the first token expired: Trakt saw exactly one refresh, spending the
 * first refresh token with the sign-in's callback URL, and the browser holds
 * the new pair, which Trakt accepts.
 */
export function expectOneRefresh(app: RunningApp, first: SessionToken, now: SessionToken | null, callbackUrl: string) {
  const trakt = app.trakt!
  const seen = refreshes(trakt)
  expect(seen, app.output()).toHaveLength(1)
  expect(seen[0]!.headers["content-type"]).toMatch(/^application\/json/)
  expect(seen[0]!.headers.authorization).toBeUndefined()
  expect(seen[0]!.body).toMatchObject({
    client_id: STAND_IN_CLIENT.id,
    client_secret: trakt.masked(STAND_IN_CLIENT.secret),
    refresh_token: trakt.masked(first.refresh_token!),
    redirect_uri: callbackUrl,
  })
  expect(now?.error).toBeUndefined()
  expect(now?.access_token).not.toBe(first.access_token)
  expect(trakt.isValid(now!.access_token!)).toBe(true)
  expect(trakt.canRefresh(first.refresh_token!)).toBe(false)
  expect(trakt.canRefresh(now!.refresh_token!)).toBe(true)
  expect(now!.expires_at! - Date.now() / 1000).toBeGreaterThan(WEEK - 120)
  expect(app.output()).not.toMatch(/TraktError|invalid_grant|RefreshTokenError/)
}
