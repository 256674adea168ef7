/** Keeping Trakt tokens fresh in Auth.js's JWT (next-auth v4's too): the `jwt` callback and the fields it keeps. */
import { isRefusal, type TraktError } from "../core/errors.js"
import { avatarOf } from "../core/profile.js"
import { createRefresher, type TraktRefreshOptions } from "../core/refresh/refresher.js"
import { takeSignIn } from "../core/sign-in-record.js"
import { isExpired } from "../core/tokens.js"

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

/** The account Auth.js hands the `jwt` callback and the `signIn` event at sign-in, as far as this package reads it. */
export interface SignInAccount {
  provider: string
  access_token?: string
  refresh_token?: string
  expires_at?: number
}

/** What Auth.js passes the `jwt` callback, as far as {@link traktJwt} needs. */
export interface TraktJwtParams<T extends TraktJwtFields = TraktJwtFields> {
  token: T
  account?: SignInAccount | null
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
export function traktJwt(
  options: TraktRefreshOptions = {},
): <T extends TraktJwtFields>(params: TraktJwtParams<T>) => Promise<T & TraktJwtFields> {
  const refresher = createRefresher(options)
  return async ({ token, account, profile }) => {
    if (account) {
      if (account.provider !== refresher.providerId) return token
      const { access_token, refresh_token, expires_at } = account
      // Where the provider exchanged the code, and with which callback URL.
      const { redirect_uri, token_endpoint } = takeSignIn(access_token) ?? {}
      // The real URL, for the avatar route: with `avatarUrl`, `picture` is the route itself.
      const avatar = avatarOf(profile, token_endpoint)
      return { ...token, access_token, refresh_token, expires_at, redirect_uri, token_endpoint, avatar, error: undefined }
    }
    if (!isExpired(token.expires_at, refresher.clockSkew)) return token
    try {
      const fresh = await refresher.rotate(token.refresh_token ?? "", token)
      // Trakt's refresh tokens are single-use: the old one is dead either way.
      const { access_token, refresh_token, expires_at } = fresh
      return { ...token, access_token, refresh_token, expires_at, error: undefined }
    } catch (error) {
      refresher.report(error as TraktError)
      // The refresh token stays either way: a refusal may be the app's
      // configuration (a wrong secret), and Trakt is not asked again with it
      // for a while (see core/refresh/rotation.ts).
      return isRefusal(error) ? { ...token, error: "RefreshTokenError" } : token
    }
  }
}

/**
 * What a session shows of the Trakt sign-in, in Auth.js's `Session` and next-auth
 * v4's (both entries add these fields to it).
 */
export interface TraktSessionFields {
  /** Set when Trakt refused the refresh token: sign the user in again. (A refresh that failed for now sets nothing: the next request retries.) */
  error?: "RefreshTokenError"
  /** The Trakt avatar URL, when the session callback copies it from the token: what an avatar route hands `traktAvatar`. */
  avatar?: string | null
}
