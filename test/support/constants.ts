/** The app and the Trakt environments the tests (and the packed-package check) use. */

export const ORIGIN = "http://localhost:3000"
export const CALLBACK_URL = `${ORIGIN}/auth/callback/trakt`
/** Better Auth's callback: its base path is `/api/auth`. */
export const BETTER_AUTH_CALLBACK_URL = `${ORIGIN}/api/auth/callback/trakt`
export const CLIENT_ID = "test-client-id"
export const CLIENT_SECRET = "test-client-secret-do-not-log"
/** A PKCE-only app: Trakt no longer issues secrets to some new apps. */
export const PKCE_CLIENT_ID = "pkce-only-client-id"

export const environments = {
  production: {
    authorize: "https://auth.trakt.tv/oauth/authorize",
    token: "https://auth.trakt.tv/oauth/token",
    revoke: "https://auth.trakt.tv/oauth/revoke",
    api: "https://api.trakt.tv",
  },
  staging: {
    authorize: "https://staging.trakt.tv/oauth/authorize",
    token: "https://api-staging.trakt.tv/oauth/token",
    revoke: "https://api-staging.trakt.tv/oauth/revoke",
    api: "https://api-staging.trakt.tv",
  },
  loopback: {
    authorize: "http://127.0.0.1:4010/oauth/authorize",
    token: "http://127.0.0.1:4010/oauth/token",
    revoke: "http://127.0.0.1:4010/oauth/revoke",
    api: "http://127.0.0.1:4010",
  },
} as const

export type Environment = keyof typeof environments
