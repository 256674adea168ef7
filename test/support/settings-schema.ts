/**
 * fast-check arbitraries for `GET /users/settings` bodies, written field by
 * field from Trakt's own zod schema: `settingsResponseSchema` in
 * github.com/trakt/trakt-api, projects/api/src/contracts/users/schema/response/
 * settingsResponseSchema.ts (master 586224b, zod 3). Each field has the schema's
 * type; `.nullish()` fields may be absent or null; plain `z.string()` allows
 * any string, the empty one included, which is what the parser must survive.
 *
 * `driftedSettingsBody` then breaks the schema on purpose (required fields left
 * out or of another type), as a server that drifts from its schema would.
 */
import fc from "fast-check"

/** Marks a `.nullish()` field: its key may be left out, its value may be null. */
class Nullish {
  constructor(readonly arbitrary: fc.Arbitrary<unknown>) {}
}
const nullish = (arbitrary: fc.Arbitrary<unknown>) => new Nullish(fc.option(arbitrary, { nil: null }))

/** `z.object(shape)`: required keys always present, nullish ones optional. */
function object(shape: Record<string, fc.Arbitrary<unknown> | Nullish>): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {}
  const requiredKeys: string[] = []
  for (const [key, field] of Object.entries(shape)) {
    if (field instanceof Nullish) model[key] = field.arbitrary
    else ((model[key] = field), requiredKeys.push(key))
  }
  return fc.record(model, { requiredKeys }) as fc.Arbitrary<Record<string, unknown>>
}

/** `z.string()`: any string, printable or not, empty included. */
const string = fc.oneof(fc.string(), fc.string({ unit: "binary", maxLength: 30 }))
/** `z.number().int()`: zod 3 checks `Number.isInteger` only, so huge ones pass too. */
const int = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, -1, 2 ** 53, 1e21))
const boolean = fc.boolean()
/** `z.string().datetime()` (zod 3 defaults): UTC `Z`, seconds, any sub-second precision. */
const datetime = fc
  .tuple(
    fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-12-31T23:59:59Z"), noInvalidDate: true }),
    fc.constantFrom("", ".000", ".1", ".123456"),
  )
  .map(([date, fraction]) => `${date.toISOString().slice(0, 19)}${fraction}Z`)
const enumOf = (...values: string[]) => fc.constantFrom(...values)
const sortDirection = enumOf("asc", "desc")
const genre = enumOf(
  ...(
    "action adventure animation biography children comedy crime documentary drama family fantasy game-show history " +
    "home-and-garden holiday horror mini-series music musical mystery news none reality romance science-fiction short " +
    "soap special-interest sporting-event suspense talk-show thriller war western anime superhero donghua"
  ).split(" "),
)
const upNextSortBy = enumOf(
  ...(
    "activity added completed episodes time plays released premiered title popularity runtime total-runtime " +
    "recently-aired random most-completed least-completed most-time least-time most-plays least-plays most-episodes " +
    "least-episodes oldest-activity previously-aired"
  ).split(" "),
)

/**
 * An image URL as `z.string()` allows it: mostly what Trakt sends (https, or
 * scheme-less `//host/...`), and what it must not hand to an `<img>`.
 */
export const imageUrl = fc.oneof(
  { weight: 4, arbitrary: fc.webUrl({ validSchemes: ["https"], withQueryParameters: true }) },
  { weight: 2, arbitrary: fc.webUrl({ validSchemes: ["https"] }).map((url) => url.slice("https:".length)) },
  { weight: 2, arbitrary: fc.webUrl({ validSchemes: ["http"] }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "https://a b/c.jpg",
      "https:///walter.trakt.tv/a.jpg",
      "https:\\\\walter.trakt.tv\\a.jpg",
      " https://walter.trakt.tv/a.jpg",
      "https://",
      "//",
      "/images/users/a.jpg",
      "javascript:alert(1)",
      "data:image/png;base64,AAAA",
      "ftp://walter.trakt.tv/a.jpg",
      "",
    ),
  },
  { weight: 1, arbitrary: string },
)

/** `ids.slug` and `ids.uuid`: `z.string()`, so empty ones conform too. */
const slug = fc.oneof(
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,24}$/) },
  { weight: 1, arbitrary: string },
)
const uuid = fc.oneof(
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 4, arbitrary: fc.stringMatching(/^[0-9a-f]{32}$/) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: string },
)

/** `settingsResponseSchema.shape.user`, every field. */
export const settingsUser = object({
  username: fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/) }, { weight: 1, arbitrary: string }),
  private: boolean,
  name: nullish(string),
  vip: boolean,
  vip_ep: boolean,
  director: boolean,
  ids: object({ slug, trakt: nullish(int), uuid }),
  joined_at: datetime,
  location: nullish(string),
  about: nullish(string),
  gender: nullish(string),
  age: nullish(int),
  images: object({ avatar: object({ full: imageUrl }) }),
  vip_og: boolean,
  vip_years: int,
  vip_cover_image: nullish(imageUrl),
  dob: nullish(string),
})

const progressList = (include: "include_watched" | "include_collected") =>
  object({
    refresh: boolean,
    simple_progress: boolean,
    include_specials: boolean,
    include_watchlisted: boolean,
    [include]: boolean,
    sort: nullish(string),
    sort_how: sortDirection,
    use_last_activity: boolean,
    grid_view: boolean,
  })

/** `browsing`: only with `?extended=browsing`, which the provider does not ask for, but a body may carry it. */
const browsing = object({
  watch_popup_action: nullish(enumOf("now", "ask", "released", "unknown")),
  hide_watching_now: boolean,
  list_popup_action: nullish(string),
  week_start_day: nullish(string),
  watch_after_rating: nullish(string),
  watch_only_once: boolean,
  show_rating_prompt: nullish(boolean),
  locale: nullish(string),
  other_site_ratings: boolean,
  release_date_ignore_runtime: boolean,
  display_early_ratings: boolean,
  hide_episode_type_tags: boolean,
  hide_unsaved_filters_prompt: boolean,
  spoilers: object(Object.fromEntries("episodes shows movies comments ratings actors".split(" ").map((k) => [k, nullish(string)]))),
  calendar: object({
    period: nullish(string),
    start_day: nullish(string),
    layout: nullish(string),
    image_type: nullish(string),
    hide_specials: boolean,
    autoscroll: boolean,
  }),
  progress: object({
    on_deck: object({
      sort: nullish(upNextSortBy),
      sort_how: sortDirection,
      refresh: boolean,
      simple_progress: boolean,
      only_favorites: boolean,
    }),
    watched: progressList("include_collected"),
    collected: nullish(progressList("include_watched")),
  }),
  watchnow: object({ country: nullish(string), favorites: fc.array(string, { maxLength: 3 }), only_favorites: boolean }),
  dark_knight: nullish(string),
  app_theme: nullish(string),
  welcome: object({ completed_at: nullish(datetime), exit_step: fc.constant(null) }),
  genres: object({ favorites: nullish(fc.array(genre, { maxLength: 3 })), disliked: nullish(fc.array(genre, { maxLength: 3 })) }),
  comments: object({ blocked_uids: fc.array(int, { maxLength: 3 }) }),
  recommendations: object({ ignore_collected: boolean, ignore_watchlisted: boolean }),
  rewatching: object({ adjust_percentage: boolean }),
  profile: object({
    favorites: object({ sort_by: string, sort_how: sortDirection }),
    most_watched_shows: object({ sort_by: string, tab: string }),
    most_watched_movies: object({ sort_by: string, tab: string }),
  }),
  search: nullish(
    object({
      image_type: nullish(string),
      recent_queries: fc.array(object({ query: string, type: string, created_at: int }), { maxLength: 2 }),
    }),
  ),
})

/** A whole `GET /users/settings` body that `settingsResponseSchema` accepts, as it arrives (through JSON). */
export const settingsBody = object({
  user: settingsUser,
  permissions: object({ commenting: boolean, liking: boolean, following: boolean }),
  browsing: nullish(browsing),
  account: object({
    timezone: string,
    date_format: string,
    time_24hr: boolean,
    cover_image: nullish(imageUrl),
    token: nullish(string),
    display_ads: nullish(boolean),
  }),
  connections: nullish(
    object(
      Object.fromEntries(
        "facebook twitter mastodon google tumblr medium slack apple dropbox microsoft".split(" ").map((k) => [k, nullish(boolean)]),
      ),
    ),
  ),
  sharing_text: nullish(object({ watching: string, watched: string, rated: nullish(string) })),
  limits: nullish(
    object({
      list: object({ count: int, item_count: int }),
      watchlist: object({ item_count: int }),
      favorites: object({ item_count: int }),
    }),
  ),
}).map((body) => JSON.parse(JSON.stringify(body)) as SettingsBody)

/** The shape of {@link settingsBody}'s values, as far as the tests read them. */
export interface SettingsBody {
  user: Record<string, any> & { ids: { slug: string; uuid: string; trakt?: number | null } }
  [field: string]: unknown
}

const KEEP = Symbol("keep")
const DROP = Symbol("drop")
/** The `user` fields the schema requires, which a drifting server may still leave out or mistype. */
const REQUIRED_USER_FIELDS = "username private vip vip_ep director ids joined_at images vip_og vip_years".split(" ")

/**
 * A schema body with some of its required `user` fields (and `ids` / avatar
 * fields) left out or replaced by any JSON value: what the "never crash,
 * normalise or INVALID_RESPONSE" promise must hold for beyond the schema.
 */
export const driftedSettingsBody = fc
  .tuple(
    settingsBody,
    fc.record(
      Object.fromEntries(
        [...REQUIRED_USER_FIELDS, "ids.slug", "ids.uuid", "ids.trakt", "images.avatar"].map((key) => [
          key,
          fc.oneof(
            { weight: 6, arbitrary: fc.constant(KEEP) },
            { weight: 1, arbitrary: fc.constant(DROP) },
            { weight: 1, arbitrary: fc.jsonValue() },
          ),
        ]),
      ),
    ),
  )
  .map(([body, changes]) => {
    const user = body.user
    for (const [path, change] of Object.entries(changes)) {
      if (change === KEEP) continue
      const [head, tail] = path.split(".") as [string, string | undefined]
      const target: Record<string, unknown> | undefined = tail
        ? typeof user[head] === "object" && user[head] !== null
          ? user[head]
          : undefined
        : user
      const key = tail ?? head
      if (!target) continue
      if (change === DROP) delete target[key]
      else target[key] = change
    }
    return JSON.parse(JSON.stringify(body)) as SettingsBody
  })
