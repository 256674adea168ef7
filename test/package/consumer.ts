/**
 * A separate project's use of the packed package: it imports `authjs-trakt`
 * (the tarball, installed) and `@auth/core`, and signs a user in through
 * `Auth()` against the Trakt stand-in for production, staging and loopback.
 * scripts/check-package.mjs bundles this file twice (ESM and CJS) and runs it.
 */
import { customFetch, setEnvDefaults } from "@auth/core"
import * as entry from "authjs-trakt"
import Trakt, { findTraktError, refreshTraktToken, traktJwt } from "authjs-trakt"
import { authConfig, Browser } from "../support/browser.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, environments, ORIGIN } from "../support/constants.js"
import { check, runChecks, standIn, type Env } from "./harness.js"

const baseUrls: Record<Env, string | undefined> = {
  production: undefined,
  staging: "https://api-staging.trakt.tv",
  loopback: "http://127.0.0.1:4010",
}

const checks: [string, () => Promise<void>][] = []
const app = (env: Env) => standIn(env, [CALLBACK_URL])

for (const env of Object.keys(environments) as Env[]) {
  checks.push([
    `signs in on ${env}`,
    async () => {
      const trakt = app(env)
      const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: baseUrls[env] })])
      const browser = new Browser(config)
      const callback = await browser.signInWithTrakt()
      check(callback.headers.get("location") === `${ORIGIN}/dashboard`, `callback went to ${callback.headers.get("location")}`)
      const session = await browser.session()
      check(session?.user?.name === "Justin Nemeth", `session: ${JSON.stringify(session)}`)
      const [token] = trakt.requests("/oauth/token")
      check(token?.url === environments[env].token, `token request went to ${token?.url}`)
      check(token?.body.client_secret === trakt.masked(CLIENT_SECRET) && !token?.headers.authorization, "credentials not in the JSON body")
      check(trakt.requests("/users/settings")[0]?.headers["user-agent"]?.startsWith("authjs-trakt/"), "no User-Agent")
    },
  ])
}

checks.push([
  "providers: [Trakt] infers AUTH_TRAKT_ID / AUTH_TRAKT_SECRET",
  async () => {
    app("production")
    check(entry.default === Trakt && !("trakt" in entry), "the provider is the default export, and only that")
    const config = authConfig([Trakt])
    setEnvDefaults({ AUTH_TRAKT_ID: CLIENT_ID, AUTH_TRAKT_SECRET: CLIENT_SECRET }, config)
    const callback = await new Browser(config).signInWithTrakt()
    check(callback.headers.get("location") === `${ORIGIN}/dashboard`, `callback went to ${callback.headers.get("location")}`)
  },
])

checks.push([
  "the app's [customFetch] carries every request to Trakt",
  async () => {
    app("production")
    const seen: string[] = []
    const proxy: typeof fetch = (input, init) => (seen.push(String(input)), fetch(input, init))
    const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, [customFetch]: proxy })])
    const callback = await new Browser(config).signInWithTrakt()
    check(callback.headers.get("location") === `${ORIGIN}/dashboard`, `callback went to ${callback.headers.get("location")}`)
    check(seen.join() === "https://auth.trakt.tv/oauth/token,https://api.trakt.tv/users/settings", `seen: ${seen}`)
  },
])

checks.push([
  "a missing client id is a TraktError the app can find",
  async () => {
    app("production")
    const config = authConfig([Trakt()])
    await new Browser(config).signIn()
    check(findTraktError(config.logs.errors[0])?.code === "MISSING_CLIENT_ID", "no MISSING_CLIENT_ID error")
  },
])

checks.push([
  "refreshTraktToken and traktJwt rotate a token",
  async () => {
    const trakt = app("production")
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK_URL }
    const fresh = await refreshTraktToken({ ...options, refreshToken: issued.refresh_token })
    check(trakt.isValid(fresh.access_token) && fresh.refresh_token !== issued.refresh_token, "no new pair")
    const token = await traktJwt(options)({ token: { ...fresh, expires_at: 0 } })
    check(token.access_token !== fresh.access_token && !token.error, `traktJwt did not refresh: ${token.error}`)
  },
])

void runChecks(checks)
