import { env } from "$env/dynamic/private"
import { findTraktError } from "authjs-trakt"
import { traktFor } from "$lib/server/trakt"
import { signIn, signOut } from "../auth"
import type { Actions, PageServerLoad } from "./$types"

/** The parts of Trakt's answers the page shows. */
type Stats = { movies: { watched: number }; episodes: { watched: number } }
type WatchlistItem = { rank: number; movie: { title: string; year: number; ids: { trakt: number } } }

// The user's Trakt stats and the first page of their movie watchlist, read on the server.
// What `load` returns is serialised into the page: the data, never the token.
export const load: PageServerLoad = async (event) => {
  const { session } = await event.parent()
  // Signed out, or Trakt refused the refresh token (the page says "sign in again").
  if (!session || session.error) return { trakt: null }
  try {
    const trakt = await traktFor(event, env)
    const [stats, watchlist] = await Promise.all([
      trakt.get<Stats>("/users/me/stats"),
      trakt.get<WatchlistItem[]>("/users/me/watchlist/movies", { query: { page: 1, limit: 10 } }),
    ])
    return {
      trakt: {
        movies: stats.movies.watched,
        episodes: stats.episodes.watched,
        watchlist: watchlist.map(({ movie }) => ({ id: movie.ids.trakt, title: movie.title, year: movie.year })),
      },
    }
  } catch (error) {
    console.error("Trakt call failed:", error) // a TraktError's message never holds a token
    const code = findTraktError(error)?.code
    // Trakt refused the token (revoked at Trakt, say): only a new sign-in helps. Otherwise
    // Trakt is down, slow, or over a rate limit: the session is fine, a later visit shows it.
    return { trakt: { error: code === "invalid_grant" || code === "UNAUTHORIZED" ? ("sign-in" as const) : ("unavailable" as const) } }
  }
}

// The page's two forms post here: `?/signin` (with providerId=trakt) and `?/signout`.
export const actions = { signin: signIn, signout: signOut } satisfies Actions
