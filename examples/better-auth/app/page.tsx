import { headers } from "next/headers"
import { auth } from "@/lib/auth"
import { SignIn, SignOut } from "./buttons"
import { TraktData } from "./trakt-data"

/**
 * What a person is told when sign-in comes back with ?error=...: Better Auth's
 * code, and, when Trakt failed, the plugin's TraktError code as error_description.
 */
function errorMessage(error: string, traktCode?: string): string {
  if (error === "access_denied") return "Sign-in was cancelled at Trakt. You can try again."
  if (/^(SERVER_ERROR|TIMEOUT|NETWORK_ERROR|CLOUDFLARE_BLOCKED|RATE_LIMITED)$/.test(traktCode ?? "")) {
    return "Trakt is not answering right now: please try signing in again shortly."
  }
  return "Sign-in with Trakt did not work. Please try again."
}

export default async function Home({ searchParams }: { searchParams: Promise<{ error?: string; error_description?: string }> }) {
  const session = await auth.api.getSession({ headers: await headers() })
  const { error, error_description } = await searchParams

  return (
    <main>
      <h1>Trakt sign-in with Better Auth</h1>
      {error && !session && <p id="error">{errorMessage(error, error_description)}</p>}
      {session ? (
        <>
          <p>
            {/* user.image is the plugin's avatar route: the app's copy of the Trakt avatar. */}
            {session.user.image && <img id="avatar" src={session.user.image} alt="" width={64} height={64} />}
            Signed in as <b id="name">{session.user.name}</b>.
          </p>
          <TraktData />
          <SignOut />
        </>
      ) : (
        <SignIn />
      )}
    </main>
  )
}
