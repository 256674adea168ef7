import { headers } from "next/headers"
import { findTraktError, traktClient } from "authjs-trakt/better-auth"
import { auth } from "@/lib/auth"

/** The parts of Trakt's answers this page shows. */
type Stats = { movies: { watched: number }; episodes: { watched: number } }
type WatchlistItem = { rank: number; movie: { title: string; year: number; ids: { trakt: number } } }

/**
 * The user's Trakt stats and the first page of their movie watchlist, read on
 * the server: the browser gets this HTML, never the token. An expired token is
 * refreshed on the way (once, however many requests meet it) and the new pair
 * is written to the user's account row.
 */
export async function TraktData() {
  let stats: Stats, watchlist: WatchlistItem[]
  try {
    const trakt = await traktClient(auth, { headers: await headers() })
    ;[stats, watchlist] = await Promise.all([
      trakt.get<Stats>("/users/me/stats"),
      trakt.get<WatchlistItem[]>("/users/me/watchlist/movies", { query: { page: 1, limit: 10 } }),
    ])
  } catch (error) {
    console.error("Trakt call failed:", error) // a TraktError's message never holds a token
    const code = findTraktError(error)?.code
    // Trakt refused the refresh token (revoked at Trakt, say): only a new sign-in helps.
    if (code === "invalid_grant" || code === "UNAUTHORIZED") {
      return <p id="session-error">Trakt no longer accepts this sign-in: please sign in again.</p>
    }
    // Down, slow, or over a rate limit (or the database): the session is fine, and a later visit will show it.
    return <p id="trakt-error">Trakt is not answering right now: your stats and watchlist will be back shortly.</p>
  }
  return (
    <section id="trakt">
      <p id="stats">
        <b id="movies-watched">{stats.movies.watched}</b> movies and <b id="episodes-watched">{stats.episodes.watched}</b>{" "}
        episodes watched.
      </p>
      <h2>On your watchlist</h2>
      {watchlist.length ? (
        <ol id="watchlist">
          {watchlist.map((item) => (
            <li key={item.movie.ids.trakt}>
              {item.movie.title} ({item.movie.year})
            </li>
          ))}
        </ol>
      ) : (
        <p id="watchlist">No movies on your watchlist yet.</p>
      )}
    </section>
  )
}
