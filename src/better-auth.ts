/**
 * The entry `authjs-trakt/better-auth`: Sign in with Trakt for Better Auth (1.7),
 * over the same Trakt core as the Auth.js entries, which it never loads.
 *
 * @example
 * ```ts
 * import { betterAuth } from "better-auth"
 * import { trakt } from "authjs-trakt/better-auth"
 *
 * export const auth = betterAuth({ plugins: [trakt()] })
 * ```
 * @module authjs-trakt/better-auth
 */
export { trakt, TRAKT_PLUGIN_ERROR_CODES, type TraktPluginOptions, type TraktPluginState } from "./better-auth/plugin.js"
export { traktClient, type BetterAuthInstance } from "./better-auth/server.js"
export type { TraktUser } from "./core/profile.js"
export type { TraktAccountId } from "./core/options.js"
export type { TraktStore } from "./core/store.js"
export type { TraktClient, TraktCallInit, TraktQuery } from "./core/client/client.js"
export { TraktError, findTraktError, type TraktErrorCode } from "./core/errors.js"
