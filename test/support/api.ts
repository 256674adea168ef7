/**
 * The API behind Trakt's checks, for tests of createTraktClient: endpoints
 * answered here (User-Agent, app key, API version, a valid bearer token, as
 * Trakt checks them), every call recorded, a signed-in user's tokens from the
 * stand-in, and a client that records what it reported and rotated.
 */
import { http, HttpResponse } from "msw"
import { expect } from "vitest"
import { createTraktClient, TraktError, type TraktClientOptions, type TraktTokenSet } from "../../src/index.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, CLOUDFLARE_BLOCK_PAGE, environments, trakt } from "./handlers.js"

/** The stand-in under its own name, where a test names its client `trakt`. */
export const standIn = trakt

export const API = environments.production.api
export const USER_AGENT = "client-test/1.0"

export interface Call {
  method: string
  url: URL
  headers: Record<string, string>
  body: string
  at: number
}

/** Every API call the handlers below received, oldest first (emptied by each test that counts them). */
export const calls: Call[] = []
export const callsTo = (path: string) => calls.filter((call) => call.url.pathname === path)
export const refreshes = () => trakt.requests("/oauth/token").filter((r) => r.body?.grant_type === "refresh_token")

export type Answer = (request: Request, call: Call) => Response | Promise<Response>

/** An API endpoint behind Trakt's checks: User-Agent, app key, API version, a valid bearer token. */
export function api(method: "get" | "post" | "put" | "delete", path: string, answer: Answer) {
  return http[method](`${API}${path}`, async ({ request }) => {
    const call = {
      method: request.method,
      url: new URL(request.url),
      headers: Object.fromEntries(request.headers),
      body: await request.clone().text(),
      at: Date.now(),
    }
    calls.push(call)
    const h = request.headers
    if (!h.get("user-agent")) return new HttpResponse(CLOUDFLARE_BLOCK_PAGE, { status: 403, headers: { "content-type": "text/html" } })
    if (h.get("trakt-api-key") !== CLIENT_ID) return new HttpResponse(null, { status: 403 })
    if (h.get("trakt-api-version") !== "2" || h.get("content-type") !== "application/json") return new HttpResponse(null, { status: 412 })
    const token = /^Bearer (.+)$/.exec(h.get("authorization") ?? "")?.[1]
    if (!token || !trakt.isValid(token)) return new HttpResponse(null, { status: 401 })
    return answer(request, call)
  })
}

export const STATS = { movies: { plays: 12, watched: 10 }, shows: { watched: 3 } }
export const stats = () => api("get", "/users/me/stats", () => HttpResponse.json(STATS))

/** A user signed in `expiresIn` seconds before their token expires (by their JWT: Trakt may think otherwise). */
export function signedIn(expiresIn = 7 * 86400, validAtTrakt = expiresIn) {
  const { access_token, refresh_token } = trakt.issueTokens({ client: CLIENT_ID, expiresIn: validAtTrakt })
  return { access_token, refresh_token, expires_at: Math.floor(Date.now() / 1000) + expiresIn, redirect_uri: CALLBACK_URL }
}

export function client(token: TraktClientOptions["token"], options: Partial<TraktClientOptions> = {}) {
  const errors: TraktError[] = []
  const rotated: TraktTokenSet[] = []
  const trakt = createTraktClient({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    userAgent: USER_AGENT,
    onError: (error) => errors.push(error),
    onTokens: (tokens) => void rotated.push(tokens),
    token,
    ...options,
  })
  return Object.assign(trakt, { errors, rotated })
}

export const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("resolved"),
    (error: unknown) => {
      expect(error).toBeInstanceOf(TraktError)
      return error as TraktError
    },
  )
