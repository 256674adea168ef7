/** Talks to a Trakt stand-in's handler directly, as an app's HTTP client would. */
import { createHash, randomBytes } from "node:crypto"
import { createTraktStandIn, type TraktStandIn, type TraktStandInOptions } from "../../src/testing.js"

export const BASE = "http://trakt.test"
export const REDIRECT = "http://localhost:3000/api/auth/callback/trakt"
export const APP = { id: "app-id", secret: "app-secret-do-not-log", name: "My App", redirectUris: [REDIRECT] }
export const PKCE_APP = { id: "pkce-app-id", name: "PKCE App", redirectUris: [REDIRECT] }
export const UA = "my-app/1.0.0"

export const newStandIn = (options: TraktStandInOptions = {}) =>
  createTraktStandIn({ clients: [APP, PKCE_APP], approve: "auto", ...options })

export const verifier = () => randomBytes(32).toString("base64url")
export const challengeOf = (v: string) => createHash("sha256").update(v).digest("base64url")

/** The authorize step with automatic approval: the URL Trakt redirects the browser to. */
export async function authorize(trakt: TraktStandIn, params: Record<string, string> = {}): Promise<URL> {
  const query = new URLSearchParams({ response_type: "code", client_id: APP.id, redirect_uri: REDIRECT, state: "s1", ...params })
  const response = await trakt.handle(new Request(`${BASE}/oauth/authorize?${query}`))
  if (response.status !== 302) throw new Error(`authorize answered ${response.status}: ${await response.text()}`)
  return new URL(response.headers.get("location")!)
}

/** POSTs `body` as JSON (unless `init` says otherwise) to an OAuth endpoint. */
export function oauthPost(trakt: TraktStandIn, path: string, body: unknown, init: { headers?: Record<string, string>; raw?: string } = {}) {
  return trakt.handle(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": UA, ...init.headers },
      body: init.raw ?? JSON.stringify(body),
    }),
  )
}

/** Signs in with PKCE and a secret: the token response. */
export async function signIn(trakt: TraktStandIn) {
  const v = verifier()
  const code = (await authorize(trakt, { code_challenge: challengeOf(v), code_challenge_method: "S256" })).searchParams.get("code")!
  const response = await oauthPost(trakt, "/oauth/token", {
    code,
    client_id: APP.id,
    client_secret: APP.secret,
    redirect_uri: REDIRECT,
    grant_type: "authorization_code",
    code_verifier: v,
  })
  if (response.status !== 200) throw new Error(`token answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as { access_token: string; refresh_token: string; expires_in: number }
}

export const refreshBody = (refresh_token: string) => ({
  refresh_token,
  client_id: APP.id,
  client_secret: APP.secret,
  redirect_uri: REDIRECT,
  grant_type: "refresh_token",
})

/** An API call with every header Trakt needs, minus those `omit` names, plus `headers`. */
export function apiCall(
  trakt: TraktStandIn,
  path: string,
  {
    token,
    method = "GET",
    body,
    headers = {},
    omit = [],
  }: { token?: string; method?: string; body?: unknown; headers?: Record<string, string>; omit?: string[] } = {},
) {
  const all: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": UA,
    "trakt-api-key": APP.id,
    "trakt-api-version": "2",
    ...(token && { authorization: `Bearer ${token}` }),
    ...headers,
  }
  for (const name of omit) delete all[name]
  return trakt.handle(new Request(`${BASE}${path}`, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) }))
}
