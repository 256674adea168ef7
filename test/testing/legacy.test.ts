/**
 * legacy: true answers @auth/core's built-in Trakt provider (the old hosts,
 * HTTP Basic, a form body, /users/me, no User-Agent), which the benchmark
 * compares this package with. Without it, the same provider is refused.
 */
import BuiltInTrakt from "@auth/core/providers/trakt"
import { http } from "msw"
import { expect, test } from "vitest"
import { createTraktStandIn } from "../../src/testing.js"
import { authConfig, Browser } from "../support/browser.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, ORIGIN } from "../support/constants.js"
import { server } from "../support/setup.js"

function builtInAgainst(legacy: boolean) {
  const trakt = createTraktStandIn({ clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris: [CALLBACK_URL] }], legacy })
  const answer = ({ request }: { request: Request }) => trakt.handle(request)
  // The hosts @auth/core's provider still uses: authorize on trakt.tv, the rest on api.trakt.tv.
  server.use(http.all("https://trakt.tv/oauth/*", answer), http.all("https://api.trakt.tv/*", answer))
  const config = authConfig([BuiltInTrakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })])
  return { trakt, config, browser: new Browser(config) }
}

test("legacy: the built-in provider signs in, with HTTP Basic and a form body", async () => {
  const { trakt, config, browser } = builtInAgainst(true)
  const callback = await browser.signInWithTrakt()
  expect(callback.headers.get("location"), String(config.logs.errors)).toBe(`${ORIGIN}/dashboard`)
  expect((await browser.session()).user.name).toBe("Justin Nemeth")
  const [exchange] = trakt.requests("/oauth/token")
  expect(exchange!.headers.authorization).toMatch(/^Basic \*{3}/)
  expect(typeof exchange!.body).toBe("string")
  expect(trakt.requests("/users/me")).toHaveLength(1)
})

test("strict (the default): the built-in provider's form body with HTTP Basic is refused", async () => {
  const { trakt, browser } = builtInAgainst(false)
  const callback = await browser.signInWithTrakt()
  expect(callback.headers.get("location")).toMatch(/error=/)
  const [exchange] = trakt.requests("/oauth/token")
  expect(exchange!.status).toBe(401)
})
