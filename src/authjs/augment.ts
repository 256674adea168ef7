/**
 * Types the fields `traktJwt` keeps in Auth.js's JWT, and the `error` a session
 * carries when a refresh failed (the convention of Auth.js's
 * refresh-token-rotation guide). Importing anything from the main entry
 * applies it; `authjs-trakt/next-auth-v4` does the same for next-auth v4.
 */
import type {} from "@auth/core/jwt"
import type {} from "@auth/core/types"
import type { TraktJwtFields } from "../core/refresh/refresher.js"

declare module "@auth/core/jwt" {
  interface JWT extends TraktJwtFields {}
}

declare module "@auth/core/types" {
  interface Session {
    /** Set when Trakt refused the refresh token: sign the user in again. (A refresh that failed for now sets nothing: the next request retries.) */
    error?: "RefreshTokenError"
    /** The Trakt avatar URL, when the session callback copies it from the token: what an avatar route hands `traktAvatar`. */
    avatar?: string | null
  }
}
