/**
 * What every entry exports besides its provider: one name per concept, and
 * only what an app writes or catches. Both entries re-export this module, so
 * they cannot drift apart.
 *
 * Not exported, on purpose: the parts of option types (endpoint, request and
 * connection options are fields of the types below), `TraktErrorDetails` (the
 * fields of `TraktError`), the OAuth error codes (members of
 * `TraktErrorCode`), and the engine's internals.
 */
export type { TraktUser } from "../core/profile.js"
export type { TraktOptions } from "../core/options.js"
export { refreshTraktToken, revokeTraktToken, type TraktTokenSet } from "../core/tokens.js"
export { traktJwt, refreshTraktAccount, type TraktJwtFields, type TraktRefreshOptions } from "../core/refresh/refresher.js"
export { traktDatabaseSessions, type TraktDatabaseOptions, type TraktAccounts } from "./database-sessions.js"
export type { TraktTokenStore } from "../core/store.js"
export { traktAvatar, type TraktAvatarOptions } from "../core/avatar/avatar.js"
export { createTraktClient, type TraktClient, type TraktClientOptions } from "../core/client/client.js"
export { TraktError, findTraktError, type TraktErrorCode } from "../core/errors.js"
