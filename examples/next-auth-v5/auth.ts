import NextAuth from "next-auth"
import Trakt, { traktJwt } from "authjs-trakt"

export const { handlers, auth, signIn, signOut } = NextAuth({
  // Auth.js reads AUTH_TRAKT_ID and AUTH_TRAKT_SECRET itself. TRAKT_BASE_URL: unset for Trakt,
  // a local stand-in otherwise. user.image is our avatar route (Trakt blocks hot-linked images).
  providers: [Trakt({ accountId: "uuid", baseUrl: process.env.TRAKT_BASE_URL, avatarUrl: "/api/avatar" })],
  // Sign-in errors (such as "Deny" at Trakt) come back to the home page as ?error=...
  pages: { signIn: "/", error: "/" },
  callbacks: {
    // Keeps Trakt's tokens in the encrypted cookie, and refreshes them once, however many
    // requests (and bundles: proxy and pages) meet them expired.
    jwt: traktJwt(),
    session({ session, token }) {
      session.error = token.error // "RefreshTokenError": sign in again
      session.avatar = token.avatar // Trakt's URL, for the avatar route; never the tokens
      return session
    },
  },
})
