/**
 * The shared token store, in one process, on unstorage's memory driver: what
 * it holds, how instances use it, and every way it can fail. "Another
 * instance" is this process after forgetRotations(): no memory of its own,
 * only the store. (Real processes on a real Redis: test/instances/.)
 */
import type { AuthConfig } from "@auth/core"
import { http, HttpResponse } from "msw"
import { createStorage, type Storage } from "unstorage"
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest"
import Trakt, { traktJwt, type TraktError, type TraktStore } from "../../src/index.js"
import { forgetRotations } from "../../src/core/refresh/rotation.js"
import { seal, sealKey, unseal } from "../../src/core/refresh/seal.js"
import { authConfig, AUTH_SECRET, Browser } from "../support/browser.js"
import { bundledCopy } from "../support/bundled-copy.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, environments, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"

const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
const EIGHT_DAYS = 8 * 24 * 60 * 60 * 1000
const refreshes = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")

// An unstorage Storage is a TraktStore as it is (a compile-time check).
const storage: TraktStore = createStorage()
void storage

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] })
})
afterEach(() => {
  vi.useRealTimers()
})

function app(store: TraktStore | undefined, errors: TraktError[] = [], overrides: Partial<AuthConfig> = {}) {
  return authConfig([Trakt(credentials)], {
    callbacks: {
      jwt: traktJwt({ ...credentials, store, timeout: 500, onError: (error) => errors.push(error) }),
      session: ({ session, token }) => ({ ...session, error: token.error, accessToken: token.access_token }),
    },
    ...overrides,
  })
}

/** Signs a user in, lets the token expire, and returns the browser and its (now stale) cookies. */
async function signedInAndExpired(config: AuthConfig) {
  const browser = new Browser(config)
  await browser.signInWithTrakt()
  const stale = new Map(browser.cookies)
  vi.setSystemTime(Date.now() + EIGHT_DAYS)
  return { browser, stale }
}

/** A browser of another instance, carrying `cookies`. */
function browserWith(config: AuthConfig, cookies: Map<string, string>) {
  const browser = new Browser(config)
  for (const [name, value] of cookies) browser.cookies.set(name, value)
  return browser
}

async function decodedToken(browser: Browser) {
  const { decode } = await import("@auth/core/jwt")
  return (await decode({ token: browser.cookies.get("authjs.session-token"), secret: AUTH_SECRET, salt: "authjs.session-token" }))!
}

describe("with a shared store", () => {
  test("another instance, meeting the spent token, takes the successor from the store: no second refresh", async () => {
    const store = createStorage()
    const { browser, stale } = await signedInAndExpired(app(store))
    const first = await browser.session()
    expect(refreshes()).toHaveLength(1)

    forgetRotations() // the other instance remembers nothing itself
    const other = await browserWith(app(store), stale).session()
    expect(other.error).toBeUndefined()
    expect(other.accessToken).toBe(first.accessToken)
    expect(refreshes()).toHaveLength(1)
  })

  test("holds nothing readable: keys are hashes, values are sealed with a key only the spent token yields", async () => {
    const store = createStorage()
    const { browser } = await signedInAndExpired(app(store))
    const spent = (await decodedToken(browser)).refresh_token as string
    const { accessToken } = await browser.session()
    const successor = (await decodedToken(browser)).refresh_token as string

    const keys = await store.getKeys()
    expect(keys).toEqual(
      [expect.stringMatching(/^authjs-trakt:lock:[0-9a-f]{64}$/), expect.stringMatching(/^authjs-trakt:rotated:[0-9a-f]{64}$/)].sort(),
    )
    const dump = JSON.stringify(await Promise.all(keys.map(async (key) => [key, await store.getItem(key)])))
    for (const secret of [spent, successor, accessToken, CLIENT_SECRET]) expect(dump).not.toContain(secret)

    const record = await store.getItem(keys.find((key) => key.includes("rotated"))!)
    expect(await unseal(await sealKey(spent), record)).toMatchObject({ access_token: accessToken, refresh_token: successor })
    await expect(unseal(await sealKey("another-token"), record)).rejects.toThrow()
  })

  test("a store that is down: the refresh goes on as in one process, and STORE_ERROR is reported", async () => {
    const down: TraktStore = {
      getItem: () => Promise.reject(new Error("ECONNREFUSED 127.0.0.1:6379")),
      setItem: () => Promise.reject(new Error("ECONNREFUSED 127.0.0.1:6379")),
    }
    const errors: TraktError[] = []
    const { browser } = await signedInAndExpired(app(down, errors))
    const session = await browser.session()
    expect(session.error).toBeUndefined()
    expect(trakt.isValid(session.accessToken)).toBe(true)
    expect(refreshes()).toHaveLength(1)
    expect(errors.map((e) => e.code)).toContain("STORE_ERROR")
    // The store's own message (hosts, credentials) stays out of ours.
    expect(errors.map((e) => e.message).join()).not.toContain("6379")
  })

  test("a store that hangs costs at most the timeout, then the refresh goes on without it", async () => {
    const hung: TraktStore = { getItem: () => new Promise(() => {}), setItem: () => new Promise(() => {}) }
    const errors: TraktError[] = []
    const { browser } = await signedInAndExpired(app(hung, errors))
    const started = performance.now()
    const session = await browser.session()
    const took = performance.now() - started
    expect(session.error).toBeUndefined()
    expect(trakt.isValid(session.accessToken)).toBe(true)
    // timeout is 500 ms: one wait for the read; the write of the result is not awaited past it either.
    expect(took).toBeLessThan(1_500)
    expect(errors[0]).toMatchObject({ code: "STORE_ERROR", message: expect.stringContaining("no answer within the timeout") })
  })

  test("garbage under a token's key is ignored and reported; the refresh goes to Trakt", async () => {
    const store = createStorage()
    const errors: TraktError[] = []
    const { browser } = await signedInAndExpired(app(store, errors))
    const { id } = await sealKey((await decodedToken(browser)).refresh_token as string)
    await store.setItem(`authjs-trakt:rotated:${id}`, "v1.not.sealed")
    const session = await browser.session()
    expect(session.error).toBeUndefined()
    expect(refreshes()).toHaveLength(1)
    expect(errors.map((e) => e.code)).toEqual(["STORE_ERROR"])
  })

  test("a record copied under another token's key does not open", async () => {
    const store = createStorage()
    const errors: TraktError[] = []
    const { browser } = await signedInAndExpired(app(store, errors))
    const own = await sealKey((await decodedToken(browser)).refresh_token as string)
    // Sealed with this token's key, but filed under a name that is not its own.
    await store.setItem(`authjs-trakt:rotated:${own.id}`, await seal({ ...own, id: "0".repeat(64) }, { access_token: "forged" }))
    const session = await browser.session()
    expect(session.accessToken).not.toBe("forged")
    expect(errors.map((e) => e.code)).toEqual(["STORE_ERROR"])
  })

  test("an instance finding another's lock waits for its result instead of refreshing", async () => {
    const store = createStorage()
    const { browser } = await signedInAndExpired(app(store))
    const spent = (await decodedToken(browser)).refresh_token as string
    const key = await sealKey(spent)
    // Another instance holds the lock and is talking to Trakt.
    await store.setItem(`authjs-trakt:lock:${key.id}`, `other-instance.${Date.now() + 10_000}`)
    const fromOther = trakt.issueTokens({ client: CLIENT_ID })
    setTimeout(async () => {
      const record = { ...fromOther, expires_at: Math.floor(Date.now() / 1000) + fromOther.expires_in }
      await store.setItem(`authjs-trakt:rotated:${key.id}`, await seal(key, record))
    }, 150)
    const session = await browser.session()
    expect(session.error).toBeUndefined()
    expect(session.accessToken).toBe(fromOther.access_token)
    expect(refreshes()).toEqual([])
  })

  test("a lock whose holder died expires, and the waiting instance refreshes itself", async () => {
    const store = createStorage()
    const { browser } = await signedInAndExpired(app(store))
    const key = await sealKey((await decodedToken(browser)).refresh_token as string)
    await store.setItem(`authjs-trakt:lock:${key.id}`, `dead-instance.${Date.now() + 200}`)
    // The lock's expiry is wall-clock time: let it pass while the instance waits.
    setTimeout(() => vi.setSystemTime(Date.now() + 300), 100)
    const session = await browser.session()
    expect(session.error).toBeUndefined()
    expect(trakt.isValid(session.accessToken)).toBe(true)
    expect(refreshes()).toHaveLength(1)
  })

  test("an instance whose refresh fails lets go of the lock: the next one tries at once, not when the lock expires", async () => {
    const store = createStorage()
    const errors: TraktError[] = []
    const { browser, stale } = await signedInAndExpired(app(store, errors))
    server.use(http.post(environments.production.token, () => new HttpResponse(null, { status: 503 }), { once: true }))
    // A 503 is "not right now": nothing tells the user to sign in again.
    expect((await browser.session()).error).toBeUndefined()
    expect(errors.map((e) => e.code)).toEqual(["SERVER_ERROR"])

    forgetRotations() // another instance, with the same expired cookie
    const started = performance.now()
    const session = await browserWith(app(store), stale).session()
    expect(session.error).toBeUndefined()
    expect(trakt.isValid(session.accessToken)).toBe(true)
    // Well under the lock's timeout / 2 (250 ms here) plus a refresh: nobody waited for it to expire.
    expect(performance.now() - started).toBeLessThan(400)
  })

  test("refused because another instance won the race: the winner's tokens come from the store", async () => {
    const store = createStorage()
    const errors: TraktError[] = []
    const { browser } = await signedInAndExpired(app(store, errors))
    const spent = (await decodedToken(browser)).refresh_token as string
    const key = await sealKey(spent)
    // The other instance spends the token at Trakt first, and stores its result a moment later.
    const winner = trakt.issueTokens({ client: CLIENT_ID })
    server.use(
      http.post(
        environments.production.token,
        async () => {
          setTimeout(async () => {
            const record = { ...winner, expires_at: Math.floor(Date.now() / 1000) + winner.expires_in }
            await store.setItem(`authjs-trakt:rotated:${key.id}`, await seal(key, record))
          }, 100)
          return HttpResponse.json({ error: "invalid_grant", error_description: "The refresh token was used." }, { status: 400 })
        },
        { once: true },
      ),
    )
    const session = await browser.session()
    expect(session.error).toBeUndefined()
    expect(session.accessToken).toBe(winner.access_token)
    expect(errors).toEqual([])
  })
})

describe("spent tokens, with or without a store", () => {
  test.each([
    ["the process memory", undefined],
    ["a shared store", createStorage() as Storage],
  ])("follow their chain in %s: spent -> newer -> newest, a month on", async (_, store) => {
    const config = app(store)
    const { browser, stale } = await signedInAndExpired(config)
    const second = await browser.session() // R0 -> R1
    // A cookie nobody could rewrite (a server component's) still carries R0,
    // and R1's access token has expired too by now.
    vi.setSystemTime(Date.now() + EIGHT_DAYS)
    const third = await browser.session() // R1 -> R2
    expect(refreshes()).toHaveLength(2)
    const late = await browserWith(config, stale).session() // R0 -> R1 (expired) -> R2
    expect(late.error).toBeUndefined()
    expect(late.accessToken).toBe(third.accessToken)
    expect(late.accessToken).not.toBe(second.accessToken)
    expect(trakt.isValid(late.accessToken)).toBe(true)
    expect(refreshes()).toHaveLength(2)
  })

  test("after spentTokenTtl the spent token resolves to nothing, and Trakt refuses it", async () => {
    const errors: TraktError[] = []
    const config = authConfig([Trakt(credentials)], {
      callbacks: {
        jwt: traktJwt({ ...credentials, spentTokenTtl: 60, onError: (error) => errors.push(error) }),
        session: ({ session, token }) => ({ ...session, error: token.error }),
      },
    })
    const { browser, stale } = await signedInAndExpired(config)
    await browser.session()
    vi.setSystemTime(Date.now() + 61_000)
    expect((await browserWith(config, stale).session()).error).toBe("RefreshTokenError")
    expect(errors.map((e) => e.code)).toEqual(["invalid_grant"])
  })
})

describe("one process, several copies of the package (Next.js: proxy and pages are separate bundles)", () => {
  test("two separately loaded copies of the helpers share the default state: one refresh", async () => {
    // Two bundles of the package, as Next.js builds the proxy and the pages.
    const [proxyCopy, pageCopy] = await Promise.all(["proxy", "page"].map(bundledCopy))
    expect(pageCopy!.traktJwt).not.toBe(proxyCopy!.traktJwt)
    const { browser } = await signedInAndExpired(app(undefined))
    const token = await decodedToken(browser)
    const options = { ...credentials, redirectUri: CALLBACK_URL }
    // The proxy's copy refreshes; the page's copy, in the same request, reads the old cookie.
    const proxy = await proxyCopy!.traktJwt(options)({ token })
    const page = await pageCopy!.traktJwt(options)({ token })
    expect(page.error).toBeUndefined()
    expect(page.access_token).toBe(proxy.access_token)
    expect(refreshes()).toHaveLength(1)
  })
})
