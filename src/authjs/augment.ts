/**
 * Types the fields `traktJwt` keeps in Auth.js's JWT, and the `error` a session
 * carries when a refresh failed (the convention of Auth.js's
 * refresh-token-rotation guide). Importing anything from the main entry
 * applies it; `authjs-trakt/next-auth-v4` does the same for next-auth v4.
 */
import type {} from "@auth/core/jwt"
import type {} from "@auth/core/types"
import type { TraktJwtFields, TraktSessionFields } from "./jwt.js"

declare module "@auth/core/jwt" {
  interface JWT extends TraktJwtFields {}
}

declare module "@auth/core/types" {
  interface Session extends TraktSessionFields {}
}
