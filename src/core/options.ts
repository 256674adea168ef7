/** The options every entry's provider takes, and validating what apps pass in. */
import type { TraktEndpointOptions } from "./endpoints.js"
import { argumentError, type TraktError } from "./errors.js"
import type { TraktRequestOptions } from "./transport.js"

/** The options this package adds to every provider option of Auth.js (and of next-auth v4). */
export interface TraktOptions extends TraktEndpointOptions, TraktRequestOptions {
  /**
   * Which Trakt id becomes `providerAccountId` (the key accounts are linked
   * by): `"uuid"`, Trakt's stable id, is the choice for new apps; `"slug"` is
   * what the built-in providers used. See {@link TraktAccountId}.
   * @default "slug"
   */
  accountId?: TraktAccountId
  /**
   * The path of the app's avatar route (`"/api/avatar"`), which serves the
   * avatar with `traktAvatar`: `user.image` becomes that path, so that
   * `<img src={session.user.image}>` loads (Trakt blocks hot-linked images),
   * for every user (a placeholder when there is no avatar). The route reads the real URL from
   * the server-side session (`traktJwt` keeps it in the token as `avatar`), never
   * from the request. For database sessions, leave it out: the user row keeps
   * Trakt's URL (see docs/avatars.md).
   */
  avatarUrl?: string
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
  if (value !== "slug" && value !== "uuid") throw argumentError("accountId", 'must be "slug" or "uuid"')
  return value
}

/** Checks the `avatarUrl` option: a path on the app, not `//host` nor `/\\host` (browsers read both as another host). */
export function parseAvatarUrl(value: unknown): string | undefined {
  if (value !== undefined && !/^\/(?![/\\])\S*$/.test(value as string))
    throw argumentError("avatarUrl", 'must be a path such as "/api/avatar"')
  return value as string | undefined
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
    throw argumentError("checks", 'must include "pkce" and "state"')
  }
}

/**
 * Checks an `onError` option, and gives the function failures are reported to:
 * the app's, or `console.error`, looked up when called (a test may spy on it).
 */
export function checkReport(onError: unknown): (error: TraktError) => void {
  if (onError !== undefined && typeof onError !== "function") throw argumentError("onError", "must be a function")
  // Nothing it returns is used: `.catch(report)` must settle with undefined.
  return (error) => void ((onError as ((error: TraktError) => void) | undefined) ?? console.error)(error)
}
