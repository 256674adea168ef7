/**
 * Database sessions: the docs recipe (traktDatabaseSessions), run as written, with a real adapter
 * (@auth/unstorage-adapter) through Auth(). Signing in again heals a dead
 * token, a refused refresh re-reads the account, and instances share a store.
 */
import { UnstorageAdapter } from "@auth/unstorage-adapter"
import { http, HttpResponse } from "msw"
import { createStorage, type Storage } from "unstorage"
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest"
import * as pkg from "../../src/index.js"
import { refreshTraktAccount, refreshTraktToken, type TraktError, type TraktRefreshOptions, type TraktStore } from "../../src/index.js"
import { forgetRotations } from "../../src/core/refresh/rotation.js"
import { authConfig, Browser } from "../support/browser.js"
import { databaseRecipe } from "../support/database-recipe.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, environments, ORIGIN, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"

const EIGHT_DAYS = 8 * 24 * 60 * 60 * 1000
const refreshes = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] })
  // The recipe reads the callback URL from AUTH_URL, as a deployed app would.
  vi.stubEnv("AUTH_URL", `${ORIGIN}/auth`)
  vi.stubEnv("AUTH_TRAKT_ID", CLIENT_ID)
  vi.stubEnv("AUTH_TRAKT_SECRET", CLIENT_SECRET)
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllEnvs()
})

/** An app with the README's database recipe: `database` is the adapter's storage, `store` the token store. */
const recipe = (database: Storage, store?: TraktStore, refresh?: TraktRefreshOptions) =>
  authConfig([], databaseRecipe(pkg, database, store, {}, refresh))

/** What the adapter stores for the signed-in Trakt account. */
const storedAccount = async (database: Storage) => (await UnstorageAdapter(database).getAccount!("justin", "trakt"))!

describe("database sessions, the docs recipe (traktDatabaseSessions on @auth/unstorage-adapter)", () => {
  test("refreshes the stored account once it expires, writes the new pair back, and leaves it alone while valid", async () => {
    const database = createStorage()
    const browser = new Browser(recipe(database))
    await browser.signInWithTrakt()
    const before = await storedAccount(database)
    expect((await browser.session()).error).toBeUndefined()
    expect(refreshes()).toEqual([])

    vi.setSystemTime(Date.now() + EIGHT_DAYS)
    const session = await browser.session()
    expect(session.error).toBeUndefined()
    expect(session.user.name).toBe("Justin Nemeth")
    const after = await storedAccount(database)
    expect(after.refresh_token).not.toBe(before.refresh_token)
    expect(trakt.isValid(after.access_token!)).toBe(true)
    expect(after.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000) + 7 * 86400 - 60)
    expect(refreshes()).toHaveLength(1)
    expect(refreshes()[0]!.body).toMatchObject({ refresh_token: trakt.masked(before.refresh_token!), redirect_uri: CALLBACK_URL })
    await browser.session()
    expect(refreshes()).toHaveLength(1)
  })

  test("signing in again heals an account whose refresh token Trakt no longer accepts, every time", async () => {
    const database = createStorage()
    const reported: string[] = []
    const browser = new Browser(recipe(database, undefined, { onError: (error: TraktError) => void reported.push(error.code) }))
    await browser.signInWithTrakt()
    for (let attempt = 0; attempt < 5; attempt++) {
      // Trakt forgets the stored refresh token (revoked, or issued before July 2026).
      const dead = await storedAccount(database)
      await trakt.handle(
        new Request(environments.production.revoke, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token: dead.refresh_token, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
        }),
      )
      vi.setSystemTime(Date.now() + EIGHT_DAYS)
      expect((await browser.session()).error).toBe("RefreshTokenError")

      await browser.signInWithTrakt()
      const healed = await storedAccount(database)
      expect(healed.refresh_token).not.toBe(dead.refresh_token)
      expect(trakt.isValid(healed.access_token!)).toBe(true)
      expect((await browser.session()).error).toBeUndefined()
    }
    // Each dead token was reported as Trakt refused it, once.
    expect(reported).toEqual(Array(5).fill("invalid_grant"))
  })

  test("refused because another instance refreshed first: the account, read again, holds its tokens", async () => {
    const database = createStorage()
    const browser = new Browser(recipe(database))
    await browser.signInWithTrakt()
    const stored = await storedAccount(database)
    vi.setSystemTime(Date.now() + EIGHT_DAYS)
    // While this instance holds the account it read, another one refreshes it and saves the result.
    server.use(
      http.post(
        environments.production.token,
        async () => {
          forgetRotations()
          const theirs = await refreshTraktToken({
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            refreshToken: stored.refresh_token!,
            redirectUri: CALLBACK_URL,
          })
          const { access_token, refresh_token, expires_at } = theirs
          await UnstorageAdapter(database).linkAccount!({ ...stored, access_token, refresh_token, expires_at })
          return HttpResponse.json({ error: "invalid_grant" }, { status: 400 })
        },
        { once: true },
      ),
    )
    const session = await browser.session()
    expect(session.error).toBeUndefined()
    const after = await storedAccount(database)
    expect(after.refresh_token).not.toBe(stored.refresh_token)
    expect(trakt.isValid(after.access_token!)).toBe(true)
  })

  test("with a shared store, another instance takes the refreshed tokens from it instead of refreshing again", async () => {
    const database = createStorage()
    const store = createStorage()
    const browser = new Browser(recipe(database, store))
    await browser.signInWithTrakt()
    const stale = await storedAccount(database)
    vi.setSystemTime(Date.now() + EIGHT_DAYS)
    await browser.session()
    expect(refreshes()).toHaveLength(1)

    // The other instance read the account before the first one saved it.
    forgetRotations()
    const fresh = await refreshTraktAccount(stale, { store })
    expect(fresh?.access_token).toBe((await storedAccount(database)).access_token)
    expect(refreshes()).toHaveLength(1)
  })
})

describe("refreshTraktAccount", () => {
  test("needs no options when AUTH_TRAKT_ID, AUTH_TRAKT_SECRET and AUTH_URL are set", async () => {
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    const fresh = await refreshTraktAccount({ ...issued, expires_at: 0 })
    expect(trakt.isValid(fresh!.access_token)).toBe(true)
    expect(refreshes()[0]!.body).toMatchObject({
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
      redirect_uri: CALLBACK_URL,
    })
  })
})
