import { SvelteKitAuth } from "@auth/sveltekit"
import { env } from "$env/dynamic/private"
import Trakt, { traktJwt, type TraktUser } from "authjs-trakt"

// Refreshes the Trakt token once it expires, where the user signed in. SvelteKit keeps
// .env out of process.env, where traktJwt would look: hand it the credentials from $env.
const keepTraktTokenFresh = traktJwt({ clientId: env.AUTH_TRAKT_ID, clientSecret: env.AUTH_TRAKT_SECRET })

export const { handle, signIn, signOut } = SvelteKitAuth({
  // AUTH_SECRET, AUTH_TRAKT_ID and AUTH_TRAKT_SECRET are read by Auth.js itself.
  providers: [
    Trakt({
      // Link accounts by Trakt's stable ids.uuid, not by the username, which users can change.
      accountId: "uuid",
      // Empty or unset: real Trakt.
      baseUrl: env.TRAKT_BASE_URL,
      // user.image is our own route, src/routes/avatar/+server.ts (Trakt blocks hot-linked images).
      avatarUrl: "/avatar",
    }),
  ],
  // @auth/sveltekit sets `trustHost ??= dev`, which also makes Auth.js ignore
  // AUTH_TRUST_HOST: without this line, under `node build` every request that reaches
  // Auth.js (this page's session too) fails with UntrustedHost, whatever ORIGIN says.
  // Trusting the request's URL is safe here because adapter-node builds it from ORIGIN
  // (or PROTOCOL_HEADER / HOST_HEADER): set ORIGIN in production.
  trustHost: true,
  // Errors (a "Deny" at Trakt, say) come back to our own page as /?error=..., not to
  // Auth.js's built-in error page.
  pages: { signIn: "/", error: "/" },
  callbacks: {
    jwt({ token, account, profile }) {
      // At sign-in (only then), `profile` is the TraktUser the provider read from
      // Trakt's /users/settings; Auth.js types it as a generic OpenID profile.
      const trakt = profile as TraktUser | undefined
      if (trakt) token.username = trakt.username
      // With `profile`, traktJwt keeps the Trakt avatar URL as token.avatar.
      return keepTraktTokenFresh({ token, account, profile })
    },
    session({ session, token }) {
      session.error = token.error // "RefreshTokenError": sign in again
      if (typeof token.username === "string") session.username = token.username
      session.avatar = token.avatar // Trakt's URL, for the avatar route; never the tokens
      return session
    },
  },
})
