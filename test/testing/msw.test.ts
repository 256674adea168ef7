/** authjs-trakt/testing/msw: the stand-in behind Trakt's own URLs, no server. */
import { getResponse } from "msw"
import { expect, test } from "vitest"
import Trakt from "../../src/index.js"
import { createTraktStandIn } from "../../src/testing.js"
import { traktHandlers } from "../../src/testing-msw.js"
import { authConfig, Browser } from "../support/browser.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, ORIGIN } from "../support/constants.js"
import { server } from "../support/setup.js"

const standIn = () =>
  createTraktStandIn({ clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, name: "Test App", redirectUris: [CALLBACK_URL] }] })

test("an app signs in against production's hosts through the handlers, consent page included", async () => {
  const trakt = standIn()
  server.use(...traktHandlers(trakt))
  const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })])
  const browser = new Browser(config)
  const callback = await browser.signInWithTrakt()
  expect(callback.headers.get("location"), String(config.logs.errors)).toBe(`${ORIGIN}/dashboard`)
  expect(trakt.requests().map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
    "GET https://auth.trakt.tv/oauth/authorize",
    "POST https://auth.trakt.tv/oauth/authorize",
    "POST https://auth.trakt.tv/oauth/token",
    "GET https://api.trakt.tv/users/settings",
  ])
  expect((await browser.session()).user.image).toBe("https://walter-r2.trakt.tv/images/users/justin/avatar.svg")
})

test("staging and a custom base answer on their own hosts", async () => {
  const trakt = standIn()
  const staging = traktHandlers(trakt, { baseUrl: "https://api-staging.trakt.tv/" })
  const custom = traktHandlers(trakt, { baseUrl: "http://127.0.0.1:4010/trakt" })
  const answers = async (handlers: typeof staging, url: string, method = "GET") =>
    !!(await getResponse(handlers, new Request(url, { method })))
  expect(await answers(staging, "https://staging.trakt.tv/oauth/authorize")).toBe(true)
  expect(await answers(staging, "https://api-staging.trakt.tv/oauth/token", "POST")).toBe(true)
  expect(await answers(staging, "https://api-staging.trakt.tv/users/settings")).toBe(true)
  expect(await answers(custom, "http://127.0.0.1:4010/trakt/oauth/token", "POST")).toBe(true)
  expect(await answers(custom, "http://127.0.0.1:4010/trakt/sync/watchlist", "POST")).toBe(true)
})

test("OAuth on the API host, or the API on the OAuth host, is left unhandled (Trakt says: do not mix them)", async () => {
  const handlers = traktHandlers(standIn())
  expect(await getResponse(handlers, new Request("https://api.trakt.tv/oauth/token", { method: "POST" }))).toBeUndefined()
  expect(await getResponse(handlers, new Request("https://auth.trakt.tv/users/settings"))).toBeUndefined()
  expect(await getResponse(handlers, new Request("https://trakt.tv/oauth/authorize"))).toBeUndefined()
  const images = await getResponse(handlers, new Request("https://walter-r2.trakt.tv/images/users/justin/avatar.svg"))
  expect(images?.headers.get("content-type")).toBe("image/svg+xml")
  // Fetched by a page of the app's (hot-linked), it is refused, as at Trakt.
  const hotLinked = await getResponse(
    handlers,
    new Request("https://walter-r2.trakt.tv/images/users/justin/avatar.svg", { headers: { referer: "http://localhost:3000/" } }),
  )
  expect(hotLinked?.status).toBe(403)
})
