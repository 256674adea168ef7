import { findTraktError } from "authjs-trakt"
import { auth, signIn, signOut } from "@/auth"
import { traktFor } from "@/lib/trakt"

export default async function Home({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const session = await auth()
  if (!session?.user) {
    return (
      <form action={async () => { "use server"; await signIn("trakt", { redirectTo: "/" }) }}>
        {(await searchParams).error && <p id="error">Sign-in was cancelled at Trakt, or did not work. Try again.</p>}
        <button>Sign in with Trakt</button>
      </form>
    )
  }
  return (
    <main>
      {session.user.image && <img id="avatar" src={session.user.image} alt="" width={64} height={64} />}
      <p>Signed in as <b id="name">{session.user.name}</b></p>
      {session.error ? <p id="session-error">Trakt no longer accepts this sign-in: please sign in again.</p> : <Watchlist />}
      <form action={async () => { "use server"; await signOut({ redirectTo: "/" }) }}>
        <button>Sign out</button>
      </form>
    </main>
  )
}

type WatchlistItem = { movie: { title: string; year: number; ids: { trakt: number } } }

/** The first page of the user's movie watchlist, read on the server: the browser gets the HTML, never the token. */
async function Watchlist() {
  let watchlist: WatchlistItem[]
  try {
    const trakt = await traktFor()
    watchlist = await trakt.get<WatchlistItem[]>("/users/me/watchlist/movies", { query: { limit: 10 } })
  } catch (error) {
    console.error("Trakt call failed:", error) // a TraktError's message never holds a token
    const code = findTraktError(error)?.code
    // Trakt refused the token (revoked at Trakt, say): only a new sign-in helps.
    if (code === "invalid_grant" || code === "UNAUTHORIZED") return <p id="trakt-error">Trakt no longer accepts this sign-in: please sign in again.</p>
    // Down, slow, or over a rate limit: the session is fine, and a later visit shows the list.
    return <p id="trakt-error">Trakt is not answering right now: your watchlist will be back shortly.</p>
  }
  return <ol id="watchlist">{watchlist.map(({ movie }) => <li key={movie.ids.trakt}>{movie.title} ({movie.year})</li>)}</ol>
}
