/** Keeping Trakt tokens fresh inside Auth.js: the JWT callback and the database recipe. */
import { invalidOption } from "./options.js"
import { TraktError } from "./errors.js"
import { rotate, type RotationOptions } from "./rotation.js"
import type { TraktTokenStore } from "./store.js"
import { takeSignIn, type SignInRecord } from "./sign-in.js"
import type { TraktClientOptions, TraktTokenSet } from "./tokens.js"

/** The token fields Auth.js stores, in a JWT or in an adapter's account. */
export interface StoredTraktTokens {
  access_token?: string | null
  refresh_token?: string | null
  /** Epoch seconds. */
  expires_at?: number | null
}

/** What the refresh helpers take. */
export interface TraktRefreshOptions extends Omit<TraktClientOptions, "clientId" | "clientSecret"> {
  /** Your Trakt app's client id. @default process.env.AUTH_TRAKT_ID */
  clientId?: string
  /** Your Trakt app's secret; none for a PKCE-only app. @default process.env.AUTH_TRAKT_SECRET */
  clientSecret?: string
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
   * in the token), so JWT apps need not set this.
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
   * Hears every failure the helper met: a refresh that failed (the session
   * only shows `error`), or a store it had to do without.
   * @default console.error
   */
  onError?: (error: TraktError) => void
}

/** Reads an environment variable where there is a `process` (not on edge runtimes). */
const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] || undefined

/** The callback URL a `redirectUri` option (or AUTH_URL) stands for; see {@link TraktRefreshOptions.redirectUri}. */
export function callbackUrl(value: string, providerId = "trakt"): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalidOption("redirectUri", "must be an absolute URL, such as https://example.com/api/auth")
  }
  const path = url.pathname.replace(/\/+$/, "")
  const callback = `/callback/${providerId}`
  return url.origin + (path.endsWith(callback) ? path : `${path || "/api/auth"}${callback}`)
}

/** What traktJwt keeps of the sign-in (see sign-in.ts), as a token may hold it. */
type SignIn = { [field in keyof SignInRecord]?: unknown }

/**
 * The options a rotation runs with, every default and fallback applied. What
 * was recorded at sign-in comes first: a refresh token belongs to the server
 * that issued it, and Trakt accepted that callback URL.
 */
function rotationOptions(options: TraktRefreshOptions, recorded: SignIn = {}): RotationOptions {
  const { providerId = "trakt", onError = console.error } = options
  const clientId = options.clientId ?? env("AUTH_TRAKT_ID")
  const string = (value: unknown) => (typeof value === "string" && value) || undefined
  const tokenEndpoint = string(recorded.token_endpoint)
  const redirect = string(recorded.redirect_uri) ?? options.redirectUri ?? env("AUTH_URL") ?? env("NEXTAUTH_URL")
  if (!redirect) {
    throw new TraktError("MISSING_REDIRECT_URI", 'no callback URL to refresh with: pass "redirectUri", or set AUTH_URL (NEXTAUTH_URL)')
  }
  return {
    ...options,
    ...(tokenEndpoint && { oauthBaseUrl: tokenEndpoint.replace(/\/oauth\/token$/, "") }),
    clientId: clientId!,
    clientSecret: options.clientSecret ?? (options.clientId ? undefined : env("AUTH_TRAKT_SECRET")),
    redirectUri: callbackUrl(redirect, providerId),
    clockSkew: options.clockSkew ?? 60,
    spentTokenTtl: options.spentTokenTtl ?? 30 * 24 * 60 * 60,
    timeout: options.timeout ?? 10_000,
    report: onError,
  }
}

/** Whether stored tokens need a refresh (`expires_at` within `clockSkew` seconds). */
const expired = ({ expires_at }: StoredTraktTokens, clockSkew = 60) =>
  expires_at != null && Date.now() / 1000 >= expires_at - clockSkew

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
 * fails.
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
  if (!expired(stored, options.clockSkew)) return null
  try {
    return await rotate(rotationOptions(options), stored.refresh_token ?? "")
  } catch (error) {
    const { reload } = options
    if (!(error instanceof TraktError && error.code === "invalid_grant" && reload)) throw error
    // Another instance may have won the refresh and saved its tokens: the
    // account, read again, then holds a different refresh token.
    const current = await reload()
    if (!current?.refresh_token || current.refresh_token === stored.refresh_token) throw error
    return refreshTraktAccount(current, { ...options, reload: undefined })
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
  /** Set when the access token could not be refreshed: sign the user in again. */
  error?: "RefreshTokenError"
}

/** What Auth.js passes the `jwt` callback, as far as {@link traktJwt} needs. */
export interface TraktJwtParams<T extends TraktJwtFields = TraktJwtFields> {
  token: T
  account?: { provider: string; access_token?: string; refresh_token?: string; expires_at?: number } | null
}

/** Options of {@link traktJwt}. */
export type TraktJwtOptions = TraktRefreshOptions

/**
 * A `jwt` callback that keeps the Trakt access token fresh (JWT sessions).
 *
 * At sign-in it stores `access_token`, `refresh_token`, `expires_at` and the
 * callback URL in the token; while the access token is valid it returns the
 * token untouched, without any I/O; once it has expired it refreshes it, once
 * however many requests (and, with a `store`, instances) arrive with it. A
 * request still carrying a spent refresh token gets its successor. If the
 * refresh fails it returns the token with `error: "RefreshTokenError"` instead
 * of throwing, keeping the refresh token: send the user to sign in again.
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
export function traktJwt(options: TraktJwtOptions = {}): <T extends TraktJwtFields>(params: TraktJwtParams<T>) => Promise<T & TraktJwtFields> {
  const { providerId = "trakt", onError = console.error } = options
  // A wrong option fails now, at configuration, not at the first refresh.
  if (options.redirectUri) callbackUrl(options.redirectUri, providerId)
  return async ({ token, account }) => {
    if (account) {
      if (account.provider !== providerId) return token
      const { access_token, refresh_token, expires_at } = account
      // Where the provider exchanged the code, and with which callback URL.
      const { redirect_uri, token_endpoint } = takeSignIn(access_token) ?? {}
      return { ...token, access_token, refresh_token, expires_at, redirect_uri, token_endpoint, error: undefined }
    }
    if (!expired(token, options.clockSkew)) return token
    try {
      const fresh = await rotate(rotationOptions(options, token), token.refresh_token ?? "")
      const { access_token, refresh_token = token.refresh_token, expires_at } = fresh
      return { ...token, access_token, refresh_token, expires_at, error: undefined }
    } catch (error) {
      onError(error as TraktError)
      // The refresh token stays: a refusal may be a configuration fault, and
      // Trakt is not asked again with it for a while (see rotation.ts).
      return { ...token, error: "RefreshTokenError" }
    }
  }
}
