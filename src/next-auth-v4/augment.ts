/**
 * Types the fields `traktJwt` keeps in next-auth v4's JWT, and the `error` and
 * `avatar` a session carries. Importing anything from `authjs-trakt/next-auth-v4`
 * applies it.
 */
import type {} from "next-auth"
import type {} from "next-auth/jwt"
import type { TraktJwtFields } from "../core/refresh/refresher.js"

declare module "next-auth/jwt" {
  /** The fields `traktJwt` keeps in next-auth v4's JWT. */
  interface JWT extends TraktJwtFields {}
}

declare module "next-auth" {
  interface Session {
    /** Set when Trakt refused the refresh token: sign the user in again. (A refresh that failed for now sets nothing: the next request retries.) */
    error?: "RefreshTokenError"
    /** The Trakt avatar URL, when the session callback copies it from the token: what an avatar route hands `traktAvatar`. */
    avatar?: string | null
  }
}
