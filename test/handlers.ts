/**
 * msw puts the Trakt stand-in behind the exact URLs Trakt serves, per
 * environment: a request to any other URL (the API host for OAuth, say) is
 * unhandled, and unhandled requests fail the test (see setup.ts).
 */
import { http } from "msw"
import { FakeTrakt } from "./fake-trakt.js"

export const ORIGIN = "http://localhost:3000"
export const CALLBACK_URL = `${ORIGIN}/auth/callback/trakt`
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

/** A fresh stand-in per test, with one confidential and one PKCE-only app. */
export let trakt = newFakeTrakt()

export function newFakeTrakt(): FakeTrakt {
  return new FakeTrakt([
    { id: CLIENT_ID, secret: CLIENT_SECRET, name: "Test App", redirectUris: [CALLBACK_URL] },
    { id: PKCE_CLIENT_ID, name: "PKCE App", redirectUris: [CALLBACK_URL] },
  ])
}

export function resetTrakt(): FakeTrakt {
  trakt = newFakeTrakt()
  return trakt
}

const standIn = ({ request }: { request: Request }) => trakt.handle(request)

export const handlers = Object.values(environments).flatMap((env) => [
  http.get(env.authorize, standIn),
  http.post(env.authorize, standIn),
  http.post(env.token, standIn),
  http.post(env.revoke, standIn),
  http.get(`${env.api}/users/settings`, standIn),
])
