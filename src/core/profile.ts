/** The Trakt user profile, as `/users/settings` returns it, and the user it makes. */
import { isLoopback } from "./endpoints.js"
import { missingClientId, TraktError } from "./errors.js"
import { integer, nonEmpty, objectOr, typed } from "./util/json.js"
import type { TraktAccountId } from "./options.js"
import { sendJson, type Transport } from "./transport.js"

/**
 * The profile this provider hands to Auth.js callbacks (`profile`, `jwt`'s
 * `profile`, `signIn`): the `user` object of `GET /users/settings`, with
 * `slug` / `avatar` mirroring `ids.slug` / `images.avatar`. Any further field
 * Trakt sends is kept as is.
 *
 * The fields follow Trakt's own schema (`settingsResponseSchema` in
 * github.com/trakt/trakt-api). Where Trakt sends a field the wrong way anyway
 * (left out, null, another type), the field gets the neutral value of the type
 * the schema gives it (`false`, `0`), or `null` where no value would be
 * neutral (a date, a URL): the types below hold for every body that signs in.
 * A body without `username`, or without the id accounts are keyed by (a
 * non-blank `ids.slug`, or `ids.uuid` with `accountId: "uuid"`), fails the
 * sign-in with `INVALID_RESPONSE`.
 *
 * @example
 * Keep the stable uuid and the VIP flag in the JWT at sign-in:
 * ```ts
 * import type { TraktUser } from "authjs-trakt"
 *
 * export const callbacks = {
 *   jwt({ token, profile }: { token: Record<string, unknown>; profile?: unknown }) {
 *     const user = profile as TraktUser | undefined
 *     if (user) Object.assign(token, { traktUuid: user.ids.uuid ?? null, vip: user.vip })
 *     return token
 *   },
 * }
 * ```
 */
export interface TraktUser {
  /** Any further field Trakt sends, kept as it is. */
  [field: string]: unknown
  /** Changes when the user renames their account; may be empty (Trakt's schema allows it). */
  username: string
  /** `false` when Trakt leaves it out. */
  private: boolean
  /** May be null or empty: the provider falls back to `username` for `user.name`. */
  name: string | null
  /** `false` when Trakt leaves it out. */
  vip: boolean
  /** `false` when Trakt leaves it out. */
  vip_ep: boolean
  /** Trakt's schema requires it; `false` when Trakt leaves it out anyway. */
  director: boolean
  ids: {
    /**
     * Changes when the user renames their account. Never blank with
     * `accountId: "slug"`; with `"uuid"`, `""` when Trakt sends a blank one.
     */
    slug: string
    /** Trakt's numeric id; null when Trakt leaves it out (its schema allows that). */
    trakt: number | null
    /**
     * The only stable, globally unique user id; see the `accountId` option.
     * Trakt's schema requires it, but it is left out here (never empty) when
     * Trakt sends none or an empty one: with `accountId: "uuid"` such a
     * profile fails the sign-in instead.
     */
    uuid?: string
  }
  /** The same as `ids.slug`. */
  slug: string
  /**
   * When the account was made, an ISO 8601 UTC date-time as Trakt's schema
   * has it (`2010-09-25T17:49:25.000Z`). Trakt's schema never nulls it; null
   * here when Trakt sends none or something that is not such a date-time.
   */
  joined_at: string | null
  location: string | null
  about: string | null
  gender: string | null
  /** A whole number of years, or null. */
  age: number | null
  /** Date of birth, as Trakt sends it (the format is undocumented), or null. */
  dob: string | null
  /** `images.avatar.full` as {@link TraktUser.avatar} has it; other image fields are kept. */
  images: { avatar: { full: string | null } }
  /**
   * The same as `images.avatar`. `full` is an absolute `https:` URL that
   * `new URL` parses (a scheme-less `//host/...` gets `https:`), or null:
   * Trakt's schema always sends a string, but one that is `http:`, relative,
   * empty or not a URL at all is dropped rather than handed to an `<img>`.
   */
  avatar: { full: string | null }
  /** Trakt's schema requires it; `false` when Trakt leaves it out anyway. */
  vip_og: boolean
  /** Whole years of VIP. Trakt's schema requires it; `0` when Trakt leaves it out anyway. */
  vip_years: number
  /** The VIP profile cover: an absolute `https:` URL under the same rule as `avatar.full`, or null. */
  vip_cover_image: string | null
}

/**
 * Makes an image URL from Trakt safe to render: an absolute `https:` URL,
 * normalised by `new URL` (Trakt sends avatars as `//host/...` at times, so
 * those get `https:`), or null for anything else (`http:`, relative,
 * `javascript:`, a host with a space in it, not a string). With `loopback`
 * (the profile came from a stand-in on this machine), `http:` on a loopback
 * host is allowed too, as for `baseUrl`.
 */
export function absoluteImageUrl(value: unknown, loopback = false): string | null {
  if (typeof value !== "string") return null
  const candidate = value.startsWith("//") ? `https:${value}` : value
  // Checked before parsing: the URL parser forgives what is no URL
  // (`https:///x` becomes `https://x/`, backslashes become slashes, whitespace is stripped).
  if (!(loopback ? /^https?:\/\/[^/\\\s]/i : /^https:\/\/[^/\\\s]/i).test(candidate)) return null
  try {
    // After that check, a URL that parses is http(s): with a host (an empty one throws).
    const url = new URL(candidate)
    return url.protocol === "https:" || isLoopback(url.hostname) ? url.href : null
  } catch {
    return null
  }
}

/** Trakt's `z.string().datetime()`: UTC, seconds, any fraction; and a day the month has. */
function dateTime(value: unknown): string | null {
  if (typeof value !== "string" || !/^\d{4}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?Z$/.test(value)) return null
  // Date rolls 2021-02-30 over to March: compare the day it read.
  return new Date(Date.parse(value) || 0).toISOString().startsWith(value.slice(0, 10)) ? value : null
}

/**
 * Turns a `GET /users/settings` body into a {@link TraktUser}. Throws
 * `INVALID_RESPONSE` without `user.username`, or without a non-blank
 * `user.ids.slug` (`user.ids.uuid` when `requireUuid`): Trakt's schema allows
 * empty ids, but sign-in cannot go on without the one accounts are keyed by
 * (Auth.js would fail it later with "Missing or invalid provider account").
 * The other id may be blank.
 */
export function parseProfile(body: unknown, requireUuid?: boolean, loopback?: boolean): TraktUser {
  const user = objectOr(objectOr(body).user)
  const ids = objectOr(user.ids)
  const images = objectOr(user.images)
  const slug = nonEmpty(ids.slug)
  const uuid = nonEmpty(ids.uuid)
  // The id accounts are keyed by must be there; the other one may be blank.
  const id = requireUuid ? "uuid" : "slug"
  if (typeof user.username !== "string" || !(requireUuid ? uuid : slug)) {
    throw new TraktError("INVALID_RESPONSE", `GET /users/settings lacks user.username or user.ids.${id}`)
  }
  const avatar = { full: absoluteImageUrl(objectOr(images.avatar).full, loopback) }
  const { uuid: _, ...otherIds } = ids
  return {
    ...user,
    ...typed(user, "private vip vip_ep vip_og director", "boolean", false),
    ...typed(user, "name location about gender dob", "string", null),
    age: integer(user.age),
    vip_years: integer(user.vip_years) ?? 0,
    joined_at: dateTime(user.joined_at),
    vip_cover_image: absoluteImageUrl(user.vip_cover_image, loopback),
    ids: { ...otherIds, slug: slug ?? "", trakt: integer(ids.trakt), ...(uuid && { uuid }) },
    slug: slug ?? "",
    images: { ...images, avatar },
    avatar,
  } as TraktUser
}

/**
 * Loads the signed-in user's profile from `GET /users/settings`, not
 * `/users/me`: it alone carries the stable `ids.uuid`.
 */
export async function loadProfile(
  transport: Transport,
  settings: string,
  clientId: string | undefined,
  accessToken: string | undefined,
  accountId: TraktAccountId,
): Promise<TraktUser> {
  if (!clientId) throw missingClientId()
  // Every Trakt API call names the app and the API version (sendJson adds User-Agent and Content-Type).
  const headers: Record<string, string> = { "trakt-api-key": clientId, "trakt-api-version": "2" }
  if (accessToken) headers.authorization = `Bearer ${accessToken}`
  const body = await sendJson(transport, settings, { headers })
  // A stand-in on this machine serves its avatars over http: let those through, and only those.
  return parseProfile(body, accountId === "uuid", isLoopback(new URL(settings).hostname))
}

/**
 * The avatar URL of a profile a host hands back (`unknown`: it may be another
 * provider's, or none), by the rule {@link parseProfile} applies: `https:`, or
 * `http:` on loopback when the user signed in at a stand-in on this machine
 * (`signedInAt`: the token endpoint of the sign-in).
 */
export const avatarOf = (profile: unknown, signedInAt?: string): string | null =>
  absoluteImageUrl((profile as Partial<TraktUser> | undefined)?.avatar?.full, !!signedInAt && isLoopback(new URL(signedInAt).hostname))

/** The user Auth.js (or next-auth v4) makes of a profile; `image` is `avatarUrl` (the app's avatar route) when given. */
export function userOf(profile: TraktUser, accountId: TraktAccountId, avatarUrl?: string) {
  return {
    id: accountId === "uuid" ? profile.ids.uuid! : profile.ids.slug,
    // Trakt's schema allows an empty name and username (and, with accountId "uuid", slug): the first that is not.
    name: profile.name || profile.username || profile.slug,
    email: null, // Trakt gives third-party apps no e-mail address.
    image: avatarUrl ?? profile.avatar.full,
  }
}
