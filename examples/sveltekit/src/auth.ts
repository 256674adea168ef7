import { SvelteKitAuth } from "@auth/sveltekit"
import { env } from "$env/dynamic/private"
import Trakt, { type TraktUser } from "authjs-trakt"

export const { handle, signIn, signOut } = SvelteKitAuth({
  // AUTH_SECRET, AUTH_TRAKT_ID and AUTH_TRAKT_SECRET are read by Auth.js itself.
  providers: [
    Trakt({
      // Link accounts by Trakt's stable ids.uuid, not by the username, which users can change.
      accountId: "uuid",
      // Empty or unset: real Trakt.
      baseUrl: env.TRAKT_BASE_URL,
    }),
  ],
  // @auth/sveltekit sets `trustHost ??= dev` and ignores AUTH_TRUST_HOST: without this,
  // every request to /auth/* fails with UntrustedHost under `node build`. adapter-node
  // builds the request's URL from ORIGIN (or PROTOCOL_HEADER / HOST_HEADER), so set ORIGIN.
  trustHost: true,
  // Errors (a "Deny" at Trakt, say) come back to our own page as /?error=..., not to
  // Auth.js's built-in error page.
  pages: { signIn: "/", error: "/" },
  callbacks: {
    jwt({ token, profile }) {
      // At sign-in (only then), `profile` is the TraktUser the provider read from
      // Trakt's /users/settings; Auth.js types it as a generic OpenID profile.
      const trakt = profile as TraktUser | undefined
      if (trakt) token.username = trakt.username
      return token
    },
    session({ session, token }) {
      if (typeof token.username === "string") session.username = token.username
      return session
    },
  },
})
