/**
 * The API endpoints: `/users/settings`, `/users/{id}`, its stats and watchlist,
 * and the watchlist writes, with the headers every Trakt API call needs
 * (`User-Agent`, `trakt-api-key`, `trakt-api-version: 2`, `Authorization: Bearer`).
 */
import { findUser, type Context } from "./context.js"
import { cloudflareBlock, json } from "./responses.js"
import { profileBody, settingsBody, watchlistItem, zeroStats, type MediaItem, type TraktStandInUser, type WatchlistItem } from "./users.js"

interface Caller {
  /** The signed-in user's slug, when the call carried a live token. */
  user?: string
}

const unauthorized = () =>
  json({ error: "invalid_token", error_description: "The access token provided is invalid, expired or revoked." }, 401)

/**
 * Checks the headers of an API call. A refusal, or who is calling: `needsToken`
 * calls without a live token get 401, as do calls whose token another app holds.
 */
function caller(context: Context, request: Request, needsToken: boolean): Caller | Response {
  const h = request.headers
  // Cloudflare, in front of Trakt, blocks requests without a User-Agent with an HTML page.
  if (!context.legacy && !h.get("user-agent")) return cloudflareBlock()
  const apiKey = h.get("trakt-api-key") ?? ""
  if (!context.clients.has(apiKey)) return json({ error: "forbidden", error_description: "Invalid API key or unapproved app." }, 403)
  if (h.get("trakt-api-version") !== "2") return json({ error: "bad_request", error_description: "trakt-api-version must be 2." }, 400)
  const bearer = /^Bearer (.+)$/i.exec(h.get("authorization") ?? "")?.[1]
  if (!bearer) return needsToken ? unauthorized() : {}
  const pair = context.tokens.access(bearer)
  if (!pair || pair.clientId !== apiKey) return unauthorized()
  return { user: pair.user }
}

/** Counts an authenticated call against the user's limit: a 429 when over it. */
function limited(context: Context, request: Request, who: Caller): Response | undefined {
  if (!who.user) return undefined
  return context.limiter.take(who.user, request.method === "GET" ? "get" : "write")
}

/** `/users/me` or `/users/{slug}`: who is asked about, or a refusal (private users answer only themselves). */
function subject(context: Context, id: string, who: Caller): TraktStandInUser | Response {
  if (id === "me") return who.user ? context.users.get(who.user)! : unauthorized()
  const entry = findUser(context, decodeURIComponent(id))
  if (!entry) return json({ error: "not_found", error_description: "User not found." }, 404)
  if (entry.user.private && who.user !== entry.user.ids.slug) return unauthorized()
  return entry
}

const positive = (value: string | null, fallback: number) => {
  const n = Number(value)
  return Number.isInteger(n) && n > 0 ? n : fallback
}

/** One page of `items`, with Trakt's `X-Pagination-*` headers. */
function paginated(url: URL, items: unknown[]): Response {
  const page = positive(url.searchParams.get("page"), 1)
  const limit = positive(url.searchParams.get("limit"), 10)
  const pageCount = Math.max(1, Math.ceil(items.length / limit))
  return json(items.slice((page - 1) * limit, page * limit), 200, {
    "x-pagination-page": String(page),
    "x-pagination-limit": String(limit),
    "x-pagination-page-count": String(pageCount),
    "x-pagination-item-count": String(items.length),
  })
}

const TYPE = { movies: "movie", shows: "show" } as const

/** One of the avatar hosts the contract lists; behind msw, the stand-in answers for it. */
const IMAGE_ORIGIN = "https://walter-r2.trakt.tv"

/** Answers an API path, or undefined when no API endpoint has it. */
export function api(context: Context, request: Request, url: URL, parsed: unknown): Response | undefined {
  const path = url.pathname
  const settings = /\/users\/settings$/.test(path)
  const users = /\/users\/([^/]+)(?:\/(stats|watchlist)(?:\/(movies|shows))?)?$/.exec(path)
  const sync = /\/sync\/watchlist(\/remove)?$/.exec(path)
  if (!settings && !users && !sync) return undefined

  const who = caller(context, request, settings || !!sync)
  if (who instanceof Response) return who
  const over = limited(context, request, who)
  if (over) return over

  if (sync) {
    if (request.method !== "POST") return json({ error: "method_not_allowed" }, 405)
    if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
      return json({ error: "precondition_failed", error_description: "Use application/json content type." }, 412)
    }
    return writeWatchlist(context.users.get(who.user!)!, parsed, !!sync[1])
  }
  if (request.method !== "GET") return json({ error: "method_not_allowed" }, 405)
  // Trakt's API hosts hand out avatars on its image host; a stand-in elsewhere serves them itself.
  const origin = /^api(-staging)?\.trakt\.tv$/.test(url.hostname) ? IMAGE_ORIGIN : url.origin
  if (settings) return json(settingsBody(context.users.get(who.user!)!, origin))
  const [, id, part, type] = users!
  const entry = subject(context, id!, who)
  if (entry instanceof Response) return entry
  if (part === "stats") return json(entry.stats ?? zeroStats())
  if (part === "watchlist") {
    const items = [...(entry.watchlist ??= [])].sort((a, b) => a.rank - b.rank)
    return paginated(url, type ? items.filter((item) => item.type === TYPE[type as keyof typeof TYPE]) : items)
  }
  let extended = url.searchParams.get("extended")
  // Before July 2026, extended=full carried the images too; @auth/core's built-in provider reads them.
  if (context.legacy && extended?.split(",").includes("full")) extended += ",images"
  return json(profileBody(entry, origin, extended))
}

type Ids = Partial<MediaItem["ids"]>

const sameMedia = (a: Ids, b: Ids) => (["trakt", "slug", "imdb", "tmdb", "tvdb"] as const).some((k) => a[k] !== undefined && a[k] === b[k])

/** POST `/sync/watchlist` (adds) and `/sync/watchlist/remove`, answered as Trakt does. */
function writeWatchlist(entry: TraktStandInUser, body: unknown, remove: boolean): Response {
  const list = (entry.watchlist ??= [])
  const counts = { movies: 0, shows: 0 }
  const existing = { movies: 0, shows: 0 }
  const notFound: Record<string, unknown[]> = { movies: [], shows: [], seasons: [], episodes: [] }
  const request = (body && typeof body === "object" ? body : {}) as Record<string, unknown>
  for (const key of ["movies", "shows"] as const) {
    const items = Array.isArray(request[key]) ? (request[key] as any[]) : []
    for (const item of items) {
      const ids: Ids | undefined = item && typeof item.ids === "object" ? item.ids : undefined
      if (!ids || !Object.values(ids).some((v) => v !== undefined && v !== null && v !== "")) {
        notFound[key]!.push(item)
        continue
      }
      const type = TYPE[key]
      const at = list.findIndex((listed) => listed.type === type && sameMedia(listed[type]!.ids, ids))
      if (remove) {
        if (at === -1) notFound[key]!.push(item)
        else (list.splice(at, 1), counts[key]++)
      } else if (at !== -1) existing[key]++
      else {
        const rank = list.reduce((max, listed) => Math.max(max, listed.rank), 0) + 1
        const trakt = typeof ids.trakt === "number" ? ids.trakt : 100000 + rank
        const media: MediaItem = {
          title: typeof item.title === "string" ? item.title : `${type} ${trakt}`,
          year: typeof item.year === "number" ? item.year : 2000,
          ids: { trakt, slug: ids.slug ?? `${type}-${trakt}`, ...ids } as MediaItem["ids"],
        }
        list.push(watchlistItem(type, media, rank, new Date()) as WatchlistItem)
        counts[key]++
      }
    }
  }
  const listInfo = { updated_at: new Date().toISOString(), item_count: list.length }
  return remove
    ? json({ deleted: counts, not_found: notFound, list: listInfo })
    : json({ added: counts, existing, not_found: notFound, list: listInfo }, 201)
}
