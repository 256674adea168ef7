/**
 * Database sessions (an Auth.js adapter): the Trakt tokens live in the app's
 * accounts table, and three things keep them alive there. Auth.js never
 * updates a linked account, so the tokens of every sign-in are written over
 * it; the `session` callback refreshes an expired pair and writes it back; a
 * refusal re-reads the account first, as another instance may have saved a
 * new pair meanwhile. The app says how to read and write its account
 * ({@link TraktAccounts}); the rest is here, on the rotation engine.
 */
import { argumentError, isRefusal, TraktError } from "../core/errors.js"
import { createRefresher, refreshIfExpired, type StoredTraktTokens, type TraktRefreshOptions } from "../core/refresh/refresher.js"
import type { TraktTokenSet } from "../core/tokens.js"
import { withDeadline } from "../core/util/time.js"
import type { SignInAccount, TraktSessionFields } from "./jwt.js"

/**
 * How the app reads its Trakt account and writes new tokens over it: the one
 * thing {@link traktDatabaseSessions} needs to know about the database.
 * `authjs-trakt/adapters` has them for `@auth/pg-adapter`, Drizzle and
 * Prisma; with another adapter, write the two functions.
 */
export interface TraktAccounts<Account extends StoredTraktTokens = StoredTraktTokens> {
  /** The user's account with `provider` (`"trakt"`), or `null` when the user has none. */
  getAccount(userId: string, provider: string): PromiseLike<Account | null | undefined>
  /**
   * Writes `tokens` over `account` (as `getAccount` read it): an `UPDATE` of
   * `access_token`, `refresh_token` and `expires_at`, never an insert such as
   * `adapter.linkAccount` (a second row, or a unique-constraint error).
   */
  saveTokens(account: Account, tokens: TraktTokenSet): PromiseLike<unknown>
}

/** What {@link traktDatabaseSessions} takes: the account accessors and the refresh options. */
export interface TraktDatabaseOptions<Account extends StoredTraktTokens = StoredTraktTokens>
  extends TraktRefreshOptions, TraktAccounts<Account> {}

/** What Auth.js passes the `signIn` event, as far as {@link traktDatabaseSessions} needs. */
interface SignInMessage {
  user: { id?: string | null }
  account?: SignInAccount | null
}

/** What Auth.js passes the `session` callback, as far as {@link traktDatabaseSessions} needs. */
interface SessionParams {
  session: { user?: { name?: string | null; email?: string | null; image?: string | null } | null; expires?: Date | string }
  user?: { id?: string | null } | null
}

/** What the `session` callback returns: what Auth.js's own would (never the session token), and the refresh error. */
export interface TraktDatabaseSession extends Pick<TraktSessionFields, "error"> {
  user: { name?: string | null; email?: string | null; image?: string | null }
  /** ISO date-time. */
  expires: string
}

/** The pieces of an Auth.js configuration {@link traktDatabaseSessions} returns: spread them into it. */
export interface TraktDatabaseSessions {
  events: { signIn(message: SignInMessage): Promise<void> }
  callbacks: { session(params: SessionParams): Promise<TraktDatabaseSession> }
}

/**
 * Keeps the Trakt tokens of database sessions alive: returns the `signIn`
 * event and the `session` callback to spread into the Auth.js configuration.
 *
 * - At every sign-in, the tokens Trakt just issued are written over the
 *   stored account: Auth.js links an account once and never updates it, so
 *   without this a user whose refresh token died could not heal it by
 *   signing in again.
 * - In the `session` callback, an expired (or nearly expired) access token is
 *   refreshed, once among concurrent requests (and, with a `store`, among
 *   instances), and the new pair is written back. A valid one costs one read
 *   of the account and no call to Trakt.
 * - When Trakt refuses the refresh token, the account is read again first:
 *   another instance may have refreshed it and saved the new pair. Only a
 *   refusal that stands shows `error: "RefreshTokenError"` on the session.
 *   Anything else (Trakt down or slow, 429, the store or the database down)
 *   leaves the session unmarked and the tokens as they were; the next request
 *   tries again.
 *
 * The session it shows is what Auth.js's own callback shows (name, email,
 * image, expires: never the session token), and `error`; to show more,
 * call it from a callback of yours and add to what it returns.
 *
 * It never throws: every failure reaches `onError` as a {@link TraktError}
 * (`DATABASE_ERROR` when `getAccount` or `saveTokens` failed, or took longer
 * than `timeout`). The callback URL comes from `redirectUri` or `AUTH_URL`:
 * an account has no column to keep the one of the sign-in.
 *
 * @example
 * With `@auth/pg-adapter`, and the refresh store on the same PostgreSQL:
 * ```ts
 * import { Auth } from "@auth/core"
 * import PostgresAdapter from "@auth/pg-adapter"
 * import { Pool } from "pg"
 * import Trakt, { traktDatabaseSessions } from "authjs-trakt"
 * import { pgAdapterAccounts } from "authjs-trakt/adapters"
 * import { postgresTokenStore } from "authjs-trakt/postgres"
 *
 * const pool = new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000 })
 *
 * export const handle = (request: Request) =>
 *   Auth(request, {
 *     adapter: PostgresAdapter(pool),
 *     session: { strategy: "database" },
 *     providers: [Trakt],
 *     ...traktDatabaseSessions({ ...pgAdapterAccounts(pool), store: postgresTokenStore(pool) }),
 *   })
 * ```
 */
export function traktDatabaseSessions<Account extends StoredTraktTokens>(options: TraktDatabaseOptions<Account>): TraktDatabaseSessions {
  const refresher = createRefresher(options)
  const { getAccount, saveTokens } = options
  if (typeof getAccount !== "function") throw argumentError("getAccount", "must be a function")
  if (typeof saveTokens !== "function") throw argumentError("saveTokens", "must be a function")
  const { providerId, report } = refresher
  // The database gets the time a refresh gets: a pool with no query timeout
  // must not hold the session response for ever.
  const ms = refresher.connection.transport.timeout
  const read = (userId: string) => database("reading", () => getAccount(userId, providerId), ms)
  const save = (account: Account, tokens: TraktTokenSet) => database("writing to", () => saveTokens(account, tokens), ms)

  return {
    events: {
      async signIn({ user, account }) {
        if (account?.provider !== providerId || !user.id || !account.access_token) return
        try {
          const stored = await read(user.id)
          const { access_token, refresh_token, expires_at } = account
          if (stored) await save(stored, { access_token, refresh_token, expires_at, token_type: "bearer" })
        } catch (error) {
          // The session starts either way, on the tokens linked last.
          report(error as TraktError)
        }
      },
    },
    callbacks: {
      async session({ session, user }) {
        // What Auth.js's default callback shows: its `session` also holds the session token.
        const shown: TraktDatabaseSession = {
          user: { name: session.user?.name, email: session.user?.email, image: session.user?.image },
          expires: session.expires instanceof Date ? session.expires.toISOString() : String(session.expires),
        }
        if (!user?.id) return shown
        const userId = user.id
        try {
          const account = await read(userId)
          const fresh = account && (await refreshIfExpired(refresher, account, () => read(userId)))
          if (account && fresh) await save(account, fresh)
          return shown
        } catch (error) {
          report(error as TraktError)
          return isRefusal(error) ? { ...shown, error: "RefreshTokenError" } : shown
        }
      },
    },
  }
}

/**
 * One call to the app's database, given at most `ms`: any failure becomes a
 * `DATABASE_ERROR`, the driver's message kept in `cause` (it may name hosts).
 */
async function database<T>(what: "reading" | "writing to", call: () => PromiseLike<T>, ms: number): Promise<T> {
  const slow = new Error("no answer in time")
  try {
    return await withDeadline(call, ms, () => slow)
  } catch (cause) {
    const late = cause === slow ? `: no answer within ${ms} ms` : ""
    throw new TraktError("DATABASE_ERROR", `${what} the Trakt account failed${late}`, { cause })
  }
}
