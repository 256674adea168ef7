/**
 * The refresh helpers' options made into a refresher, once per helper: every
 * default applied, what is wrong whatever the environment thrown at once, and
 * the rotation engine wired to Trakt's token endpoint. `traktJwt`, the
 * database helpers, the API client and the Better Auth plugin all rotate
 * through one.
 */
import { connect, type Connection, type TraktConnectionOptions } from "../connection.js"
import { parseBaseUrl } from "../endpoints.js"
import { argumentError, isRefusal, type TraktError } from "../errors.js"
import { checkReport } from "../options.js"
import type { SignInRecord } from "../sign-in-record.js"
import { checkStore, type TraktStore } from "../store.js"
import { isExpired, requestTokens, type TraktTokenSet } from "../tokens.js"
import { redirectUriFor } from "./redirect-uri.js"
import { rotate } from "./rotation.js"

/** The token fields an app keeps, in a JWT or in an adapter's account (Auth.js's names). */
export interface StoredTraktTokens {
  access_token?: string | null
  refresh_token?: string | null
  /** Epoch seconds. */
  expires_at?: number | null
}

/** What the refresh helpers take (`traktJwt`, `refreshTraktAccount`, and everything built on them). */
export interface TraktRefreshOptions extends TraktConnectionOptions {
  /**
   * Where Trakt is told the app lives: Trakt wants a registered callback URL on
   * refreshes too. Read like next-auth reads `AUTH_URL`:
   * - a URL ending in `/callback/trakt` is used as it is;
   * - any other URL is Auth.js's base URL (origin + base path), and
   *   `/callback/trakt` is added: `https://example.com/api/auth`;
   * - a bare origin gets next-auth's base path: `https://example.com` means
   *   `https://example.com/api/auth/callback/trakt`.
   *
   * `traktJwt` first uses the callback URL the user signed in with (it keeps it
   * in the token), so JWT apps need not set this. Checked when a refresh needs
   * it: a bad value fails that refresh with `INVALID_OPTION`, never the build.
   * @default process.env.AUTH_URL ?? process.env.NEXTAUTH_URL
   */
  redirectUri?: string
  /**
   * Seconds before `expires_at` at which a token counts as expired already, so
   * that a request made just before expiry does not fail at Trakt.
   * @default 60
   */
  clockSkew?: number
  /**
   * Shared by every instance of the app, so that they spend each refresh token
   * once between them and each finds the tokens another one got. Without it,
   * the state is shared by everything in one process (all bundles included).
   */
  store?: TraktStore
  /**
   * Seconds a spent refresh token keeps resolving to its successor, for
   * requests whose cookie could not be rewritten (a server component's). Match
   * your session's `maxAge`.
   * @default 2592000 (30 days, Auth.js's default session maxAge)
   */
  spentTokenTtl?: number
  /** The provider's id, if you gave it another than `"trakt"`. @default "trakt" */
  providerId?: string
  /**
   * Hears every failed refresh, and every store failure the helper worked
   * around, as a {@link TraktError}.
   * @default console.error
   */
  onError?: (error: TraktError) => void
}

/** What a sign-in recorded, as a token may hold it (see sign-in-record.ts). */
export type Recorded = { [field in keyof SignInRecord]?: unknown }

/** The refresh options with every default applied, and the one way to rotate with them. */
export interface Refresher {
  connection: Connection
  clockSkew: number
  providerId: string
  /** Hands a failure to `onError`. */
  report: (error: TraktError) => void
  /**
   * Trades `refreshToken` for a valid token set through the rotation engine,
   * once among every request, bundle and (with a store) instance. What the
   * sign-in recorded comes first: a refresh token belongs to the server that
   * issued it, and Trakt accepted that callback URL. Everything is checked
   * before anything is sent: a missing or malformed setting fails here, with
   * no request.
   */
  rotate(refreshToken: string, recorded?: Recorded): Promise<TraktTokenSet>
}

const nonNegative = (value: unknown) => typeof value === "number" && value >= 0 && value < Infinity

/**
 * Applies the refresh helpers' defaults, and throws a `TypeError` for an option
 * that is wrong whatever the environment. What may come from the environment
 * (credentials, URLs) is checked by the rotation that needs it.
 */
export function createRefresher(options: TraktRefreshOptions = {}): Refresher {
  const { clockSkew = 60, spentTokenTtl = 30 * 24 * 60 * 60, providerId = "trakt", store, onError } = options
  if (!nonNegative(clockSkew)) throw argumentError("clockSkew", "must be a number of seconds, 0 or more")
  if (!nonNegative(spentTokenTtl) || spentTokenTtl < 1) throw argumentError("spentTokenTtl", "must be a number of seconds, 1 or more")
  if (typeof providerId !== "string" || !/^[\w-]+$/.test(providerId))
    throw argumentError("providerId", 'must be a provider id such as "trakt"')
  checkStore(store)
  const report = checkReport(onError)
  const connection = connect(options)
  return {
    connection,
    clockSkew,
    providerId,
    report,
    rotate(refreshToken, recorded = {}) {
      const redirect_uri = redirectUriFor({ recorded: recorded.redirect_uri, redirectUri: options.redirectUri, providerId })
      const signedInAt = typeof recorded.token_endpoint === "string" && recorded.token_endpoint
      const tokenUrl = signedInAt ? parseBaseUrl(signedInAt, "token_endpoint").href : connection.endpoints().token
      const credentials = connection.credentials()
      return rotate(
        {
          spend: (refresh_token, timeout) =>
            requestTokens(
              connection.transport,
              tokenUrl,
              { grant_type: "refresh_token", refresh_token, redirect_uri },
              credentials,
              timeout,
            ),
          store,
          report,
          timeout: connection.transport.timeout,
          clockSkew,
          spentTokenTtl,
        },
        refreshToken,
      )
    },
  }
}

/** What {@link refreshTraktAccount} takes: the refresh options, and how to re-read the account. */
export interface RefreshTraktAccountOptions extends TraktRefreshOptions {
  /**
   * Reads the account again. Called when Trakt refuses the refresh: another
   * instance may have refreshed it and saved new tokens meanwhile.
   */
  reload?: () => Promise<StoredTraktTokens | null | undefined>
}

/**
 * Refreshes a stored Trakt token set if it has expired (or is about to), and
 * returns the new set to store, or `null` while the stored one is still valid.
 * Concurrent calls with the same refresh token share one request to Trakt (in
 * every instance, with a `store`). For the database session strategy: write
 * the result back to the account. Throws a {@link TraktError} when the refresh
 * fails, after reporting it to `onError`.
 *
 * @example
 * In the `session` callback, with your adapter's storage:
 * ```ts
 * import { refreshTraktAccount } from "authjs-trakt"
 *
 * declare function findTraktAccount(userId: string): Promise<{ access_token?: string; refresh_token?: string; expires_at?: number }>
 * declare function saveTraktAccount(userId: string, tokens: object): Promise<void>
 *
 * const fresh = await refreshTraktAccount(await findTraktAccount("user-id"), {
 *   redirectUri: "https://example.com/api/auth/callback/trakt",
 *   reload: () => findTraktAccount("user-id"),
 * })
 * if (fresh) await saveTraktAccount("user-id", fresh)
 * ```
 */
export async function refreshTraktAccount(
  stored: StoredTraktTokens,
  options: RefreshTraktAccountOptions = {},
): Promise<TraktTokenSet | null> {
  const refresher = createRefresher(options)
  try {
    return await refreshIfExpired(refresher, stored, options.reload)
  } catch (error) {
    refresher.report(error as TraktError)
    throw error
  }
}

/** {@link refreshTraktAccount} with a refresher already made: `null` while `stored` is valid. */
export async function refreshIfExpired(
  refresher: Refresher,
  stored: StoredTraktTokens,
  reload?: RefreshTraktAccountOptions["reload"],
): Promise<TraktTokenSet | null> {
  if (!isExpired(stored.expires_at, refresher.clockSkew)) return null
  try {
    return await refresher.rotate(stored.refresh_token ?? "")
  } catch (error) {
    if (!(isRefusal(error) && reload)) throw error
    // Another instance may have won the refresh and saved its tokens: the
    // account, read again, then holds a different refresh token.
    const current = await reload()
    if (!current?.refresh_token || current.refresh_token === stored.refresh_token) throw error
    return refreshIfExpired(refresher, current)
  }
}
