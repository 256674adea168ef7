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
export type { TraktUser } from "./profile.js"
export type { TraktOptions } from "./options.js"
export { refreshTraktToken, revokeTraktToken, type TraktTokenSet } from "./tokens.js"
export { traktJwt, refreshTraktAccount, type TraktJwtFields, type TraktRefreshOptions } from "./refresh.js"
export { traktDatabaseSessions, type TraktDatabaseOptions, type TraktAccounts } from "./database-sessions.js"
export type { TraktTokenStore } from "./store.js"
export { traktAvatar, type TraktAvatarOptions } from "./avatar.js"
export { createTraktClient, type TraktClient, type TraktClientOptions } from "./client.js"
export { TraktError, findTraktError, type TraktErrorCode } from "./errors.js"
