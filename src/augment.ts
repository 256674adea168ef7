/**
 * Types the fields {@link traktJwt} keeps in Auth.js's JWT, and the `error` a
 * session carries when a refresh failed (the convention of Auth.js's
 * refresh-token-rotation guide). Importing anything from this package applies it.
 */
import type {} from "@auth/core/jwt"
import type {} from "@auth/core/types"

declare module "@auth/core/jwt" {
  interface JWT {
    /** Trakt's access token (set by `traktJwt`). */
    access_token?: string
    /** Trakt's single-use refresh token (set by `traktJwt`). */
    refresh_token?: string
    /** When `access_token` expires, in epoch seconds. */
    expires_at?: number
    /** The callback URL the user signed in with, which refreshes send Trakt again (set by `traktJwt`). */
    redirect_uri?: string
    /** The token endpoint the user signed in at, where refreshes go (set by `traktJwt`). */
    token_endpoint?: string
    /** Set when the access token could not be refreshed: sign the user in again. */
    error?: "RefreshTokenError"
  }
}

declare module "@auth/core/types" {
  interface Session {
    /** Set when the Trakt access token could not be refreshed: sign the user in again. */
    error?: "RefreshTokenError"
  }
}
