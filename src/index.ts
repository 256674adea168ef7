/**
 * The entry `authjs-trakt`: Sign in with Trakt for Auth.js (@auth/core 0.41:
 * next-auth v5, @auth/sveltekit, @auth/express), plus helpers to keep Trakt
 * tokens alive. next-auth v4 has its own entry, `authjs-trakt/next-auth-v4`.
 *
 * @example
 * ```ts
 * import Trakt from "authjs-trakt"
 *
 * export const providers = [Trakt({ clientId: process.env.AUTH_TRAKT_ID, accountId: "uuid" })]
 * ```
 * @module
 */
export { default } from "./authjs/provider.js"
export * from "./authjs/exports.js"
export type {} from "./authjs/augment.js"
