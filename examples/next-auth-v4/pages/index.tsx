import type { GetServerSideProps } from "next"
import Head from "next/head"
import { getServerSession } from "next-auth/next"
import { signIn, signOut } from "next-auth/react"
import { authOptions } from "./api/auth/[...nextauth]"

interface Props {
  /** The signed-in user, or null. (Props must be JSON: no `undefined`.) */
  user: { name: string | null; username: string | null; error: string | null } | null
  /** next-auth's error code when sign-in came back with ?error=... */
  error: string | null
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res, query }) => {
  // Runs the jwt callback, so an expired Trakt token is refreshed here, and the
  // new session cookie goes out with this page.
  const session = await getServerSession(req, res, authOptions)
  const user = session && {
    name: session.user?.name ?? null,
    username: session.username ?? null,
    error: session.error ?? null,
  }
  return { props: { user, error: typeof query.error === "string" ? query.error : null } }
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

export default function Home({ user, error }: Props) {
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
            Signed in as <b id="name">{user.name}</b> (<span id="username">{user.username}</span> on Trakt).
          </p>
          {user.error && (
            <p id="session-error">Your Trakt session could not be renewed ({user.error}): please sign in again.</p>
          )}
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
