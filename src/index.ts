/**
 * Sign in with Trakt for Auth.js, plus helpers to keep Trakt tokens alive.
 *
 * @example
 * ```ts
 * import Trakt from "authjs-trakt"
 *
 * export const providers = [Trakt({ clientId: process.env.TRAKT_CLIENT_ID, accountId: "uuid" })]
 * ```
 * @module
 */
export { trakt, trakt as default } from "./provider.js"
export type { TraktOptions, TraktAccountId } from "./options.js"
export type { TraktUser } from "./profile.js"
export type { TraktEndpointOptions } from "./endpoints.js"
export type { TraktRequestOptions } from "./request.js"
export {
  refreshTraktToken,
  revokeTraktToken,
  type TraktTokenSet,
  type TraktClientOptions,
  type RefreshTraktTokenOptions,
  type RevokeTraktTokenOptions,
} from "./tokens.js"
export {
  traktJwt,
  refreshTraktAccount,
  type TraktJwtOptions,
  type TraktJwtParams,
  type TraktJwtFields,
  type TraktRefreshOptions,
  type RefreshTraktAccountOptions,
  type StoredTraktTokens,
} from "./refresh.js"
export type { TraktTokenStore } from "./store.js"
export type {} from "./augment.js"
export {
  TraktError,
  findTraktError,
  type TraktErrorCode,
  type OAuthErrorCode,
  type TraktErrorDetails,
} from "./errors.js"
