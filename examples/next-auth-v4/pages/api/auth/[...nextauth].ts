import NextAuth, { type NextAuthOptions } from "next-auth"
import TraktProvider, { traktJwt, type TraktUser } from "authjs-trakt/next-auth-v4"

// Refreshes the Trakt token once it expires (with AUTH_TRAKT_ID and AUTH_TRAKT_SECRET),
// once however many requests meet it, where the user signed in.
const keepTraktTokenFresh = traktJwt()

export const authOptions: NextAuthOptions = {
  providers: [
    TraktProvider({
      // next-auth v4 reads no AUTH_TRAKT_* variables by itself: pass them.
      clientId: process.env.AUTH_TRAKT_ID,
      clientSecret: process.env.AUTH_TRAKT_SECRET,
      accountId: "uuid",
      // Empty for Trakt itself; Trakt's staging, or a local stand-in, otherwise.
      baseUrl: process.env.TRAKT_BASE_URL,
      // user.image is our own route, pages/api/avatar.ts (Trakt blocks hot-linked images).
      avatarUrl: "/api/avatar",
    }),
  ],
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
}

export default NextAuth(authOptions)

declare module "next-auth" {
  interface Session {
    /** The user's Trakt username. */
    username?: string
  }
}
