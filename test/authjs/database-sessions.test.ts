/**
 * traktDatabaseSessions with plain functions for the database: what the
 * session shows, when tokens are written, and what every failure does (a
 * TraktError to onError, never a throw, RefreshTokenError only for a refusal
 * that stands). The adapters on a real PostgreSQL: test/postgres/.
 */
import { http, HttpResponse } from "msw"
import { describe, expect, test, vi } from "vitest"
import { traktDatabaseSessions, type TraktError, type TraktTokenSet } from "../../src/index.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, environments, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"

interface Row {
  provider: string
  providerAccountId: string
  access_token?: string | null
  refresh_token?: string | null
  expires_at?: number | null
}

const past = () => Math.floor(Date.now() / 1000) - 10
const refreshes = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")
const adapterSession = {
  user: { id: "u1", name: "Sean", email: null, image: null },
  expires: new Date("2030-01-01T00:00:00Z"),
  sessionToken: "secret-session-token",
  userId: "u1",
}

/** An app's accounts table of one row, and what was asked of it. */
function table(row: Row | null) {
  const saved: TraktTokenSet[] = []
  const reads: [string, string][] = []
  const accounts = {
    getAccount: vi.fn(async (userId: string, provider: string) => {
      reads.push([userId, provider])
      return row && { ...row }
    }),
    saveTokens: vi.fn(async (_account: Row, tokens: TraktTokenSet) => {
      saved.push(tokens)
      if (row)
        Object.assign(row, {
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token ?? row.refresh_token,
          expires_at: tokens.expires_at,
        })
    }),
  }
  return { accounts, saved, reads }
}

function sessions(accounts: ReturnType<typeof table>["accounts"], options: { timeout?: number } = {}) {
  const errors: TraktError[] = []
  const trakt = traktDatabaseSessions({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: CALLBACK_URL,
    onError: (e) => errors.push(e),
    ...accounts,
    ...options,
  })
  return { ...trakt, errors }
}

const expiredRow = (): Row => ({
  provider: "trakt",
  providerAccountId: "sean",
  ...trakt.issueTokens({ client: CLIENT_ID }),
  expires_at: past(),
})

describe("the session callback", () => {
  test("shows what Auth.js's own callback shows, never the session token, and costs one read while the token is valid", async () => {
    const { accounts, reads } = table({
      provider: "trakt",
      providerAccountId: "sean",
      ...trakt.issueTokens({ client: CLIENT_ID }),
      expires_at: past() + 86400,
    })
    const { callbacks, errors } = sessions(accounts)
    const shown = await callbacks.session({ session: adapterSession, user: adapterSession.user })
    expect(shown).toEqual({ user: { name: "Sean", email: null, image: null }, expires: "2030-01-01T00:00:00.000Z" })
    expect(reads).toEqual([["u1", "trakt"]])
    expect(accounts.saveTokens).not.toHaveBeenCalled()
    expect(refreshes()).toEqual([])
    expect(errors).toEqual([])
  })

  test("an expired token: refreshed once for concurrent sessions, the new pair written over the account", async () => {
    const row = expiredRow()
    const spent = row.refresh_token
    const { accounts, saved } = table(row)
    const { callbacks, errors } = sessions(accounts)
    const shown = await Promise.all(
      Array.from({ length: 5 }, () => callbacks.session({ session: adapterSession, user: adapterSession.user })),
    )
    expect(shown.map((s) => s.error)).toEqual(Array(5).fill(undefined))
    expect(refreshes()).toHaveLength(1)
    expect(refreshes()[0]!.body).toMatchObject({ refresh_token: trakt.masked(spent!), redirect_uri: CALLBACK_URL })
    expect(trakt.isValid(row.access_token!) && trakt.canRefresh(row.refresh_token!)).toBe(true)
    expect(saved.length).toBeGreaterThanOrEqual(1)
    expect(errors).toEqual([])
  })

  test("no account, or no user: the session as Auth.js would show it, and nothing else", async () => {
    const { accounts } = table(null)
    const { callbacks } = sessions(accounts)
    expect((await callbacks.session({ session: adapterSession, user: adapterSession.user })).error).toBeUndefined()
    expect(await callbacks.session({ session: { user: { name: "A" }, expires: "2030-01-01T00:00:00.000Z" } })).toEqual({
      user: { name: "A" },
      expires: "2030-01-01T00:00:00.000Z",
    })
    expect(accounts.getAccount).toHaveBeenCalledTimes(1)
  })

  test("Trakt refuses and the account, read again, holds the same token: RefreshTokenError, and onError hears it", async () => {
    const row = { ...expiredRow(), refresh_token: "dead" }
    const { accounts } = table(row)
    const { callbacks, errors } = sessions(accounts)
    expect((await callbacks.session({ session: adapterSession, user: adapterSession.user })).error).toBe("RefreshTokenError")
    expect(accounts.getAccount).toHaveBeenCalledTimes(2)
    expect(errors.map((e) => e.code)).toEqual(["invalid_grant"])
  })

  test("Trakt refuses because another instance refreshed first: the account, read again, has its tokens: no error, nothing written", async () => {
    const row = expiredRow()
    const theirs = trakt.issueTokens({ client: CLIENT_ID })
    server.use(
      http.post(
        environments.production.token,
        () => {
          // Meanwhile the other instance saved its new pair.
          Object.assign(row, { access_token: theirs.access_token, refresh_token: theirs.refresh_token, expires_at: past() + 86400 })
          return HttpResponse.json({ error: "invalid_grant" }, { status: 400 })
        },
        { once: true },
      ),
    )
    const { accounts } = table(row)
    const { callbacks, errors } = sessions(accounts)
    expect((await callbacks.session({ session: adapterSession, user: adapterSession.user })).error).toBeUndefined()
    expect(accounts.saveTokens).not.toHaveBeenCalled()
    // Nothing failed in the end: a refusal the account, read again, answers is not reported.
    expect(errors).toEqual([])
  })

  test("Trakt down: the session unmarked, the tokens as they were, onError hears SERVER_ERROR; the next request refreshes", async () => {
    const row = expiredRow()
    const before = { ...row }
    server.use(http.post(environments.production.token, () => new HttpResponse("down", { status: 503 }), { once: true }))
    const { accounts } = table(row)
    const { callbacks, errors } = sessions(accounts)
    expect((await callbacks.session({ session: adapterSession, user: adapterSession.user })).error).toBeUndefined()
    expect(row).toEqual(before)
    expect(errors.map((e) => e.code)).toEqual(["SERVER_ERROR"])
    expect((await callbacks.session({ session: adapterSession, user: adapterSession.user })).error).toBeUndefined()
    expect(trakt.isValid(row.access_token!)).toBe(true)
  })

  test("the database fails or hangs: DATABASE_ERROR to onError within `timeout`, the session unmarked, no throw", async () => {
    const failing = {
      getAccount: vi.fn(async () => Promise.reject(new Error("ECONNREFUSED 10.0.0.5:5432"))),
      saveTokens: vi.fn(async () => {}),
    }
    const broken = sessions(failing)
    expect((await broken.callbacks.session({ session: adapterSession, user: adapterSession.user })).error).toBeUndefined()
    expect(broken.errors.map((e) => [e.code, e.message])).toEqual([
      ["DATABASE_ERROR", "Trakt DATABASE_ERROR: reading the Trakt account failed"],
    ])
    expect((broken.errors[0]!.cause as Error).message).toMatch(/ECONNREFUSED/)

    const hanging = { getAccount: vi.fn(() => new Promise<null>(() => {})), saveTokens: vi.fn(async () => {}) }
    const silent = sessions(hanging, { timeout: 200 })
    const started = performance.now()
    expect((await silent.callbacks.session({ session: adapterSession, user: adapterSession.user })).error).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(1000)
    expect(silent.errors.map((e) => e.message)).toEqual(["Trakt DATABASE_ERROR: reading the Trakt account failed: no answer within 200 ms"])
  })

  test("the new pair cannot be written: DATABASE_ERROR, and the next request writes the pair this process remembers, with no new refresh", async () => {
    const row = expiredRow()
    const { accounts } = table(row)
    accounts.saveTokens.mockRejectedValueOnce(new Error("connection terminated"))
    const { callbacks, errors } = sessions(accounts)
    expect((await callbacks.session({ session: adapterSession, user: adapterSession.user })).error).toBeUndefined()
    expect(errors.map((e) => e.code)).toEqual(["DATABASE_ERROR"])
    expect((await callbacks.session({ session: adapterSession, user: adapterSession.user })).error).toBeUndefined()
    expect(refreshes()).toHaveLength(1)
    expect(trakt.isValid(row.access_token!) && trakt.canRefresh(row.refresh_token!)).toBe(true)
  })
})

describe("the signIn event", () => {
  test("writes the tokens Trakt just issued over the stored account", async () => {
    const row = { ...expiredRow(), refresh_token: "dead" }
    const { accounts, saved } = table(row)
    const { events, errors } = sessions(accounts)
    const issued = trakt.issueTokens({ client: CLIENT_ID })
    await events.signIn({ user: { id: "u1" }, account: { provider: "trakt", ...issued, expires_at: past() + 86400 } })
    expect(saved).toEqual([
      { access_token: issued.access_token, refresh_token: issued.refresh_token, expires_at: past() + 86400, token_type: "bearer" },
    ])
    expect(row.refresh_token).toBe(issued.refresh_token)
    expect(errors).toEqual([])
  })

  test("another provider's sign-in is left alone; a failing database is reported, not thrown", async () => {
    const { accounts } = table(expiredRow())
    const { events } = sessions(accounts)
    await events.signIn({ user: { id: "u1" }, account: { provider: "github", access_token: "x" } })
    expect(accounts.getAccount).not.toHaveBeenCalled()

    const failing = sessions({ getAccount: vi.fn(async () => Promise.reject(new Error("down"))), saveTokens: vi.fn(async () => {}) })
    await failing.events.signIn({ user: { id: "u1" }, account: { provider: "trakt", access_token: "x" } })
    expect(failing.errors.map((e) => e.code)).toEqual(["DATABASE_ERROR"])
  })
})

test("options wrong whatever the environment throw a TypeError at creation", () => {
  expect(() => traktDatabaseSessions({ getAccount: undefined as never, saveTokens: async () => {} })).toThrow(
    /"getAccount" must be a function/,
  )
  expect(() => traktDatabaseSessions({ getAccount: async () => null, saveTokens: "no" as never })).toThrow(
    /"saveTokens" must be a function/,
  )
  expect(() => traktDatabaseSessions({ getAccount: async () => null, saveTokens: async () => {}, clockSkew: -1 })).toThrow(TypeError)
})
