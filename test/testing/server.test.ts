/** startTraktStandIn: the stand-in on a loopback port, signed in through by Auth() with the provider's baseUrl set to its url. */
import { createServer } from "node:net"
import { afterEach, expect, test } from "vitest"
import Trakt, { refreshTraktToken } from "../../src/index.js"
import { startTraktStandIn, type RunningTraktStandIn } from "../../src/testing.js"
import { authConfig, Browser } from "../support/browser.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, ORIGIN } from "../support/constants.js"
import { allowLoopback } from "./loopback.js"

allowLoopback()
let running: RunningTraktStandIn | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

const start = async (options: Parameters<typeof startTraktStandIn>[0] = {}) =>
  (running = await startTraktStandIn({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris: [CALLBACK_URL] }],
    approve: "auto",
    ...options,
  }))

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer()
    probe.once("error", () => resolve(false))
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)))
  })

/** Sign-in with automatic approval: the authorize URL redirects straight back to the app. */
async function signIn(browser: Browser) {
  const authorizeUrl = (await browser.signIn()).headers.get("location")!
  const atTrakt = await fetch(authorizeUrl, { redirect: "manual" })
  expect(atTrakt.status).toBe(302)
  return browser.callback(atTrakt.headers.get("location")!)
}

test("the provider signs in with baseUrl: url alone, and refreshes once; the spent refresh token is refused", async () => {
  const trakt = await start()
  expect(trakt.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: trakt.url })])
  const browser = new Browser(config)
  const callback = await signIn(browser)
  expect(callback.headers.get("location"), String(config.logs.errors)).toBe(`${ORIGIN}/dashboard`)
  expect((await browser.session()).user.name).toBe("Justin Nemeth")

  const [exchange] = trakt.requests("/oauth/token")
  expect(exchange!.url).toBe(`${trakt.url}/oauth/token`)
  expect(exchange!.body).toMatchObject({
    client_id: CLIENT_ID,
    client_secret: trakt.masked(CLIENT_SECRET),
    code_verifier: expect.stringMatching(/^\*{3}/),
    grant_type: "authorization_code",
  })
  expect(exchange!.headers.authorization).toBeUndefined()
  expect(trakt.requests("/users/settings")[0]!.headers["user-agent"]).toMatch(/^authjs-trakt\//)

  const issued = trakt.issueTokens()
  const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK_URL, baseUrl: trakt.url }
  const fresh = await refreshTraktToken({ ...options, refreshToken: issued.refresh_token })
  expect(trakt.isValid(fresh.access_token)).toBe(true)
  expect(trakt.refreshes).toEqual({ requested: 1, granted: 1 })
  await expect(refreshTraktToken({ ...options, refreshToken: issued.refresh_token })).rejects.toMatchObject({ code: "invalid_grant" })
})

test("listens on the port asked for, and stop() frees it, answering what still hangs", async () => {
  const probe = await startTraktStandIn()
  const port = Number(new URL(probe.url).port)
  await probe.stop()
  const trakt = await start({ port })
  expect(trakt.url).toBe(`http://127.0.0.1:${port}`)
  trakt.failNext("/oauth/token", { hang: true })
  const hanging = fetch(`${trakt.url}/oauth/token`, { method: "POST", body: "{}" }).then(
    (r) => r.status,
    () => "closed",
  )
  // An idle keep-alive connection must not hold the port either.
  expect(
    (await fetch(`${trakt.url}/users/justin`, { headers: { "user-agent": "t/1", "trakt-api-key": CLIENT_ID, "trakt-api-version": "2" } }))
      .status,
  ).toBe(200)
  await new Promise((r) => setTimeout(r, 50))
  await trakt.stop()
  running = undefined
  expect([503, "closed"]).toContain(await hanging)
  expect(await portIsFree(port)).toBe(true)
})

test("a client that gives up on a hang ends it (its Request's signal aborts)", async () => {
  const trakt = await start()
  trakt.failNext("/users/settings", { hang: true })
  const error = await fetch(`${trakt.url}/users/settings`, { signal: AbortSignal.timeout(100) }).catch((e: Error) => e.name)
  expect(error).toBe("TimeoutError")
  await new Promise((r) => setTimeout(r, 50))
  expect(trakt.requests("/users/settings")[0]!.status).toBe(503)
})

test("a port in use is an EADDRINUSE rejection", async () => {
  const trakt = await start()
  await expect(startTraktStandIn({ port: Number(new URL(trakt.url).port) })).rejects.toMatchObject({ code: "EADDRINUSE" })
})
