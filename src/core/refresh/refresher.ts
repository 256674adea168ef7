/** Keeping Trakt tokens fresh inside Auth.js: the JWT callback and the database parts. */
import { redirectUriFor } from "./redirect-uri.js"
import { connect, type Connection, type TraktConnectionOptions } from "../connection.js"
import { isLoopback, parseBaseUrl } from "../endpoints.js"
import { invalidOption, isRefusal, TraktError } from "../errors.js"
import { absoluteImageUrl, type TraktUser } from "../profile.js"
import { rotate, type RotationMemory } from "./rotation.js"
import { isStore, type TraktTokenStore } from "../store.js"
import { takeSignIn, type SignInRecord } from "../sign-in-record.js"
import { isExpired, requestTokens, type TraktTokenSet } from "../tokens.js"

/** The token fields Auth.js stores, in a JWT or in an adapter's account. */
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
  store?: TraktTokenStore
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

/** The refresh options with every default applied and everything checkable without the environment checked. */
export interface RefreshSettings {
  connection: Connection
  options: TraktRefreshOptions
  clockSkew: number
  spentTokenTtl: number
  providerId: string
  store?: TraktTokenStore
  report: (error: TraktError) => void
  /** @internal For tests: another process's memory. */
  memory?: RotationMemory
}

const nonNegative = (value: unknown) => typeof value === "number" && value >= 0 && value < Infinity

/**
 * Applies the refresh helpers' defaults, and throws a `TypeError` for an option
 * that is wrong whatever the environment. What may come from the environment
 * (credentials, URLs) is checked by the refresh that needs it.
 */
export function refreshSettings(options: TraktRefreshOptions = {}): RefreshSettings {
  const { clockSkew = 60, spentTokenTtl = 30 * 24 * 60 * 60, providerId = "trakt", store, onError = console.error } = options
  if (!nonNegative(clockSkew)) throw invalidOption("clockSkew", "must be a number of seconds, 0 or more")
  if (!nonNegative(spentTokenTtl) || spentTokenTtl < 1) throw invalidOption("spentTokenTtl", "must be a number of seconds, 1 or more")
  if (typeof providerId !== "string" || !/^[\w-]+$/.test(providerId)) throw invalidOption("providerId", "must be a provider id such as \"trakt\"")
  if (store !== undefined && !isStore(store)) throw invalidOption("store", "must have getItem and setItem (an unstorage Storage, say)")
  if (typeof onError !== "function") throw invalidOption("onError", "must be a function")
  return { connection: connect(options), options, clockSkew, spentTokenTtl, providerId, store, report: onError }
}

/** What a sign-in recorded, as a token may hold it (see sign-in.ts). */
export type Recorded = { [field in keyof SignInRecord]?: unknown }

/**
 * Refreshes `refreshToken` through the rotation engine, once among every
 * request, bundle and (with a store) instance. What the sign-in recorded
 * comes first: a refresh token belongs to the server that issued it, and
 * Trakt accepted that callback URL. Everything is checked before anything is
 * sent: a missing or malformed setting fails here, with no request.
 */
export function rotateTokens(settings: RefreshSettings, refreshToken: string, recorded: Recorded = {}): Promise<TraktTokenSet> {
  const { connection, options } = settings
  const redirect_uri = redirectUriFor({ recorded: recorded.redirect_uri, redirectUri: options.redirectUri, providerId: settings.providerId })
  const signedInAt = typeof recorded.token_endpoint === "string" && recorded.token_endpoint
  const tokenUrl = signedInAt ? parseBaseUrl(signedInAt, "token_endpoint").href : connection.endpoints().token
  const credentials = connection.credentials()
  return rotate(
    {
      refresh: (refresh_token, timeout) =>
        requestTokens(connection.transport, tokenUrl, { grant_type: "refresh_token", refresh_token, redirect_uri }, credentials, timeout),
      store: settings.store,
      report: settings.report,
      timeout: connection.transport.timeout,
      clockSkew: settings.clockSkew,
      spentTokenTtl: settings.spentTokenTtl,
      memory: settings.memory,
    },
    refreshToken,
  )
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
  const settings = refreshSettings(options)
  try {
    return await refreshAccount(settings, stored, options.reload)
  } catch (error) {
    settings.report(error as TraktError)
    throw error
  }
}

/** {@link refreshTraktAccount} on settings already made. */
export async function refreshAccount(
  settings: RefreshSettings,
  stored: StoredTraktTokens,
  reload?: RefreshTraktAccountOptions["reload"],
): Promise<TraktTokenSet | null> {
  if (!isExpired(stored.expires_at, settings.clockSkew)) return null
  try {
    return await rotateTokens(settings, stored.refresh_token ?? "")
  } catch (error) {
    if (!(isRefusal(error) && reload)) throw error
    // Another instance may have won the refresh and saved its tokens: the
    // account, read again, then holds a different refresh token.
    const current = await reload()
    if (!current?.refresh_token || current.refresh_token === stored.refresh_token) throw error
    return refreshAccount(settings, current)
  }
}

/** The token fields {@link traktJwt} reads and writes. */
export interface TraktJwtFields {
  [field: string]: unknown
  /** Trakt's access token. */
  access_token?: string
  /** Trakt's single-use refresh token. */
  refresh_token?: string
  /** When `access_token` expires, in epoch seconds. */
  expires_at?: number
  /** The callback URL the user signed in with: refreshes send it again. */
  redirect_uri?: string
  /** The token endpoint the user signed in at (production, staging, a stand-in): refreshes go there. */
  token_endpoint?: string
  /** Set when Trakt refused the refresh token: sign the user in again. */
  error?: "RefreshTokenError"
  /**
   * The user's Trakt avatar URL (`https:`), or null: what an avatar route
   * hands `traktAvatar`. Public (Trakt blocks only hot-linking), so a session may carry it.
   */
  avatar?: string | null
}

/** What Auth.js passes the `jwt` callback, as far as {@link traktJwt} needs. */
export interface TraktJwtParams<T extends TraktJwtFields = TraktJwtFields> {
  token: T
  account?: { provider: string; access_token?: string; refresh_token?: string; expires_at?: number } | null
  /** The Trakt profile, at sign-in: its avatar is kept as `avatar`. */
  profile?: unknown
}

/**
 * A `jwt` callback that keeps the Trakt access token fresh (JWT sessions).
 *
 * At sign-in it stores `access_token`, `refresh_token`, `expires_at`, the
 * callback URL and the Trakt avatar URL (`avatar`, for `traktAvatar`) in the token; while the access token is valid it returns the
 * token untouched, without any I/O; once it has expired it refreshes it, once
 * however many requests (and, with a `store`, instances) arrive with it. A
 * request still carrying a spent refresh token gets its successor.
 *
 * It never throws. When Trakt refuses the refresh token, the token gets
 * `error: "RefreshTokenError"` (send the user to sign in again). When the
 * refresh could not be done right now (Trakt down or slow, 429, the store
 * down, a setting missing), the token is returned as it was, marked with
 * nothing, and the next request tries again. Both reach `onError`.
 *
 * @example
 * Keep the token fresh and tell the client when it could not be:
 * ```ts
 * import { Auth } from "@auth/core"
 * import Trakt, { traktJwt } from "authjs-trakt"
 *
 * export const handle = (request: Request) =>
 *   Auth(request, {
 *     secret: process.env.AUTH_SECRET,
 *     trustHost: true,
 *     providers: [Trakt({ clientId: process.env.AUTH_TRAKT_ID, clientSecret: process.env.AUTH_TRAKT_SECRET })],
 *     callbacks: {
 *       jwt: traktJwt({ onError: (error) => console.warn("Trakt refresh failed:", error.code) }),
 *       session: ({ session, token }) => ({ ...session, error: token.error }),
 *     },
 *   })
 * ```
 */
export function traktJwt(options: TraktRefreshOptions = {}): <T extends TraktJwtFields>(params: TraktJwtParams<T>) => Promise<T & TraktJwtFields> {
  const settings = refreshSettings(options)
  return async ({ token, account, profile }) => {
    if (account) {
      if (account.provider !== settings.providerId) return token
      const { access_token, refresh_token, expires_at } = account
      // Where the provider exchanged the code, and with which callback URL.
      const { redirect_uri, token_endpoint } = takeSignIn(access_token) ?? {}
      // The real URL, for the avatar route: with `avatarUrl`, `picture` is the route itself.
      // A stand-in on this machine serves its avatars over http: as loadProfile let them through, so here.
      const loopback = !!token_endpoint && isLoopback(new URL(token_endpoint).hostname)
      const avatar = absoluteImageUrl((profile as Partial<TraktUser> | undefined)?.avatar?.full, loopback)
      return { ...token, access_token, refresh_token, expires_at, redirect_uri, token_endpoint, avatar, error: undefined }
    }
    if (!isExpired(token.expires_at, settings.clockSkew)) return token
    try {
      const fresh = await rotateTokens(settings, token.refresh_token ?? "", token)
      // Trakt's refresh tokens are single-use: the old one is dead either way.
      const { access_token, refresh_token, expires_at } = fresh
      return { ...token, access_token, refresh_token, expires_at, error: undefined }
    } catch (error) {
      settings.report(error as TraktError)
      // The refresh token stays either way: a refusal may be the app's
      // configuration (a wrong secret), and Trakt is not asked again with it
      // for a while (see rotation.ts).
      return isRefusal(error) ? { ...token, error: "RefreshTokenError" } : token
    }
  }
}
