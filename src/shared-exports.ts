/**
 * What every entry exports besides its provider: the token helpers, the
 * refresh helpers, errors and types. Both entries re-export this module, so
 * they cannot drift apart.
 */
export type { TraktUser } from "./profile.js"
export type { TraktOptions, TraktAccountId } from "./options.js"
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
export {
  TraktError,
  findTraktError,
  type TraktErrorCode,
  type OAuthErrorCode,
  type TraktErrorDetails,
} from "./errors.js"
