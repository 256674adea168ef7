/** The users the stand-in knows, in Trakt's `/users/settings` shape, and the views Trakt derives from it. */
import { escapeHtml } from "./responses.js"

/** Trakt's `/users/settings` body. Only `user.username` and `user.ids.slug` are required here. */
export interface TraktStandInSettings {
  user: {
    username: string
    ids: { slug: string; trakt?: number; uuid?: string }
    name?: string | null
    private?: boolean
    vip?: boolean
    /** Left out: the stand-in serves an avatar of its own (an SVG with the username's initial). */
    images?: { avatar: { full: string } } | null
    [field: string]: unknown
  }
  [field: string]: unknown
}

/** One user of the stand-in: the settings body, plus what the API endpoints serve for them. */
export interface TraktStandInUser extends TraktStandInSettings {
  /** `GET /users/{id}/stats`. A zeroed body when left out. */
  stats?: Record<string, unknown>
  /** The watchlist, in Trakt's item shape. A few sample items when left out. */
  watchlist?: WatchlistItem[]
}

/** One item of `GET /users/{id}/watchlist/{movies|shows}`. */
export interface WatchlistItem {
  rank: number
  id: number
  listed_at: string
  notes: string | null
  type: "movie" | "show"
  movie?: MediaItem
  show?: MediaItem
}

export interface MediaItem {
  title: string
  year: number
  ids: { trakt: number; slug: string; imdb?: string; tmdb?: number; tvdb?: number }
}

/**
 * The stand-in's default user, `justin` (synthetic values, Trakt's documented
 * `/users/settings` shape), without `user.images`: the stand-in serves its
 * avatar. A fresh copy each call, to change and pass as `users`.
 * @example
 * ```ts
 * import { createTraktStandIn, defaultStandInUser } from "authjs-trakt/testing"
 *
 * const justin = defaultStandInUser()
 * const trakt = createTraktStandIn({ users: [{ ...justin, user: { ...justin.user, vip: false } }] })
 * ```
 */
export function defaultStandInUser(): TraktStandInUser {
  return {
    user: {
      username: "justin",
      private: false,
      name: "Justin Nemeth",
      vip: true,
      vip_ep: false,
      director: false,
      ids: { slug: "justin", trakt: 2, uuid: "2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10" },
      joined_at: "2010-09-25T17:49:25.000Z",
      location: "San Diego, CA",
      about: "Co-founder of trakt.",
      gender: "male",
      age: 32,
      vip_og: true,
      vip_years: 5,
      vip_cover_image: null,
      dob: null,
    },
    account: { timezone: "America/Los_Angeles", date_format: "mdy", time_24hr: false, cover_image: null, token: null },
    connections: Object.fromEntries(
      ["facebook", "twitter", "mastodon", "google", "tumblr", "medium", "slack", "apple", "dropbox", "microsoft"].map((k) => [k, false]),
    ),
    sharing_text: { watching: "I'm watching [item]", watched: "I just watched [item]", rated: "[item] [stars]" },
    limits: { list: { count: 1000, item_count: 100000 }, watchlist: { item_count: 100000 }, favorites: { item_count: 100 } },
    permissions: { commenting: true, liking: true, following: true },
  }
}

const SAMPLE_MOVIES: [string, number][] = [
  ["Blade Runner", 1982],
  ["Alien", 1979],
  ["Arrival", 2016],
  ["Heat", 1995],
  ["Paprika", 2006],
  ["Parasite", 2019],
  ["Ran", 1985],
  ["Stalker", 1979],
  ["Up", 2009],
  ["Vertigo", 1958],
  ["Zodiac", 2007],
  ["Brazil", 1985],
]
const SAMPLE_SHOWS: [string, number][] = [
  ["The Wire", 2002],
  ["Severance", 2022],
  ["Twin Peaks", 1990],
]

const slugOf = (title: string, year: number) => `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${year}`

/** Builds a watchlist item, as Trakt lists one. */
export function watchlistItem(type: "movie" | "show", media: MediaItem, rank: number, listedAt = new Date(0)): WatchlistItem {
  return { rank, id: rank, listed_at: listedAt.toISOString(), notes: null, type, [type]: media }
}

/**
 * A watchlist of `count` items, as Trakt lists them: the default user's is
 * twelve movies and three shows (more than one page at Trakt's default page
 * size of 10). A bigger `count` adds numbered movies, for a test of paging.
 * @example
 * ```ts
 * import { createTraktStandIn, sampleWatchlist } from "authjs-trakt/testing"
 *
 * const trakt = createTraktStandIn({ users: [{ user: { username: "ann", ids: { slug: "ann" } }, watchlist: sampleWatchlist(1000) }] })
 * ```
 */
export function sampleWatchlist(count = SAMPLE_MOVIES.length + SAMPLE_SHOWS.length): WatchlistItem[] {
  const listed = new Date("2026-01-01T00:00:00.000Z")
  const media = (type: "movie" | "show", [title, year]: [string, number], i: number) =>
    watchlistItem(type, { title, year, ids: { trakt: 1000 + i, slug: slugOf(title, year), tmdb: 5000 + i } }, i + 1, listed)
  const samples: ["movie" | "show", [string, number]][] = [
    ...SAMPLE_MOVIES.map((m) => ["movie", m] as ["movie", [string, number]]),
    ...SAMPLE_SHOWS.map((s) => ["show", s] as ["show", [string, number]]),
  ]
  return Array.from({ length: count }, (_, i) => {
    const [type, sample] = samples[i] ?? ["movie", [`Movie ${i + 1}`, 2000 + (i % 26)]]
    return media(type, sample, i)
  })
}

export function zeroStats(): Record<string, unknown> {
  const media = { plays: 0, watched: 0, minutes: 0, collected: 0, ratings: 0, comments: 0 }
  return {
    movies: media,
    shows: { watched: 0, collected: 0, ratings: 0, comments: 0 },
    seasons: { ratings: 0, comments: 0 },
    episodes: media,
    network: { friends: 0, followers: 0, following: 0 },
    ratings: { total: 0, distribution: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [String(i + 1), 0])) },
  }
}

/** The stand-in's own avatar URL for a user: served by `/images/users/{slug}/avatar.svg`. */
export const avatarPath = (slug: string) => `/images/users/${encodeURIComponent(slug)}/avatar.svg`

/** `/users/settings` as Trakt answers it for this user; `origin` is where the stand-in is reached. */
export function settingsBody(entry: TraktStandInUser, origin: string): Record<string, unknown> {
  const { stats: _stats, watchlist: _watchlist, ...settings } = entry
  const images =
    settings.user.images === undefined ? { avatar: { full: origin + avatarPath(settings.user.ids.slug) } } : settings.user.images
  return { ...settings, user: { ...settings.user, images } }
}

const BASIC = ["username", "private", "name", "vip", "vip_ep", "director"]
const FULL = ["joined_at", "location", "about", "gender", "age", "vip_og", "vip_years", "vip_cover_image"]

/**
 * `/users/me` (or `/users/{slug}`): the profile without `ids.uuid`, the extra
 * fields only with `extended=full`, and `images` only with `extended=images`.
 */
export function profileBody(entry: TraktStandInUser, origin: string, extended: string | null): Record<string, unknown> {
  const user = settingsBody(entry, origin).user as Record<string, any>
  const levels = new Set((extended ?? "").split(","))
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => k in user).map((k) => [k, user[k]]))
  return {
    ...pick(BASIC),
    ids: { slug: user.ids.slug, ...(user.ids.trakt !== undefined && { trakt: user.ids.trakt }) },
    ...(levels.has("full") && pick(FULL)),
    ...(levels.has("images") && { images: user.images ?? null }),
  }
}

/** The avatar: an SVG with the username's initial. */
export function avatarSvg(username: string): string {
  const initial = escapeHtml((username.trim()[0] ?? "?").toUpperCase())
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">' +
    '<rect width="128" height="128" rx="64" fill="#ed2224"/>' +
    `<text x="64" y="84" font-family="sans-serif" font-size="64" font-weight="700" fill="#fff" text-anchor="middle">${initial}</text></svg>`
  )
}
