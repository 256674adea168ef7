/**
 * `npm run bench`: what `authjs-trakt/better-auth` costs in a Better Auth app.
 *
 * - Sign-in: complete sign-ins through Better Auth's `auth.handler` (POST
 *   /sign-in/social, Trakt's consent, the callback, the session) on the memory
 *   adapter, with this package's `trakt()` plugin and with Better Auth's own
 *   `genericOAuth` set up for Trakt as an app would have to (its `getToken` sends
 *   the JSON code exchange, its `getUserInfo` reads /users/settings with Trakt's
 *   headers, `mapProfileToUser` makes the placeholder e-mail), so that both make
 *   the same 2 Trakt requests; the Auth.js provider's sign-in runs in the same
 *   interleaved rounds, for scale. One in-process Trakt stand-in answers all.
 * - Refresh wait: K concurrent `auth.api.getAccessToken` calls meeting one
 *   expired token in one process: the wall time until every call has a live
 *   token, and the Trakt refreshes made (one per expiry, whatever K). The
 *   plugin with its default store (Better Auth's verification rows: get/set
 *   only, so its lock settles by waiting) and with `store: "memory"`;
 *   genericOAuth, which refreshes with a form body Trakt refuses, as a count of
 *   failures.
 *
 * Returns its lines (bench/report.ts writes them to bench/README.md);
 * `tsx bench/better-auth.ts` prints them alone.
 */
import Trakt from "authjs-trakt"
import { trakt } from "authjs-trakt/better-auth"
import { createTraktStandIn, type TraktStandIn, type TraktStandInSettings } from "authjs-trakt/testing"
import { betterAuth, type BetterAuthPlugin } from "better-auth"
import { memoryAdapter } from "better-auth/adapters/memory"
import type { OAuth2Tokens } from "better-auth/oauth2"
import { genericOAuth } from "better-auth/plugins/generic-oauth"
import { BetterAuthBrowser, newRows, type BetterAuthApp } from "../test/support/better-auth.js"
import { authConfig, Browser } from "../test/support/browser.js"
import { BETTER_AUTH_CALLBACK_URL, CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, ORIGIN } from "../test/support/constants.js"
import { interleaved, median, pad, percentile, runAlone } from "./rounds.js"

const ROUNDS = 10
const SIGN_INS_PER_ROUND = 30
/** Expiries met per K and contender, in interleaved order. */
const EXPIRIES = 20
const CONCURRENCY = [1, 5, 20]
/** genericOAuth's refreshes all fail the same way: a few expiries show it. */
const GENERIC_EXPIRIES = 3

/** Trakt's hosts: the stand-in behind `fetch` answers them, whatever the host. */
const TRAKT_TOKEN_URL = "https://auth.trakt.tv/oauth/token"
const TRAKT_AUTHORIZE_URL = "https://auth.trakt.tv/oauth/authorize"
const TRAKT_SETTINGS_URL = "https://api.trakt.tv/users/settings"

export async function betterAuthBench(): Promise<string[]> {
  // Both callbacks registered: Better Auth's and the Auth.js app's. Rate limits
  // off, as hundreds of sign-ins of one user would pass Trakt's. Not `legacy`:
  // form bodies are refused as auth.trakt.tv refuses them.
  const standIn = createTraktStandIn({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris: [BETTER_AUTH_CALLBACK_URL, CALLBACK_URL] }],
    approve: "page",
    rateLimits: { get: false, write: false },
  })
  const realFetch = globalThis.fetch
  globalThis.fetch = async (input, init) => standIn.handle(new Request(input, init))
  try {
    return [...(await signIns(standIn)), ...(await refreshWait(standIn))]
  } finally {
    globalThis.fetch = realFetch
  }
}

/** A Better Auth app on the memory adapter, with `plugin` as its only plugin. */
function app(plugin: BetterAuthPlugin): BetterAuthApp {
  const rows = newRows()
  const logs: string[] = []
  const auth = betterAuth({
    baseURL: ORIGIN,
    secret: "a-better-auth-bench-secret-of-forty-chars-0",
    database: memoryAdapter(rows),
    logger: { log: (level, message) => void logs.push(`${level} ${message}`) },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    plugins: [plugin],
  })
  // Typed as the tests' app (whose `auth` has the plugin's endpoints in its
  // type), for the tests' browser, which calls only `auth.handler`.
  return { auth, rows, logs, errors: [] } as unknown as BetterAuthApp
}

/** Trakt's token response, as the app's `getToken` hands it to Better Auth. */
const toTokens = (body: {
  token_type: string
  access_token: string
  refresh_token: string
  created_at: number
  expires_in: number
  scope?: string
}): OAuth2Tokens => ({
  tokenType: body.token_type,
  accessToken: body.access_token,
  refreshToken: body.refresh_token,
  accessTokenExpiresAt: new Date((body.created_at + body.expires_in) * 1000),
  scopes: typeof body.scope === "string" ? body.scope.split(" ") : undefined,
})

/**
 * Better Auth's genericOAuth set up for Trakt as far as it can be: the JSON
 * code exchange and the profile call written by the app, the placeholder
 * e-mail Better Auth needs. Its refresh cannot be replaced: Better Auth's
 * form-encoded one, to `tokenUrl`.
 */
function genericTrakt() {
  const headers = { "content-type": "application/json", "user-agent": "bench-app/1.0" }
  return genericOAuth({
    config: [
      {
        providerId: "trakt",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        authorizationUrl: TRAKT_AUTHORIZE_URL,
        tokenUrl: TRAKT_TOKEN_URL,
        scopes: ["public"],
        async getToken({ code, redirectURI, codeVerifier }) {
          const response = await fetch(TRAKT_TOKEN_URL, {
            method: "POST",
            headers,
            body: JSON.stringify({
              grant_type: "authorization_code",
              code,
              redirect_uri: redirectURI,
              code_verifier: codeVerifier,
              client_id: CLIENT_ID,
              client_secret: CLIENT_SECRET,
            }),
          })
          if (!response.ok) throw new Error(`Trakt's token endpoint answered ${response.status}`)
          return toTokens(await response.json())
        },
        async getUserInfo(tokens) {
          const response = await fetch(TRAKT_SETTINGS_URL, {
            headers: { ...headers, authorization: `Bearer ${tokens.accessToken}`, "trakt-api-version": "2", "trakt-api-key": CLIENT_ID },
          })
          return response.ok ? { ...((await response.json()) as object), emailVerified: false } : null
        },
        accountSubject: ({ profile }) => (profile as unknown as TraktStandInSettings).user.ids.uuid!,
        mapProfileToUser: (profile) => {
          const { user } = profile as unknown as TraktStandInSettings
          return {
            email: `${user.ids.uuid}@trakt.placeholder.invalid`,
            emailVerified: false,
            name: user.name || user.username,
            image: user.images?.avatar.full,
          }
        },
      },
    ],
  })
}

/** The plugin as an app adds it; what fails reaches Better Auth's logger, so the app's logs. */
const ourPlugin = (store: "better-auth" | "memory" = "better-auth") => trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, store })

async function signIns(standIn: TraktStandIn): Promise<string[]> {
  const betterAuthApps = { "trakt() plugin": app(ourPlugin()), "genericOAuth for Trakt": app(genericTrakt()) }
  const authJs = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })])
  const names = [...(Object.keys(betterAuthApps) as (keyof typeof betterAuthApps)[]), "Auth.js Trakt() (for scale)"] as const
  type Name = (typeof names)[number]
  const requests = Object.fromEntries(names.map((name) => [name, new Set<number>()])) as Record<Name, Set<number>>

  async function signIn(name: Name) {
    if (name === "Auth.js Trakt() (for scale)") {
      const browser = new Browser(authJs)
      const callback = await browser.signInWithTrakt()
      const session = await browser.session()
      if (callback.headers.get("location") !== `${ORIGIN}/dashboard` || !session?.user?.name) {
        throw new Error(`${name}: sign-in failed: ${callback.headers.get("location")} ${authJs.logs.errors.map(String)}`)
      }
    } else {
      const app = betterAuthApps[name]
      const browser = new BetterAuthBrowser(app)
      const { location } = await browser.signIn()
      const session = await browser.session()
      if (location !== "/dashboard" || !session?.user.name) throw new Error(`${name}: sign-in failed: ${location} ${app.logs.join("\n")}`)
      // One user signing in again and again: keep the session table (which the
      // memory adapter scans) as small as one sign-in leaves it.
      app.rows.session.length = 0
    }
    requests[name].add(standIn.requests().filter((r) => !r.url.includes("/oauth/authorize")).length)
    standIn.clearRequests()
  }

  const samples = await interleaved([...names], { rounds: ROUNDS, iterations: SIGN_INS_PER_ROUND }, signIn)
  for (const [name, app] of Object.entries(betterAuthApps)) {
    if (app.rows.user.length !== 1 || app.rows.account.length !== 1)
      throw new Error(`${name}: ${app.rows.user.length} users, ${app.rows.account.length} accounts`)
  }

  const lines = [
    `Better Auth sign-in through auth.handler (sign-in POST, consent, callback, session), memory adapter, ${ROUNDS} interleaved rounds:`,
  ]
  for (const name of names) {
    const ms = median(samples[name]).toFixed(3)
    lines.push(
      `  ${pad(name)} median ${ms} ms over ${samples[name].length} sign-ins, ${[...requests[name]].join(" or ")} Trakt requests each`,
    )
  }
  const ratio = median(samples["trakt() plugin"]) / median(samples["genericOAuth for Trakt"])
  lines.push(`  ${pad("ratio, plugin / genericOAuth")} ${ratio.toFixed(3)} (target ≤ 1.10: the plugin's own overhead)`)
  return lines
}

/** A signed-in user of `app` whose Trakt token can be expired at will. */
async function signedIn(app: BetterAuthApp) {
  const browser = new BetterAuthBrowser(app)
  const { location } = await browser.signIn()
  if (location !== "/dashboard") throw new Error(`sign-in failed: ${location} ${app.logs.join("\n")}`)
  const accountId: string = app.rows.account[0]!.id
  const getAccessToken = () => app.auth.api.getAccessToken({ body: { accountId }, headers: browser.headers() })
  // The row as the adapter holds it now (an update may replace the object).
  const account = () => app.rows.account.find((row) => row.id === accountId)!
  return { account, getAccessToken }
}

interface Expiry {
  ms: number
  refreshRequests: number
  /** Calls answered with a token Trakt accepts. */
  live: number
  /** Whether the account row was left with tokens Trakt accepts (a live access token, an unspent refresh token). */
  rowLive: boolean
}

/** Expires the account's token, and lets K calls meet it at once. */
async function expiry(standIn: TraktStandIn, user: Awaited<ReturnType<typeof signedIn>>, k: number): Promise<Expiry> {
  standIn.clearRequests()
  user.account().accessTokenExpiresAt = new Date(Date.now() - 1000)
  const started = performance.now()
  const results = await Promise.allSettled(Array.from({ length: k }, () => user.getAccessToken()))
  const ms = performance.now() - started
  const tokens = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.accessToken] : []))
  const refreshRequests = standIn.requests("/oauth/token").filter((r) => r.method === "POST").length
  standIn.clearRequests()
  const row = user.account()
  const rowLive = standIn.isValid(row.accessToken) && standIn.canRefresh(row.refreshToken)
  return { ms, refreshRequests, live: tokens.filter((token) => standIn.isValid(token)).length, rowLive }
}

async function refreshWait(standIn: TraktStandIn): Promise<string[]> {
  const contenders = {
    'plugin, store "better-auth"': await signedIn(app(ourPlugin("better-auth"))),
    'plugin, store "memory"': await signedIn(app(ourPlugin("memory"))),
  }
  type Name = keyof typeof contenders
  const names = Object.keys(contenders) as Name[]
  const results = new Map<string, Expiry[]>()
  const key = (name: string, k: number) => `${name} K=${k}`
  // Rotating which contender and which K goes first, as the sign-in rounds do.
  const order = names.flatMap((name) => CONCURRENCY.map((k) => [name, k] as const))
  for (let round = 0; round < EXPIRIES; round++) {
    for (const [name, k] of round % 2 ? [...order].reverse() : order) {
      const result = await expiry(standIn, contenders[name], k)
      results.set(key(name, k), [...(results.get(key(name, k)) ?? []), result])
    }
  }

  const generic = await signedIn(app(genericTrakt()))
  const genericResults = new Map<number, Expiry[]>()
  for (const k of CONCURRENCY) {
    for (let i = 0; i < GENERIC_EXPIRIES; i++) genericResults.set(k, [...(genericResults.get(k) ?? []), await expiry(standIn, generic, k)])
  }

  const widths = [28, 3, 17, 12, 9, 9, 6]
  const row = (cells: string[]) =>
    "  " +
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join(" ")
      .trimEnd()
  const perExpiry = (runs: Expiry[]) => `${[...new Set(runs.map((r) => r.refreshRequests))].sort((a, b) => a - b).join(" or ")} per expiry`
  const failed = (runs: Expiry[], k: number) => `${runs.reduce((sum, r) => sum + k - r.live, 0)} of ${k * runs.length}`
  const lines = [
    `Refresh wait: K concurrent auth.api.getAccessToken calls meeting one expired token, one process, ${EXPIRIES} expiries each:`,
    row(["", "K", "Trakt refreshes", "failed calls", "median", "p95", "vs K=1"]),
  ]
  for (const name of names) {
    const baseline = median(results.get(key(name, 1))!.map((r) => r.ms))
    for (const k of CONCURRENCY) {
      const runs = results.get(key(name, k))!
      if (runs.some((r) => !r.rowLive)) throw new Error(`${name}, K=${k}: the account row was left with a dead token`)
      const ms = runs.map((r) => r.ms)
      lines.push(
        row([
          name,
          String(k),
          perExpiry(runs),
          failed(runs, k),
          `${median(ms).toFixed(1)} ms`,
          `${percentile(ms, 95).toFixed(1)} ms`,
          (median(ms) / baseline).toFixed(2),
        ]),
      )
    }
  }
  for (const k of CONCURRENCY) {
    const runs = genericResults.get(k)!
    lines.push(row([`genericOAuth (${GENERIC_EXPIRIES} expiries)`, String(k), perExpiry(runs), failed(runs, k)]))
  }
  lines.push(`  (Trakt refreshes: token requests reaching Trakt; genericOAuth's carry a form body, which Trakt refuses)`)
  return lines
}

await runAlone(import.meta.url, betterAuthBench)
