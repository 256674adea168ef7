/**
 * A CommonJS Express app, as written by hand: plain `require()`, no bundler, no
 * TypeScript. The package is ESM only, so each `require("authjs-trakt...")`
 * below is Node's require(esm) (Bun's require of ESM), as it is for
 * `@auth/express` and `@auth/core`. It signs in with @auth/express against the
 * stand-in from `authjs-trakt/testing` on loopback, then reads the watchlist
 * in an app route with `createTraktClient`, before and after Trakt expires the
 * token. scripts/check-package.mjs runs this file as is, on Node and on Bun.
 */
"use strict"
const { ExpressAuth } = require("@auth/express")
const { getToken } = require("@auth/core/jwt")
const express = require("express")
const { default: Trakt, createTraktClient, traktJwt } = require("authjs-trakt")
const { startTraktStandIn } = require("authjs-trakt/testing")

const CLIENT_ID = "express-client-id"
const CLIENT_SECRET = "express-client-secret"
const SECRET = "a-secret-of-the-express-app-long-enough"

function check(condition, what) {
  if (!condition) throw new Error(what)
}

/** A browser: a cookie jar over fetch, following no redirect by itself. */
function browser() {
  const jar = new Map()
  return async (url, init = {}) => {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ")
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...init.headers, cookie } })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";")
      const at = pair.indexOf("=")
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (expired) jar.delete(pair.slice(0, at).trim())
      else jar.set(pair.slice(0, at).trim(), pair.slice(at + 1))
    }
    return response
  }
}

async function main() {
  const app = express()
  const server = await new Promise((resolve, reject) => {
    const listening = app.listen(0, "127.0.0.1", (error) => (error ? reject(error) : resolve(listening)))
  })
  const origin = `http://127.0.0.1:${server.address().port}`
  const redirectUri = `${origin}/auth/callback/trakt`
  const trakt = await startTraktStandIn({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris: [redirectUri] }],
    approve: "auto",
  })
  const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: trakt.url, redirectUri }
  const authConfig = {
    secret: SECRET,
    trustHost: true,
    providers: [Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: trakt.url })],
    callbacks: { jwt: traktJwt(options) },
  }
  app.use("/auth", ExpressAuth(authConfig))
  // The app's own route: the token stays on the server, the browser gets titles.
  app.get("/watchlist", async (req, res, next) => {
    try {
      const token = await getToken({ req, secret: SECRET })
      const items = await createTraktClient({ ...options, token }).get("/users/me/watchlist")
      res.json(items.map((item) => (item.movie ?? item.show).title))
    } catch (error) {
      next(error)
    }
  })

  const checks = [
    [
      "require() gives the ES modules of the tarball",
      async () => {
        check(
          require.resolve("authjs-trakt").endsWith("/node_modules/authjs-trakt/dist/index.js"),
          `resolved ${require.resolve("authjs-trakt")}`,
        )
        check(
          typeof Trakt === "function" && typeof require("authjs-trakt/testing").createTraktStandIn === "function",
          "no default export or no stand-in",
        )
      },
    ],
    [
      "signs in through @auth/express, and an app route reads the watchlist with createTraktClient, refreshing once when Trakt expires the token",
      async () => {
        const go = browser()
        const { csrfToken } = await (await go(`${origin}/auth/csrf`)).json()
        const body = new URLSearchParams({ csrfToken, callbackUrl: `${origin}/dashboard` })
        const signIn = await go(`${origin}/auth/signin/trakt`, { method: "POST", body })
        const authorize = signIn.headers.get("location")
        check(authorize?.startsWith(`${trakt.url}/oauth/authorize?`), `sign-in went to ${authorize}`)
        const atTrakt = await fetch(authorize, { redirect: "manual" })
        const callback = await go(atTrakt.headers.get("location"))
        check(callback.headers.get("location") === `${origin}/dashboard`, `callback went to ${callback.headers.get("location")}`)
        const session = await (await go(`${origin}/auth/session`)).json()
        check(session?.user?.name === "Justin Nemeth", `session: ${JSON.stringify(session)}`)

        const first = await go(`${origin}/watchlist`)
        const titles = await first.json()
        check(first.status === 200 && Array.isArray(titles) && titles.length > 0, `watchlist ${first.status}: ${JSON.stringify(titles)}`)
        const [call] = trakt.requests("/users/me/watchlist")
        check(call?.headers["trakt-api-key"] === CLIENT_ID && /^Bearer \S+/.test(call.headers.authorization ?? ""), "not Trakt's headers")

        trakt.expire()
        const second = await go(`${origin}/watchlist`)
        check(second.status === 200 && JSON.stringify(await second.json()) === JSON.stringify(titles), `after expiry: ${second.status}`)
        const calls = trakt.requests("/users/me/watchlist")
        check(calls.length === 3 && calls[2].headers.authorization !== call.headers.authorization, "not retried once with a new token")
        check(trakt.refreshes.granted === 1, `${trakt.refreshes.granted} refreshes`)
      },
    ],
  ]

  let failed = 0
  try {
    for (const [name, run] of checks) {
      try {
        await run()
        console.log(`  ✓ ${name}`)
      } catch (error) {
        failed++
        console.log(`  ✗ ${name}: ${error.message}`)
      }
    }
  } finally {
    await new Promise((done) => server.close(done))
    await trakt.stop()
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`)
  // No process.exit(): a handle left open keeps this process alive, and the runner's timeout fails it.
  process.exitCode = failed ? 1 : 0
}

main().catch((error) => {
  console.log(`  ✗ ${error.stack}`)
  process.exitCode = 1
})
