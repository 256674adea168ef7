import NextAuth from "next-auth"
import PostgresAdapter from "@auth/pg-adapter"
import Trakt, { traktDatabaseSessions } from "authjs-trakt"
import { accounts, pool, store } from "@/lib/database"

// Writes the tokens of every sign-in over the account, and refreshes an
// expired one in the session callback: once, however many requests (and
// instances sharing the store) meet it. Refreshes go where the provider
// signs in (the same TRAKT_BASE_URL), with the callback URL AUTH_URL gives.
const trakt = traktDatabaseSessions({ ...accounts, store, baseUrl: process.env.TRAKT_BASE_URL })

export const { handlers, auth, signIn, signOut } = NextAuth({
  adapter: PostgresAdapter(pool),
  session: { strategy: "database" },
  // AUTH_TRAKT_ID and AUTH_TRAKT_SECRET are read by Auth.js itself.
  // TRAKT_BASE_URL: empty for Trakt itself; Trakt's staging or a local stand-in otherwise.
  // No avatarUrl: the user row keeps Trakt's avatar URL, and the session points at our route.
  providers: [Trakt({ accountId: "uuid", baseUrl: process.env.TRAKT_BASE_URL })],
  // Sign-in errors (such as "Deny" at Trakt) come back to the home page as ?error=...
  pages: { signIn: "/", error: "/" },
  events: trakt.events,
  callbacks: {
    async session(params) {
      // Refreshes the token, and shows what Auth.js's own callback would: built
      // from its parts, as `params.session` also holds the session token.
      const session = await trakt.callbacks.session(params)
      const { user } = params // the row: its `image` is Trakt's URL
      return {
        ...session,
        // The id finds the Trakt account (lib/trakt.ts); the image is app/api/avatar/route.ts.
        user: { ...session.user, id: user.id, image: "/api/avatar" },
        avatar: user.image, // Trakt's URL, for the avatar route; never the tokens
      }
    },
  },
})
