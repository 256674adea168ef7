import NextAuth from "next-auth"
import Trakt, { traktJwt, type TraktUser } from "authjs-trakt"

// Refreshes the Trakt token once it expires: once, however many requests (and
// bundles: proxy and pages) meet it, where the user signed in.
const keepTraktTokenFresh = traktJwt()

export const { handlers, auth, signIn, signOut } = NextAuth({
  // AUTH_TRAKT_ID and AUTH_TRAKT_SECRET are read by Auth.js itself.
  // TRAKT_BASE_URL: empty for Trakt itself; Trakt's staging or a local stand-in otherwise.
  // avatarUrl: user.image is our own route, app/api/avatar/route.ts (Trakt blocks hot-linked images).
  providers: [Trakt({ accountId: "uuid", baseUrl: process.env.TRAKT_BASE_URL, avatarUrl: "/api/avatar" })],
  // Sign-in errors (such as "Deny" at Trakt) come back to the home page as ?error=...
  pages: { signIn: "/", error: "/" },
  callbacks: {
    async jwt({ token, account, profile }) {
      // At sign-in, `profile` is Trakt's user, a TraktUser: keep its username
      // (traktJwt keeps its avatar URL as token.avatar).
      if (profile) token.username = (profile as TraktUser).username
      return keepTraktTokenFresh({ token, account, profile })
    },
    session({ session, token }) {
      session.error = token.error // "RefreshTokenError": sign in again
      session.username = typeof token.username === "string" ? token.username : undefined
      session.avatar = token.avatar // Trakt's URL, for the avatar route; never the tokens
      return session
    },
  },
})

declare module "next-auth" {
  interface Session {
    /** The user's Trakt username. */
    username?: string
  }
}
