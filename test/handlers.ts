/**
 * msw puts the Trakt stand-in behind the exact URLs Trakt serves, per
 * environment: a request to any other URL (the API host for OAuth, say) is
 * unhandled, and unhandled requests fail the test (see setup.ts).
 */
import { http } from "msw"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, environments, PKCE_CLIENT_ID } from "./constants.js"
import { FakeTrakt } from "../fake-trakt/trakt.js"

export * from "./constants.js"

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
