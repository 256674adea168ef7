/**
 * What `createTraktClient` costs, against an in-process API stand-in with
 * Trakt's headers, pagination and write limit:
 * - a `get` against a hand-written `fetch` sending the same headers
 *   (interleaved tinybench rounds; ratio of medians, target at most 1.05);
 * - `paginate` over 1,000 items: Trakt calls made must equal the pages;
 * - a burst of writes with one token at the stand-in's 1 per second: 429s seen must be 0.
 * Returns its lines (bench/report.ts writes them to bench/README.md);
 * `tsx --tsconfig tsconfig.run.json bench/client.ts` prints them alone.
 */
import { createTraktClient } from "authjs-trakt"
import { CLIENT_ID } from "../test/support/constants.js"
import { interleaved, median, pad, runAlone } from "./rounds.js"

const ROUNDS = 10
const GETS_PER_ROUND = 300
const ITEMS = 1_000
const PAGE_SIZE = 100
const WRITES = 4
const API = "https://api.trakt.tv"
const ACCESS_TOKEN = "a".repeat(64)
const USER_AGENT = "bench/1.0"
// Trakt's documented example of GET /users/me/stats.
const STATS = {
  movies: { plays: 155, watched: 114, minutes: 15650, collected: 933, ratings: 256, comments: 28 },
  shows: { watched: 16, collected: 7, ratings: 63, comments: 20 },
  seasons: { ratings: 6, comments: 1 },
  episodes: { plays: 552, watched: 534, minutes: 17330, collected: 117, ratings: 64, comments: 14 },
  network: { friends: 1, followers: 4, following: 11 },
  ratings: { total: 389, distribution: { 1: 18, 2: 1, 3: 4, 4: 1, 5: 10, 6: 9, 7: 37, 8: 37, 9: 57, 10: 215 } },
}
const WATCHLIST = Array.from({ length: ITEMS }, (_, i) => ({
  rank: i + 1,
  type: "movie",
  movie: { title: `Movie ${i}`, ids: { trakt: i } },
}))

/** The stand-in's counters. */
const seen = { calls: 0, pages: 0, writes: 0, tooFast: 0 }
let lastWrite = 0
/** Access tokens the stand-in issued, and until when they are valid (epoch ms). */
const validUntil = new Map([[ACCESS_TOKEN, Date.now() + 7 * 86400_000]])

/** Answers as Trakt's API does: the headers checked, lists paginated, writes limited to 1 per second. */
async function standIn(request: Request): Promise<Response> {
  seen.calls++
  const h = request.headers
  if (!h.get("user-agent")) return new Response("<html>blocked</html>", { status: 403 })
  if (h.get("trakt-api-key") !== CLIENT_ID || h.get("trakt-api-version") !== "2") return new Response(null, { status: 403 })
  const token = /^Bearer (.+)$/.exec(h.get("authorization") ?? "")?.[1]
  if (!token || !(validUntil.get(token)! > Date.now())) return new Response(null, { status: 401 })
  const url = new URL(request.url)
  if (request.method === "GET" && url.pathname === "/users/me/stats") return Response.json(STATS)
  if (request.method === "GET" && url.pathname === "/users/me/watchlist/movies") {
    seen.pages++
    const page = Number(url.searchParams.get("page") ?? 1)
    const limit = Number(url.searchParams.get("limit") ?? 10)
    return Response.json(WATCHLIST.slice((page - 1) * limit, page * limit), {
      headers: {
        "x-pagination-page": `${page}`,
        "x-pagination-limit": `${limit}`,
        "x-pagination-page-count": `${Math.ceil(ITEMS / limit)}`,
        "x-pagination-item-count": `${ITEMS}`,
      },
    })
  }
  if (request.method === "POST" && url.pathname === "/sync/history") {
    seen.writes++
    const now = Date.now()
    const tooFast = now - lastWrite < 1_000
    lastWrite = now
    if (tooFast) {
      seen.tooFast++
      return new Response(null, { status: 429, headers: { "retry-after": "1" } })
    }
    return Response.json({ added: { movies: 1 } }, { status: 201 })
  }
  return Response.json({ error: "not found" }, { status: 404 })
}

const fetchStandIn: typeof fetch = async (input, init) => standIn(new Request(input, init))

export async function clientBench(): Promise<string[]> {
  const token = { access_token: ACCESS_TOKEN, refresh_token: "r".repeat(64), expires_at: Math.floor(Date.now() / 1000) + 7 * 86400 }
  const options = {
    clientId: CLIENT_ID,
    userAgent: USER_AGENT,
    fetch: fetchStandIn,
    onError: (error: Error) => {
      throw error
    },
  }
  const trakt = createTraktClient({ ...options, token })
  const headers = {
    "trakt-api-key": CLIENT_ID,
    "trakt-api-version": "2",
    authorization: `Bearer ${ACCESS_TOKEN}`,
    "user-agent": USER_AGENT,
    "content-type": "application/json",
  }
  const contenders = {
    "client get": () => trakt.get<typeof STATS>("/users/me/stats"),
    "hand-written fetch": async () => {
      const response = await fetchStandIn(`${API}/users/me/stats`, { headers })
      if (!response.ok) throw new Error(`${response.status}`)
      return (await response.json()) as typeof STATS
    },
    // The same with the timeout the client has: what a careful hand-written call sends.
    "hand-written fetch + timeout": async () => {
      const response = await fetchStandIn(`${API}/users/me/stats`, { headers, signal: AbortSignal.timeout(10_000), redirect: "manual" })
      if (!response.ok) throw new Error(`${response.status}`)
      return (await response.json()) as typeof STATS
    },
  }
  type Name = keyof typeof contenders
  const names = Object.keys(contenders) as Name[]
  const samples = await interleaved(names, { rounds: ROUNDS, iterations: GETS_PER_ROUND }, async (name) => {
    if ((await contenders[name]()).movies.watched !== 114) throw new Error(`${name}: wrong answer`)
  })
  const lines = [`API client: GET /users/me/stats on an in-process stand-in, ${ROUNDS} interleaved rounds:`]
  for (const name of names) lines.push(`  ${pad(name)} median ${median(samples[name]).toFixed(3)} ms over ${samples[name].length} calls`)
  for (const against of ["hand-written fetch", "hand-written fetch + timeout"] as const) {
    const ratio = median(samples["client get"]) / median(samples[against])
    lines.push(`  ${pad(`ratio to ${against}`)} ${ratio.toFixed(3)} (target ≤ 1.05)`)
  }

  seen.pages = 0
  let items = 0
  const started = performance.now()
  for await (const item of trakt.paginate<(typeof WATCHLIST)[number]>("/users/me/watchlist/movies", { limit: PAGE_SIZE }))
    if (item.rank === ++items) continue
  const pages = Math.ceil(ITEMS / PAGE_SIZE)
  if (items !== ITEMS) throw new Error(`paginate yielded ${items} items, not ${ITEMS}`)
  lines.push(`API client: paginate over ${ITEMS} items, ${PAGE_SIZE} a page:`)
  lines.push(`  ${pad("Trakt calls")} ${seen.pages} for ${pages} pages (${(performance.now() - started).toFixed(1)} ms)`)

  seen.writes = seen.tooFast = 0
  const burst = performance.now()
  // Each from a client of its own, as requests of a server would make them.
  await Promise.all(Array.from({ length: WRITES }, () => createTraktClient({ ...options, token }).post("/sync/history", { movies: [] })))
  lines.push(`API client: a burst of ${WRITES} writes with one token, the stand-in allowing 1 a second:`)
  lines.push(`  ${pad("429s seen")} ${seen.tooFast} of ${seen.writes} writes (${((performance.now() - burst) / 1000).toFixed(1)} s: paced)`)
  return lines
}

await runAlone(import.meta.url, clientBench)
