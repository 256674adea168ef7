import { betterAuth } from "better-auth"
import { nextCookies } from "better-auth/next-js"
import { trakt } from "authjs-trakt/better-auth"
import { Pool } from "pg"

// BETTER_AUTH_SECRET and BETTER_AUTH_URL are read by Better Auth itself;
// AUTH_TRAKT_ID and AUTH_TRAKT_SECRET by the Trakt plugin.
export const auth = betterAuth({
  // The timeouts bound what a database that stops answering costs a request.
  database: new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000, query_timeout: 5000 }),
  plugins: [
    // TRAKT_BASE_URL: empty for Trakt itself; Trakt's staging or a local stand-in otherwise.
    trakt({ baseUrl: process.env.TRAKT_BASE_URL }),
    // Last, as Better Auth asks: a server component's getSession then leaves renewing
    // the session to requests that can set its cookie, and server actions can set cookies.
    nextCookies(),
  ],
  // A sign-in that fails before Better Auth knows where it started (a stale or
  // forged state) comes back to the home page as ?error=..., as the others do;
  // without this, Better Auth shows its own page in development and sends
  // production to /?error= by a detour.
  onAPIError: { errorURL: "/" },
})
