import type { GetServerSideProps } from "next"
import Head from "next/head"
import { getServerSession } from "next-auth/next"
import { signIn, signOut } from "next-auth/react"
import { findTraktError } from "authjs-trakt/next-auth-v4"
import { traktFor } from "../lib/trakt"
import { authOptions } from "./api/auth/[...nextauth]"

/** What the page shows of the user's Trakt account; `error` when Trakt could not be read. */
type TraktData =
  | { movies: number; episodes: number; watchlist: { id: number; title: string; year: number }[] }
  | { error: "sign-in" | "unavailable" }

interface Props {
  /** The signed-in user, or null. (Props must be JSON: no `undefined`.) */
  user: { name: string | null; username: string | null; image: string | null; error: string | null } | null
  /** From the user's Trakt account, or null (signed out, or the session says "sign in again"). */
  trakt: TraktData | null
  /** next-auth's error code when sign-in came back with ?error=... */
  error: string | null
}

/** The parts of Trakt's answers the page shows. */
type Stats = { movies: { watched: number }; episodes: { watched: number } }
type WatchlistItem = { rank: number; movie: { title: string; year: number; ids: { trakt: number } } }

/** The user's Trakt stats and the first page of their movie watchlist, read on the server. */
async function readTrakt(req: Parameters<typeof traktFor>[0]): Promise<TraktData> {
  try {
    const trakt = await traktFor(req)
    const [stats, watchlist] = await Promise.all([
      trakt.get<Stats>("/users/me/stats"),
      trakt.get<WatchlistItem[]>("/users/me/watchlist/movies", { query: { page: 1, limit: 10 } }),
    ])
    return {
      movies: stats.movies.watched,
      episodes: stats.episodes.watched,
      watchlist: watchlist.map(({ movie }) => ({ id: movie.ids.trakt, title: movie.title, year: movie.year })),
    }
  } catch (error) {
    console.error("Trakt call failed:", error) // a TraktError's message never holds a token
    const code = findTraktError(error)?.code
    // Trakt refused the token (revoked at Trakt, say): only a new sign-in helps. Otherwise
    // Trakt is down, slow, or over a rate limit: the session is fine, a later visit shows it.
    return { error: code === "invalid_grant" || code === "UNAUTHORIZED" ? "sign-in" : "unavailable" }
  }
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res, query }) => {
  // Runs the jwt callback, so an expired Trakt token is refreshed here, and the
  // new session cookie goes out with this page.
  const session = await getServerSession(req, res, authOptions)
  const user = session && {
    name: session.user?.name ?? null,
    username: session.username ?? null,
    image: session.user?.image ?? null, // pages/api/avatar.ts
    error: session.error ?? null,
  }
  // Props are sent to the browser: the data, never the token (traktFor reads it from the cookie).
  const trakt = session && !session.error ? await readTrakt(req) : null
  return { props: { user, trakt, error: typeof query.error === "string" ? query.error : null } }
}

/** What a person is told when sign-in comes back with ?error=... (next-auth v4's error codes). */
function errorMessage(error: string): string {
  switch (error) {
    case "Callback":
    case "OAuthCallback":
    case "AccessDenied":
      return "Sign-in was cancelled at Trakt, or Trakt refused it. You can try again."
    case "OAuthSignin":
    case "Configuration":
      return "Sign-in with Trakt is not set up correctly on this server. The server log says why."
    default:
      return "Sign-in with Trakt did not work. Please try again."
  }
}

/** The user's stats and watchlist, or why they are missing. */
function FromTrakt({ trakt }: { trakt: TraktData }) {
  if ("error" in trakt) {
    return (
      <p id="trakt-error">
        {trakt.error === "sign-in"
          ? "Trakt no longer accepts this sign-in: please sign in again."
          : "Trakt is not answering right now: your stats and watchlist will be back shortly."}
      </p>
    )
  }
  return (
    <section id="trakt">
      <p id="stats">
        <b id="movies-watched">{trakt.movies}</b> movies and <b id="episodes-watched">{trakt.episodes}</b> episodes watched.
      </p>
      <h2>On your watchlist</h2>
      {trakt.watchlist.length ? (
        <ol id="watchlist">
          {trakt.watchlist.map((movie) => (
            <li key={movie.id}>
              {movie.title} ({movie.year})
            </li>
          ))}
        </ol>
      ) : (
        <p id="watchlist">No movies on your watchlist yet.</p>
      )}
    </section>
  )
}

export default function Home({ user, trakt, error }: Props) {
  return (
    <main>
      <Head>
        <title>Sign in with Trakt: next-auth v4 example</title>
      </Head>
      <h1>Trakt sign-in with next-auth v4</h1>
      {error && !user && <p id="error">{errorMessage(error)}</p>}
      {user ? (
        <>
          <p>
            {/* user.image is pages/api/avatar.ts: the app's copy of the Trakt avatar. */}
            {user.image && <img id="avatar" src={user.image} alt="" width={64} height={64} />}
            Signed in as <b id="name">{user.name}</b> (<span id="username">{user.username}</span> on Trakt).
          </p>
          {/* Set only when Trakt refused the refresh token; a refresh that failed for now sets nothing. */}
          {user.error && (
            <p id="session-error">Your Trakt session could not be renewed ({user.error}): please sign in again.</p>
          )}
          {trakt && <FromTrakt trakt={trakt} />}
          <button id="sign-out" type="button" onClick={() => signOut({ callbackUrl: "/" })}>
            Sign out
          </button>
        </>
      ) : (
        <button id="sign-in" type="button" onClick={() => signIn("trakt", { callbackUrl: "/" })}>
          Sign in with Trakt
        </button>
      )}
    </main>
  )
}
