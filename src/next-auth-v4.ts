/**
 * <div style={{backgroundColor: "#ED2224", display: "flex", justifyContent: "space-between", color: "#fff", padding: 16}}>
 * <span>Sign in with <b>Trakt</b> on <b>next-auth v4</b>, on Trakt's OAuth as it is since July 2026.</span>
 * </div>
 *
 * The entry `authjs-trakt/next-auth-v4`: the same Trakt contract as the main
 * entry (endpoints, JSON token bodies, headers, errors, profile), in next-auth
 * v4's provider shape. Nothing here loads `@auth/core` or `next-auth` at run
 * time: v4 apps have no `@auth/core`.
 *
 * @module authjs-trakt/next-auth-v4
 */
export { default } from "./next-auth-v4/provider.js"
export * from "./authjs/exports.js"
export type {} from "./next-auth-v4/augment.js"
