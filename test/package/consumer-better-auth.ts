/**
 * A Better Auth app's use of the packed package: `authjs-trakt/better-auth`
 * installed beside better-auth alone (no @auth/core, no next-auth in the
 * tree), on Better Auth's memory adapter, against the stand-in from
 * `authjs-trakt/testing` on loopback. It signs in through `auth.handler` with
 * real Requests and cookies, refreshes an expired token under five concurrent
 * `auth.api.getAccessToken` calls, and reads the watchlist with `traktClient`.
 * scripts/check-package.mjs builds it as ESM and as CJS (require(esm)).
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { betterAuth } from "better-auth"
import { memoryAdapter } from "better-auth/adapters/memory"
import { trakt, TraktError, traktClient } from "authjs-trakt/better-auth"
import { startTraktStandIn, type RunningTraktStandIn } from "authjs-trakt/testing"
import { decideAtTrakt, keepCookies } from "../support/browsing.js"
import { BETTER_AUTH_CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, ORIGIN } from "../support/constants.js"
import { check, runChecks } from "./harness.js"

// The project's own resolution (cwd is the consumer project), the same from the ESM and the CJS bundle.
const projectRequire = createRequire(join(process.cwd(), "package.json"))

/** The app: Better Auth's memory adapter keeps its rows in these arrays, which the checks read and change. */
function app(standIn: RunningTraktStandIn) {
  const rows: Record<"user" | "session" | "account" | "verification", Record<string, any>[]> = {
    user: [],
    session: [],
    account: [],
    verification: [],
  }
  const errors: TraktError[] = []
  const auth = betterAuth({
    baseURL: ORIGIN,
    secret: "a-better-auth-consumer-secret-of-40-chars-0",
    database: memoryAdapter(rows),
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [
      trakt({ baseUrl: standIn.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, onError: (error) => void errors.push(error) }),
    ],
  })
  return { auth, rows, errors }
}

/** A browser on `auth.handler`: real Requests, its cookies carried, no redirect followed by itself. */
function browser(auth: ReturnType<typeof app>["auth"]) {
  const cookies = new Map<string, string>()
  const cookie = () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; ")
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    if (cookies.size) headers.set("cookie", cookie())
    headers.set("origin", ORIGIN)
    const response = await auth.handler(new Request(new URL(path, ORIGIN), { ...init, headers, redirect: "manual" }))
    keepCookies(cookies, response.headers.getSetCookie())
    return response
  }
  return { cookies, request, headers: () => new Headers({ cookie: cookie() }) }
}

let standIn: RunningTraktStandIn
let consumer: ReturnType<typeof app>
let user: ReturnType<typeof browser>

const checks: [string, () => Promise<void>][] = [
  [
    "@auth/core and next-auth are not installed, and the entry's files import neither them nor the Auth.js entry",
    async () => {
      for (const name of ["@auth/core", "next-auth"]) {
        const found = (() => {
          try {
            return projectRequire.resolve(name)
          } catch {
            return null
          }
        })()
        check(found === null, `${name} is installed (${found}): this app must have only better-auth`)
      }
      // Everything `import "authjs-trakt/better-auth"` loads: its file and the chunks they import, statically or not.
      const entry = projectRequire.resolve("authjs-trakt/better-auth")
      const loaded = new Map<string, string>()
      const visit = (file: string) => {
        if (loaded.has(file)) return
        const code = readFileSync(file, "utf8")
        loaded.set(file, code)
        for (const [, specifier] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.[^"']+)["']/g))
          visit(join(dirname(file), specifier!))
      }
      visit(entry)
      const files = [...loaded.keys()].map((file) => file.slice(dirname(entry).length + 1))
      check(!files.some((file) => /^(index|next-auth-v4|testing[\w-]*)\.js$/.test(file)), `it loads another entry: ${files}`)
      const code = [...loaded.values()].join("\n")
      const foreign = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']((?:@auth\/|next-auth)[^"']*)["']/g)].map(([, name]) => name)
      check(foreign.length === 0, `it imports ${foreign}`)
      const authjsModules = [...code.matchAll(/^\/\/ (src\/(?:authjs|next-auth-v4)\/\S+)$/gm)].map(([, module]) => module)
      check(authjsModules.length === 0, `it carries the Auth.js code of ${authjsModules}`)
      check(/^\/\/ src\/core\//m.test(code), `no "// src/" markers in ${files}: nothing above was checked`)
    },
  ],
  [
    "signs in with Trakt through auth.handler: JSON token body, a session, the placeholder e-mail",
    async () => {
      standIn = await startTraktStandIn({
        clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris: [BETTER_AUTH_CALLBACK_URL] }],
        approve: "page",
      })
      consumer = app(standIn)
      user = browser(consumer.auth)
      const start = await user.request("/api/auth/sign-in/social", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ provider: "trakt", callbackURL: "/dashboard" }),
      })
      const { url } = (await start.json()) as { url?: string }
      check(url?.startsWith(`${standIn.url}/oauth/authorize?`), `sign-in/social answered ${start.status}, url ${url}`)
      const back = new URL(await decideAtTrakt(url!))
      check(back.href.startsWith(`${BETTER_AUTH_CALLBACK_URL}?`), `Trakt sent the browser to ${back.href}`)
      const callback = await user.request(back.pathname + back.search)
      check(
        callback.status === 302 && callback.headers.get("location") === "/dashboard",
        `callback: ${callback.status} to ${callback.headers.get("location")}; ${consumer.errors}`,
      )

      const session = (await (await user.request("/api/auth/get-session")).json()) as { user?: Record<string, unknown> } | null
      const uuid = standIn.settings().user.ids.uuid
      check(
        session?.user?.email === `${uuid}@trakt.placeholder.invalid` && session.user.emailVerified === false,
        `session: ${JSON.stringify(session)}`,
      )
      check(session!.user!.name === "Justin Nemeth", `name: ${session!.user!.name}`)
      const [exchange] = standIn.requests("/oauth/token")
      check(
        exchange?.headers["content-type"] === "application/json" && !exchange.headers.authorization,
        "the code exchange was not Trakt's JSON body",
      )
      check(
        exchange!.body.client_secret === standIn.masked(CLIENT_SECRET) && exchange!.body.code_verifier,
        `exchange body: ${JSON.stringify(exchange!.body)}`,
      )
      check(
        standIn.requests("/users/settings")[0]?.headers["user-agent"]?.startsWith("authjs-trakt/"),
        "no User-Agent on the profile request",
      )
      check(consumer.errors.length === 0, `onError heard ${consumer.errors}`)
    },
  ],
  [
    "an expired token under 5 concurrent auth.api.getAccessToken calls: one refresh at Trakt, one live token for all",
    async () => {
      check(consumer, "no signed-in app (the sign-in check failed)")
      const [account] = consumer.rows.account
      const signedInWith = account!.accessToken as string
      // Trakt expires the token; the row's clock says so as time would.
      check(standIn.expire() === 1, "the stand-in had no live token to expire")
      account!.accessTokenExpiresAt = new Date(Date.now() - 1_000)
      const accounts = await consumer.auth.api.listUserAccounts({ headers: user.headers() })
      const accountId = accounts.find((a) => a.providerId === "trakt")?.id
      check(accountId === account!.id, `listUserAccounts: ${JSON.stringify(accounts)}`)

      const answers = await Promise.all(
        Array.from({ length: 5 }, () => consumer.auth.api.getAccessToken({ body: { accountId: accountId! }, headers: user.headers() })),
      )
      const tokens = new Set(answers.map((answer) => answer.accessToken))
      check(
        standIn.refreshes.requested === 1 && standIn.refreshes.granted === 1,
        `Trakt saw ${JSON.stringify(standIn.refreshes)} refreshes`,
      )
      check(tokens.size === 1, `the callers got ${tokens.size} different tokens`)
      const [fresh] = tokens
      check(fresh !== signedInWith && standIn.isValid(fresh!), "the token answered is not a live, new one")
      check(account!.accessToken === fresh && standIn.canRefresh(account!.refreshToken), "the account row does not hold the new pair")
      check(
        answers.every((answer) => answer.accessTokenExpiresAt && new Date(answer.accessTokenExpiresAt).getTime() > Date.now() + 86_400_000),
        "the new token's expiry",
      )
      check(consumer.errors.length === 0, `onError heard ${consumer.errors}`)
    },
  ],
  [
    "traktClient(auth, { headers }) reads the watchlist with the refreshed token",
    async () => {
      check(consumer, "no signed-in app (the sign-in check failed)")
      const client = await traktClient(consumer.auth, { headers: user.headers() })
      const watchlist = await client.get<{ rank: number }[]>("/users/me/watchlist")
      check(Array.isArray(watchlist) && watchlist.length > 0, `watchlist: ${JSON.stringify(watchlist)}`)
      const [call] = standIn.requests("/users/me/watchlist")
      const live = consumer.rows.account[0]!.accessToken as string
      check(
        call?.headers.authorization === `Bearer ${standIn.masked(live)}` && call.headers["trakt-api-key"] === CLIENT_ID,
        `the call: ${JSON.stringify(call?.headers)}`,
      )
      check(standIn.refreshes.requested === 1, "traktClient refreshed a live token")
      const nobody = await traktClient(consumer.auth, { headers: new Headers() })
      const refused = await nobody.get("/users/me/watchlist").catch((error: unknown) => error)
      check(refused instanceof TraktError && refused.code === "UNAUTHORIZED", `without a session: ${refused}`)
      check(standIn.requests("/users/me/watchlist").length === 1, "a call without a session reached Trakt")
    },
  ],
  [
    "auth.api.accountInfo answers the Trakt profile, read with the live token",
    async () => {
      check(consumer, "no signed-in app (the sign-in check failed)")
      const [account] = consumer.rows.account
      const info = await consumer.auth.api.accountInfo({ query: { accountId: account!.id }, headers: user.headers() })
      const profile = info.data as { username?: string; ids?: { uuid?: string } }
      check(profile.username === "justin" && profile.ids?.uuid === account!.accountId, `data: ${JSON.stringify(info.data)}`)
      const read = standIn.requests("/users/settings").at(-1)
      check(
        read?.headers.authorization === `Bearer ${standIn.masked(account!.accessToken)}`,
        "the profile was not read with the account's live token",
      )
    },
  ],
]

// Only loopback: the stand-in. Anything else (Better Auth's telemetry, a default
// Trakt host) is a request this check must not make.
const loopbackFetch = globalThis.fetch
globalThis.fetch = async (input, init) => {
  const url = new Request(input, init).url
  if (!standIn || !url.startsWith(`${standIn.url}/`)) throw new TypeError(`no network in this check: ${url}`)
  return loopbackFetch(input, init)
}

void runChecks(checks).finally(() => standIn?.stop())
