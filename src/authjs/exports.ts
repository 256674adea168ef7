/**
 * What every Auth.js entry (`authjs-trakt`, `authjs-trakt/next-auth-v4`) exports
 * besides its provider: one name per concept, and what an app writes, names or
 * catches. Both entries re-export this module, so they cannot drift apart.
 *
 * Not exported, on purpose: the parts of option types (endpoint, request and
 * connection options are fields of the types below), `TraktErrorDetails` (the
 * fields of `TraktError`), and the engine's internals (rotation, lock, seal).
 */
export type { TraktUser } from "../core/profile.js"
export type { TraktOptions, TraktAccountId } from "../core/options.js"
export { refreshTraktToken, revokeTraktToken, type TraktTokenSet } from "../core/tokens.js"
export {
  refreshTraktAccount,
  type RefreshTraktAccountOptions,
  type StoredTraktTokens,
  type TraktRefreshOptions,
} from "../core/refresh/refresher.js"
export { traktJwt, type TraktJwtFields, type TraktJwtParams, type TraktSessionFields } from "./jwt.js"
export { traktDatabaseSessions, type TraktDatabaseOptions, type TraktAccounts, type TraktDatabaseSessions } from "./database-sessions.js"
export type { TraktStore, TraktTokenStore } from "../core/store.js"
export { traktAvatar, type TraktAvatarOptions } from "../core/avatar/avatar.js"
export { createTraktClient, type TraktClient, type TraktClientOptions, type TraktCallInit, type TraktQuery } from "../core/client/client.js"
export { TraktError, findTraktError, type TraktErrorCode } from "../core/errors.js"
