"use client"
import { useRouter } from "next/navigation"
import { useState, useSyncExternalStore } from "react"
import { authClient } from "@/lib/auth-client"

// False in the server's HTML, true once React runs in the browser: a click
// before that would do nothing, so the buttons wait for it.
const useHydrated = () => useSyncExternalStore(noop, () => true, () => false)
const noop = () => () => {}

export function SignIn() {
  const hydrated = useHydrated()
  const [failure, setFailure] = useState("")
  return (
    <>
      <button
        id="sign-in"
        type="button"
        disabled={!hydrated}
        // To Trakt and back to the callback, /api/auth/callback/trakt, then here;
        // a failure there (a Deny at Trakt) comes back here too, as ?error=...
        onClick={async () => {
          setFailure("")
          const { error } = await authClient.signIn.social({ provider: "trakt", callbackURL: "/", errorCallbackURL: "/" })
          // Better Auth allows 3 sign-ins per 10 seconds from one address (in production).
          if (error?.status === 429) setFailure("Too many sign-in attempts: please wait a few seconds and try again.")
          else if (error) setFailure("Sign-in with Trakt could not start. Please try again; the server log says why.")
        }}
      >
        Sign in with Trakt
      </button>
      {failure && <p id="sign-in-error">{failure}</p>}
    </>
  )
}

export function SignOut() {
  const hydrated = useHydrated()
  const router = useRouter()
  return (
    <button
      id="sign-out"
      type="button"
      disabled={!hydrated}
      onClick={async () => {
        await authClient.signOut()
        // Renders the page again on the server, now signed out.
        router.refresh()
      }}
    >
      Sign out
    </button>
  )
}
