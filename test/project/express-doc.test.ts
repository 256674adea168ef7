/**
 * docs/express.md's app (example/express/app.ts, shown there verbatim) as a
 * user runs it against `npx authjs-trakt-standin`: the stand-in on loopback
 * with its consent page, the app listening on PORT with TRAKT_BASE_URL,
 * AUTH_TRAKT_ID and AUTH_TRAKT_SECRET set as the stand-in prints them. A
 * browser's steps with real Requests, cookies carried: the home page, Auth.js's
 * sign-in page at /auth/signin, Trakt's consent page, the callback, and the
 * home page again, signed in.
 */
import { createServer, type Server } from "node:net"
import { afterAll, beforeEach, expect, test, vi } from "vitest"
import { defaultStandInUser, startTraktStandIn } from "../../src/testing.js"
import { decideAtTrakt, keepCookies } from "../support/browsing.js"
import { allowLoopback } from "../testing/loopback.js"

allowLoopback()

/** A free port on loopback, for the app's PORT: the stand-in must know the callback URL before the app starts. */
const port = await new Promise<number>((resolve) => {
  const probe: Server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as { port: number }
    probe.close(() => resolve(port))
  })
})
const origin = `http://127.0.0.1:${port}`
const CLIENT = { id: "express-app", secret: "express-secret" }
const justin = defaultStandInUser()
const trakt = await startTraktStandIn({
  clients: [{ ...CLIENT, redirectUris: [`${origin}/auth/callback/trakt`] }],
  users: [
    justin,
    { user: { username: "mallory", name: `<img src=x onerror="alert(1)">`, ids: { slug: "mallory", uuid: "7f1c5e0a-mallory" } } },
  ],
})
vi.stubEnv("PORT", String(port))
vi.stubEnv("AUTH_SECRET", "express-doc-secret-0123456789-0123456789")
vi.stubEnv("AUTH_TRAKT_ID", CLIENT.id)
vi.stubEnv("AUTH_TRAKT_SECRET", CLIENT.secret)
vi.stubEnv("TRAKT_BASE_URL", trakt.url)
const { server } = await import("../../example/express/app.js")
// No tokens, requests or chosen user left from the test before.
beforeEach(() => trakt.reset())
afterAll(async () => {
  await new Promise((done) => server.close(done))
  await trakt.stop()
})

/** A browser: cookies kept from one answer to the next, redirects looked at one by one. */
const jar = new Map<string, string>()
async function browse(url: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers)
  if (url.startsWith(origin)) headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "))
  const response = await fetch(url, { ...init, headers, redirect: "manual" })
  if (url.startsWith(origin)) keepCookies(jar, response.headers.getSetCookie())
  return response
}

/** From the home page's link, through Auth.js's sign-in page and Trakt's consent page, and back. */
async function signIn() {
  jar.clear()
  const home = await (await browse(`${origin}/`)).text()
  expect(home).toContain(`<a href="/auth/signin">Sign in with Trakt</a>`)
  const page = await browse(`${origin}/auth/signin`)
  expect(page.status).toBe(200)
  const html = await page.text()
  const action = /<form action="([^"]+\/auth\/signin\/trakt)"/.exec(html)?.[1]
  const csrfToken = /name="csrfToken" value="([^"]+)"/.exec(html)?.[1]
  expect(action, html).toBe(`${origin}/auth/signin/trakt`)
  const toTrakt = await browse(action!, { method: "POST", body: new URLSearchParams({ csrfToken: csrfToken! }) })
  expect(toTrakt.headers.get("location")).toMatch(new RegExp(`^${trakt.url}/oauth/authorize\\?`))
  const callback = await decideAtTrakt(toTrakt.headers.get("location")!, "approve")
  expect(callback.startsWith(`${origin}/auth/callback/trakt?`)).toBe(true)
  const back = await browse(callback)
  expect(back.status, await back.clone().text()).toBe(302)
  return browse(new URL(back.headers.get("location")!, origin).href)
}

test("sign-in starts at /auth/signin, goes through the stand-in, and / shows the user", async () => {
  const home = await signIn()
  expect(home.status).toBe(200)
  expect(await home.text()).toContain(`Signed in as <b id="name">Justin Nemeth</b>. <a href="/auth/signout">Sign out</a>`)
  // What Trakt received: the code exchanged once, credentials in the JSON body, the app's callback URL.
  const exchanges = trakt.requests("/oauth/token")
  expect(exchanges).toHaveLength(1)
  expect(exchanges[0]!.headers.authorization).toBeUndefined()
  expect(exchanges[0]!.body).toMatchObject({
    grant_type: "authorization_code",
    client_id: CLIENT.id,
    client_secret: trakt.masked(CLIENT.secret),
    redirect_uri: `${origin}/auth/callback/trakt`,
  })
  expect(trakt.requests("/users/settings")[0]!.headers["trakt-api-key"]).toBe(CLIENT.id)
})

test("a name with HTML in it is shown as text", async () => {
  trakt.signInAs("mallory")
  const html = await (await signIn()).text()
  expect(html).toContain('Signed in as <b id="name">&#60;img src=x onerror=&#34;alert(1)&#34;&#62;</b>')
  expect(html).not.toContain("<img")
})
