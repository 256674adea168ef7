/** The options every entry's provider takes, and validating what apps pass in. */
import type { TraktEndpointOptions } from "./endpoints.js"
import type { TraktRequestOptions } from "./request.js"

/** The options this package adds to every provider option of Auth.js (and of next-auth v4). */
export interface TraktOptions extends TraktEndpointOptions, TraktRequestOptions {
  /**
   * Which Trakt id becomes `providerAccountId` (the key accounts are linked
   * by): `"uuid"`, Trakt's stable id, is the choice for new apps; `"slug"` is
   * what the built-in providers used. See {@link TraktAccountId}.
   * @default "slug"
   */
  accountId?: TraktAccountId
}

/**
 * A `TypeError` naming the option, with a Node-style code, as oauth4webapi
 * throws for bad arguments. Messages never repeat the value, which may carry
 * credentials.
 */
export function invalidOption(option: string, requirement: string, cause?: unknown): TypeError {
  const error = new TypeError(`Trakt: "${option}" ${requirement}`, { cause })
  return Object.assign(error, { code: "ERR_INVALID_ARG_VALUE" })
}

/**
 * Which Trakt id becomes the account id (Auth.js's `providerAccountId`, the key
 * accounts are linked by). `"uuid"` is Trakt's stable `ids.uuid`, which
 * survives a username change: choose it for new apps. The default, `"slug"`,
 * is what the built-in Trakt providers used, so accounts they linked keep
 * working.
 */
export type TraktAccountId = "slug" | "uuid"

/** Checks the `accountId` option. */
export function parseAccountId(value: unknown = "slug"): TraktAccountId {
  if (value !== "slug" && value !== "uuid") throw invalidOption("accountId", 'must be "slug" or "uuid"')
  return value
}

/**
 * Checks the `checks` option: an app may add checks, never drop one. Trakt
 * sign-in always runs with state and PKCE (S256); Auth.js merges the option
 * into the provider's index by index, and next-auth v4 replaces it, so a list
 * without either would switch a protection off.
 */
export function assertChecks(checks: unknown): void {
  const list = typeof checks === "string" ? [checks] : checks
  if (list !== undefined && !(Array.isArray(list) && list.includes("pkce") && list.includes("state"))) {
    throw invalidOption("checks", 'must include "pkce" and "state" (Trakt sign-in always uses both)')
  }
}
