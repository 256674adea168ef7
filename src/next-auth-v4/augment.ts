/**
 * Types the fields `traktJwt` keeps in next-auth v4's JWT, and the `error` and
 * `avatar` a session carries. Importing anything from `authjs-trakt/next-auth-v4`
 * applies it.
 */
import type {} from "next-auth"
import type {} from "next-auth/jwt"
import type { TraktJwtFields, TraktSessionFields } from "../authjs/jwt.js"

declare module "next-auth/jwt" {
  /** The fields `traktJwt` keeps in next-auth v4's JWT. */
  interface JWT extends TraktJwtFields {}
}

declare module "next-auth" {
  interface Session extends TraktSessionFields {}
}
