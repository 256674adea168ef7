import { auth, signIn, signOut } from "@/auth"
import { TraktData } from "./trakt-data"

/** What a person is told when sign-in comes back with ?error=... (Auth.js's error types). */
function errorMessage(error: string): string {
  switch (error) {
    case "OAuthCallbackError":
    case "AccessDenied":
      return "Sign-in was cancelled at Trakt, or Trakt refused it. You can try again."
    case "Configuration":
      return "Sign-in with Trakt is not set up correctly on this server. The server log says why."
    default:
      return "Sign-in with Trakt did not work. Please try again."
  }
}

export default async function Home({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  // With database sessions, this is where an expired Trakt token is refreshed:
  // the new pair goes to the database, so no cookie needs rewriting.
  const session = await auth()
  const { error } = await searchParams

  return (
    <main>
      <h1>Trakt sign-in with next-auth v5 on PostgreSQL</h1>
      {error && !session && <p id="error">{errorMessage(error)}</p>}
      {session ? (
        <>
          <p>
            {/* user.image is app/api/avatar/route.ts: the app's copy of the Trakt avatar. */}
            {session.user?.image && <img id="avatar" src={session.user.image} alt="" width={64} height={64} />}
            Signed in as <b id="name">{session.user?.name}</b>.
          </p>
          {/* Set only when Trakt refused the refresh token; a refresh that failed for now sets nothing. */}
          {session.error ? (
            <p id="session-error">
              Your Trakt session could not be renewed ({session.error}): please sign in again.
            </p>
          ) : (
            session.user?.id && <TraktData userId={session.user.id} />
          )}
          <form
            action={async () => {
              "use server"
              await signOut({ redirectTo: "/" })
            }}
          >
            <button id="sign-out" type="submit">
              Sign out
            </button>
          </form>
        </>
      ) : (
        <form
          action={async () => {
            "use server"
            await signIn("trakt", { redirectTo: "/" })
          }}
        >
          <button id="sign-in" type="submit">
            Sign in with Trakt
          </button>
        </form>
      )}
    </main>
  )
}
