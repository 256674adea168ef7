/** The Trakt user profile, as `/users/settings` returns it, and the user it makes. */
import { missingClientId, TraktError } from "./errors.js"
import { isObject, typed, type Json } from "./json.js"
import type { TraktAccountId } from "./options.js"
import { sendJson, type Transport } from "./transport.js"

/**
 * The profile this provider hands to Auth.js callbacks (`profile`, `jwt`'s
 * `profile`, `signIn`): the `user` object of `GET /users/settings`, with every
 * field Trakt may leave out normalised, and `slug` / `avatar` mirroring
 * `ids.slug` / `images.avatar`. Any further field Trakt sends is kept as is.
 */
export interface TraktUser {
  /** Any further field Trakt sends, kept as it is. */
  [field: string]: unknown
  username: string
  private: boolean
  /** May be null or empty: the provider falls back to `username` for `user.name`. */
  name: string | null
  vip: boolean
  vip_ep: boolean
  vip_og?: boolean
  vip_years?: number
  director?: boolean
  ids: {
    /** Changes when the user renames their account. */
    slug: string
    trakt?: number
    /** The only stable, globally unique user id; see the `accountId` option. */
    uuid?: string
  }
  /** The same as `ids.slug`. */
  slug: string
  joined_at: string | null
  location: string | null
  about: string | null
  gender: string | null
  age: number | null
  images: { avatar: { full: string | null } }
  /** The same as `images.avatar`; `full` is an absolute `https:` URL or null. */
  avatar: { full: string | null }
}

/** Trakt sends avatars as `//host/...` at times; anything not http(s) is dropped. */
export function absoluteImageUrl(value: unknown): string | null {
  const url = typeof value === "string" && value.startsWith("//") ? `https:${value}` : value
  return typeof url === "string" && /^https?:\/\/[^/\s]/i.test(url) ? url : null
}

/**
 * Turns a `GET /users/settings` body into a {@link TraktUser}. Throws
 * `INVALID_RESPONSE` without `user.username` and `user.ids.slug` (or
 * `user.ids.uuid`, when `requireUuid`): sign-in cannot go on without an id.
 */
export function parseSettings(body: unknown, requireUuid?: boolean): TraktUser {
  const user: Json = isObject(body) && isObject(body.user) ? body.user : {}
  const ids: Json = isObject(user.ids) ? user.ids : {}
  const images: Json = isObject(user.images) ? user.images : {}
  const slug = ids.slug
  if (typeof user.username !== "string" || typeof slug !== "string" || (requireUuid && typeof ids.uuid !== "string")) {
    throw new TraktError("INVALID_RESPONSE", `GET /users/settings lacks user.username or user.ids.${requireUuid ? "uuid" : "slug"}`)
  }
  const avatar = { full: absoluteImageUrl(images.avatar?.full) }
  return {
    ...user,
    ...typed(user, "private vip vip_ep", "boolean", false),
    ...typed(user, "vip_og director", "boolean"),
    ...typed(user, "vip_years", "number"),
    ...typed(user, "name joined_at location about gender", "string", null),
    age: Number.isFinite(user.age) ? user.age : null,
    ids: { ...ids, ...typed(ids, "trakt", "number"), ...typed(ids, "uuid", "string") },
    slug,
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
  return parseSettings(body, accountId === "uuid")
}

/** The user Auth.js (or next-auth v4) makes of a profile. */
export function userOf(profile: TraktUser, accountId: TraktAccountId) {
  return {
    id: accountId === "uuid" ? profile.ids.uuid! : profile.ids.slug,
    name: profile.name || profile.username,
    email: null, // Trakt gives third-party apps no e-mail address.
    image: profile.avatar.full,
  }
}
