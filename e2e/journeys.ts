/**
 * What a person does in every example app, and what must hold each time:
 * sign in through the Trakt stand-in, deny there, sign out, and stay signed in
 * while the token expires. Each example's test adds what is its own.
 */
import type { BrowserContext, Page } from "playwright-core"
import { expect } from "vitest"
import type { TraktStandIn } from "../src/testing.js"
import { STAND_IN_CLIENT, standInUser, type RunningApp } from "./apps.js"

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
  if (app.showsUsername) await expect(page.locator("#username").textContent(), what).resolves.toBe("justin")
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

/**
 * Approves at Trakt, then checks the page (name, avatar, Trakt data) and what
 * Trakt received. Run it first in a freshly started app: the avatar check
 * expects the app's server to fetch the avatar, which it then keeps.
 */
export async function signInAndCheck(page: Page, app: RunningApp, callbackUrl: string, sessionUrl: string) {
  await signInAtTrakt(page, app, "Approve")
  await expectSignedIn(page, app)
  expect(new URL(page.url()).search).toBe("")
  expectTraktSignIn(app.trakt!, callbackUrl)
  await expectTraktData(page, app)
  await expectAvatar(page, app, sessionUrl)
}

/** What the stand-in's user has on Trakt, as every example shows it: stats, and the first page (10) of the movie watchlist. */
export const TRAKT_DATA = (() => {
  const { stats, watchlist = [] } = standInUser()
  const { movies, episodes } = stats as { movies: { watched: number }; episodes: { watched: number } }
  return {
    movies: String(movies.watched),
    episodes: String(episodes.watched),
    watchlist: watchlist.flatMap(({ movie }) => (movie ? [`${movie.title} (${movie.year})`] : [])).slice(0, 10),
  }
})()

/** The page shows the user's Trakt watchlist (and stats, where it has them), read on the server, and no Trakt error. */
export async function expectTraktData(page: Page, app: RunningApp, what = "") {
  await expect(page.locator("#trakt-error").count(), `${what}\n${app.output()}`).resolves.toBe(0)
  if (app.showsStats) {
    await expect(page.locator("#movies-watched").textContent(), what).resolves.toBe(TRAKT_DATA.movies)
    await expect(page.locator("#episodes-watched").textContent(), what).resolves.toBe(TRAKT_DATA.episodes)
  }
  await expect(page.locator("#watchlist li").allTextContents(), what).resolves.toEqual(TRAKT_DATA.watchlist)
}

/** Whether the browser loads and decodes `url` as an image. */
const loadsAsImage = (page: Page, url: string) =>
  page.evaluate(
    (src) =>
      new Promise<number>((resolve) => {
        const img = new Image()
        img.onload = () => resolve(img.naturalWidth)
        img.onerror = () => resolve(0)
        img.src = src
      }),
    url,
  )

/**
 * The avatar: the page's <img> is the app's own route and decodes, while the
 * stand-in (as Trakt's image hosts do) refuses the browser's own request for
 * the Trakt URL the session holds; the app's server fetched that URL, with the
 * package's User-Agent and no Referer. `traktUrl`: Trakt's URL where the app
 * keeps it outside the session (Better Auth: the account row); by default the
 * session's `avatar`.
 */
export async function expectAvatar(page: Page, app: RunningApp, sessionUrl: string, traktUrl?: string) {
  const trakt = app.trakt!
  const img = page.locator("#avatar")
  const src = await img.getAttribute("src")
  expect(new URL(src!, app.url).origin, "the avatar is served by the app").toBe(new URL(app.url).origin)
  const decoded = await img.evaluate(async (el: HTMLImageElement) => {
    await el.decode().catch(() => {})
    return el.naturalWidth
  })
  expect(decoded, app.output()).toBeGreaterThan(0)

  // The session holds the route as user.image and Trakt's URL as avatar (public: Trakt blocks only hot-linking).
  const session = await page.evaluate(async (url) => (await fetch(url)).json(), sessionUrl)
  expect(session.user.image).toBe(src)
  const avatar = traktUrl ?? session.avatar
  expect(avatar).toBe(`${trakt.url}/images/users/justin/avatar.svg`)

  // What `<img src={Trakt's URL}>` gets: refused.
  expect(await loadsAsImage(page, avatar)).toBe(0)
  const requests = trakt.requests("/images/users/justin/avatar.svg")
  const byServer = (r: (typeof requests)[number]) => /^authjs-trakt\//.test(r.headers["user-agent"] ?? "")
  const fromBrowser = requests.filter((r) => !byServer(r))
  expect(fromBrowser.length, "the browser tried the Trakt URL").toBeGreaterThan(0)
  for (const r of fromBrowser) {
    expect(r.status, "hot-linking refused").toBe(403)
    expect(r.headers.referer ?? r.headers.origin).toMatch(new RegExp(`^${app.url}`))
  }
  const fromServer = requests.filter(byServer)
  expect(
    fromServer.map((r) => r.status),
    "the app's server fetched the avatar",
  ).toEqual([200])
  expect(fromServer[0]!.headers.referer).toBeUndefined()
  expect(fromServer[0]!.headers.origin).toBeUndefined()
}

/** Signs out with the page's button and sees the sign-in button again. */
export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click()
  await page.getByRole("button", { name: "Sign in with Trakt" }).waitFor()
  await expect(page.locator("#username").count()).resolves.toBe(0)
  await expect(page.locator("#trakt, #watchlist, #avatar").count()).resolves.toBe(0)
}

/** Every response the page received: its URL, status, kind, headers and body. */
export interface RecordedResponse {
  url: string
  status: number
  /** Playwright's resource type: `document`, `fetch`, `script`, ... */
  type: string
  /** The headers and the body, as text. */
  text: string
  headers: Record<string, string>
  /** The body as text (latin1), empty for a redirect. */
  body: string
}

/**
 * Records every response the browser receives on `page` (documents, the
 * session endpoint, RSC payloads, client props, scripts), headers and body,
 * read as it arrives.
 */
export function recordResponses(page: Page) {
  const seen: Promise<RecordedResponse>[] = []
  page.on("response", (response) => {
    seen.push(
      (async () => {
        const headers = await response.allHeaders().catch(() => ({}))
        // Redirects have no body.
        const body = await response.body().then(
          (bytes) => bytes.toString("latin1"),
          () => "",
        )
        const text = `${JSON.stringify(headers)}\n${body}`
        return { url: response.url(), status: response.status(), type: response.request().resourceType(), text, headers, body }
      })(),
    )
  })
  return { all: () => Promise.all(seen) }
}

/**
 * No response the browser received on `page` holds any of `tokens` (the
 * session endpoint, which it reads once more first, page HTML, client props,
 * RSC payloads included): the data went to the browser, never the token.
 * `signedIn` is what the session endpoint's answer shows of a signed-in user.
 */
export async function expectNoTokenSent(
  page: Page,
  recorded: { all(): Promise<RecordedResponse[]> },
  app: RunningApp,
  sessionUrl: string,
  tokens: (string | undefined)[],
  signedIn = /"avatar"/,
) {
  // What any script on the page can read.
  await page.evaluate(async (url) => (await fetch(url)).text(), sessionUrl)
  let responses = await recorded.all()
  for (let tries = 0; !responses.some((r) => r.url === sessionUrl) && tries < 20; tries++) {
    await new Promise((done) => setTimeout(done, 100))
    responses = await recorded.all()
  }
  const documents = responses.filter((r) => r.type === "document" && r.url.startsWith(app.url) && r.status === 200)
  expect(documents.length, "pages recorded").toBeGreaterThan(0)
  for (const r of documents) expect(r.text, `the body of ${r.url}`).toMatch(/Justin Nemeth|Sign in with Trakt/)
  expect(
    responses.some((r) => r.url === sessionUrl && r.status === 200 && signedIn.test(r.text)),
    "the session endpoint recorded",
  ).toBe(true)
  expect(tokens.length).toBeGreaterThan(0)
  for (const token of tokens) {
    expect(token, "a token to look for").toMatch(/^\S{16,}$/)
    if (!token) continue
    const holding = responses.filter((r) => r.text.includes(token)).map((r) => `${r.type} ${r.url}`)
    expect(holding, "responses holding a Trakt token").toEqual([])
  }
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

  await expectTraktData(page, app, "after sign-in")

  const first = await sessionToken()
  expect(first?.access_token, "no session cookie").toEqual(expect.any(String))
  expect(first!.expires_at! - Date.now() / 1000).toBeLessThanOrEqual(65)
  expect(refreshes(trakt)).toHaveLength(0)
  await new Promise((done) => setTimeout(done, Math.max(0, (first!.expires_at! - 60) * 1000 - Date.now()) + 500))
  return first!
}

/** Reloads the page four times and navigates once, each time still signed in, with the Trakt data and no refresh error. */
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
    await expectTraktData(page, app, `load ${i + 1}`)
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
  // Every API call the page made (stats, watchlist) was answered, before and after the refresh.
  const calls = trakt.requests().filter((r) => /\/users\/me\//.test(r.path))
  expect(calls.length).toBeGreaterThan(0)
  expect(calls.filter((r) => r.status !== 200).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([])
  expect(app.output()).not.toMatch(/TraktError|invalid_grant|RefreshTokenError|Trakt call failed/)
}

/**
 * Trakt failing for now (503 on every watchlist call, which every example
 * makes): the page says Trakt is not answering, and nothing about signing in
 * again; the user stays signed in.
 * It leaves "Trakt call failed" in the app's output: run it after the tests
 * that check the output is clean.
 */
export async function expectNotAnswering(page: Page, app: RunningApp) {
  await signInAtTrakt(page, app, "Approve")
  await expectTraktData(page, app, "before the failure")
  // More than the client's retries within its maxRetryWait.
  app.trakt!.failNext("/users/me/watchlist/movies", { status: 503, times: 100 })
  expect((await page.reload())?.status()).toBe(200)
  await expect(page.locator("#trakt-error").textContent(), app.output()).resolves.toMatch(/Trakt is not answering right now/)
  await expectSignedIn(page, app, "Trakt down")
  expect(await page.locator("body").innerText()).not.toMatch(/sign in again/i)
}

/**
 * Trakt refusing the refresh token (revoked at Trakt): the session says
 * `RefreshTokenError`, and the page says "sign in again", not that Trakt is
 * not answering. Leaves a TraktError in the app's output: run it last.
 */
export async function expectSignInAgain(page: Page, app: RunningApp, sessionToken: () => Promise<SessionToken | null>) {
  await signInAndLetTokenExpire(page, app, sessionToken)
  app.trakt!.revoke({ user: "justin" })
  expect((await page.reload())?.status()).toBe(200)
  await expect(page.locator("#session-error").textContent(), app.output()).resolves.toMatch(/please sign in again/)
  await expect(page.locator("#name").textContent()).resolves.toBe("Justin Nemeth")
  await expect(page.locator("#trakt, #watchlist, #trakt-error").count()).resolves.toBe(0)
  expect(await page.locator("body").innerText()).not.toMatch(/not answering/)
  expect(refreshes(app.trakt!).length).toBeGreaterThan(0)
}
