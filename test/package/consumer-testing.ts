/**
 * A separate project's use of `authjs-trakt/testing` from the packed tarball,
 * installed beside @auth/core only (no msw): start the stand-in, sign in
 * through `Auth()` with the provider's `baseUrl` set to its `url`, refresh
 * once, call the API with the new token (`createTraktClient`), see the spent
 * refresh token refused, stop it (port free, no handle left: this process
 * must exit on its own), and run the command from node_modules/.bin.
 * scripts/check-package.mjs bundles it as ESM and CJS.
 */
import { spawn } from "node:child_process"
import { createServer } from "node:net"
import { join } from "node:path"
import Trakt, { createTraktClient, findTraktError, refreshTraktToken } from "authjs-trakt"
import { startTraktStandIn } from "authjs-trakt/testing"
import { authConfig, Browser } from "../support/browser.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, ORIGIN } from "../support/constants.js"
import { check, runChecks } from "./harness.js"

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer()
    probe.once("error", () => resolve(false))
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)))
  })

const checks: [string, () => Promise<void>][] = []

checks.push([
  "signs in through the stand-in with baseUrl: url, refreshes once, and the spent refresh token is refused",
  async () => {
    const trakt = await startTraktStandIn({
      clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris: [CALLBACK_URL] }],
      approve: "auto",
    })
    const port = Number(new URL(trakt.url).port)
    try {
      let refreshToken: string | undefined
      const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: trakt.url })], {
        callbacks: { jwt: ({ token, account }) => ((refreshToken ??= account?.refresh_token), token) },
      })
      const browser = new Browser(config)
      const authorizeUrl = (await browser.signIn()).headers.get("location")!
      const atTrakt = await fetch(authorizeUrl, { redirect: "manual" })
      const callback = await browser.callback(atTrakt.headers.get("location")!)
      check(
        callback.headers.get("location") === `${ORIGIN}/dashboard`,
        `callback went to ${callback.headers.get("location")}: ${config.logs.errors}`,
      )
      check((await browser.session())?.user?.name === "Justin Nemeth", "no session")
      check(refreshToken && trakt.canRefresh(refreshToken), "no refresh token from the sign-in")

      const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK_URL, baseUrl: trakt.url }
      const fresh = await refreshTraktToken({ ...options, refreshToken: refreshToken! })
      check(trakt.isValid(fresh.access_token) && trakt.refreshes.granted === 1, "the refresh did not give a working pair")
      // The app's own call with the fresh pair: Trakt's headers, the watchlist the stand-in's user has.
      const { access_token, refresh_token, expires_at } = fresh
      const client = createTraktClient({ ...options, token: { access_token, refresh_token, expires_at } })
      const watchlist = await client.get<{ rank: number }[]>("/users/me/watchlist")
      const [call] = trakt.requests("/users/me/watchlist")
      check(
        watchlist.length > 0 &&
          call?.headers.authorization === `Bearer ${trakt.masked(fresh.access_token)}` &&
          call.headers["trakt-api-key"] === CLIENT_ID,
        "the client's call",
      )
      const refused = await refreshTraktToken({ ...options, refreshToken: refreshToken! }).catch((error: unknown) => error)
      check(findTraktError(refused)?.code === "invalid_grant", `the spent refresh token was not refused: ${refused}`)
      check(
        trakt.requests("/oauth/token").every((r) => r.body.client_secret === trakt.masked(CLIENT_SECRET) && !r.headers.authorization),
        "secrets not masked",
      )
    } finally {
      await trakt.stop()
    }
    check(await portIsFree(port), "the port is still held after stop()")
  },
])

checks.push([
  "npx authjs-trakt-standin prints its URL and exits 0 on SIGINT",
  async () => {
    const bin = join(process.cwd(), "node_modules", ".bin", "authjs-trakt-standin")
    const child = spawn(bin, ["--port", "0", "--client", `${CLIENT_ID}:${CLIENT_SECRET}:${CALLBACK_URL}`], {
      stdio: ["ignore", "pipe", "inherit"],
    })
    let out = ""
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk) => {
        out += chunk
        const found = /TRAKT_BASE_URL=(\S+)/.exec(out)?.[1]
        if (found) resolve(found)
      })
      child.once("exit", (code) => reject(new Error(`exited ${code} before printing its URL: ${out}`)))
    })
    const page = await fetch(
      `${url}/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: CLIENT_ID, redirect_uri: CALLBACK_URL })}`,
    )
    check(page.status === 200 && (await page.text()).includes('value="approve"'), `no consent page: ${page.status}`)
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve))
    child.kill("SIGINT")
    check((await exited) === 0, "did not exit 0 on SIGINT")
    check(await portIsFree(Number(new URL(url).port)), "the port is still held after SIGINT")
  },
])

void runChecks(checks)
