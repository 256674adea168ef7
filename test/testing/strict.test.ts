/** The stand-in refuses what Trakt refuses, and answers as Trakt does. */
import { describe, expect, test, vi } from "vitest"
import { CLOUDFLARE_BLOCK_PAGE } from "../../src/testing.js"
import {
  APP,
  apiCall,
  authorize,
  BASE,
  challengeOf,
  newStandIn,
  oauthPost,
  PKCE_APP,
  REDIRECT,
  refreshBody,
  signIn,
  verifier,
} from "./helpers.js"

const exchange = (code: string, extra: Record<string, string> = {}) => ({
  code,
  client_id: APP.id,
  client_secret: APP.secret,
  redirect_uri: REDIRECT,
  grant_type: "authorization_code",
  ...extra,
})

describe("the token endpoint", () => {
  test("a form-encoded body gets Trakt's 400 client_id is required", async () => {
    const trakt = newStandIn()
    const code = (await authorize(trakt)).searchParams.get("code")!
    const response = await oauthPost(trakt, "/oauth/token", undefined, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      raw: new URLSearchParams(exchange(code)).toString(),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: "invalid_request", error_description: "client_id is required" })
  })

  test("HTTP Basic client authentication is refused, even with the credentials in the body too", async () => {
    const trakt = newStandIn()
    const code = (await authorize(trakt)).searchParams.get("code")!
    const basic = `Basic ${btoa(`${APP.id}:${APP.secret}`)}`
    const response = await oauthPost(trakt, "/oauth/token", exchange(code), { headers: { authorization: basic } })
    expect(response.status).toBe(401)
    expect((await response.json()).error).toBe("invalid_client")
  })

  test("a wrong client secret is invalid_client", async () => {
    const trakt = newStandIn()
    const code = (await authorize(trakt)).searchParams.get("code")!
    const response = await oauthPost(trakt, "/oauth/token", exchange(code, { client_secret: "guess" }))
    expect(response.status).toBe(401)
    expect((await response.json()).error).toBe("invalid_client")
  })

  test("a code is single-use", async () => {
    const trakt = newStandIn()
    const code = (await authorize(trakt)).searchParams.get("code")!
    expect((await oauthPost(trakt, "/oauth/token", exchange(code))).status).toBe(200)
    const again = await oauthPost(trakt, "/oauth/token", exchange(code))
    expect(again.status).toBe(400)
    expect((await again.json()).error).toBe("invalid_grant")
  })

  test("the redirect_uri of the exchange must be the authorize request's, exactly", async () => {
    const trakt = newStandIn({ clients: [{ ...APP, redirectUris: [REDIRECT, `${REDIRECT}2`] }] })
    const code = (await authorize(trakt)).searchParams.get("code")!
    const response = await oauthPost(trakt, "/oauth/token", exchange(code, { redirect_uri: `${REDIRECT}2` }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe("invalid_grant")
  })

  test("PKCE: the verifier must match the S256 challenge", async () => {
    const trakt = newStandIn()
    const v = verifier()
    const code = (await authorize(trakt, { code_challenge: challengeOf(v), code_challenge_method: "S256" })).searchParams.get("code")!
    const wrong = await oauthPost(trakt, "/oauth/token", exchange(code, { code_verifier: verifier() }))
    expect(wrong.status).toBe(400)
    expect((await wrong.json()).error).toBe("invalid_grant")
  })

  test("a PKCE-only app signs in with no secret, and cannot without PKCE", async () => {
    const trakt = newStandIn()
    const v = verifier()
    const withPkce = await authorize(trakt, { client_id: PKCE_APP.id, code_challenge: challengeOf(v), code_challenge_method: "S256" })
    const ok = await oauthPost(trakt, "/oauth/token", {
      code: withPkce.searchParams.get("code"),
      client_id: PKCE_APP.id,
      redirect_uri: REDIRECT,
      grant_type: "authorization_code",
      code_verifier: v,
    })
    expect(ok.status).toBe(200)
    const without = await authorize(trakt, { client_id: PKCE_APP.id })
    const refused = await oauthPost(trakt, "/oauth/token", {
      code: without.searchParams.get("code"),
      client_id: PKCE_APP.id,
      redirect_uri: REDIRECT,
      grant_type: "authorization_code",
    })
    expect(refused.status).toBe(400)
    expect((await refused.json()).error).toBe("invalid_request")
  })

  test("the response has Trakt's fields, and the access token works at the API", async () => {
    const trakt = newStandIn({ tokenLifetime: 3600 })
    const tokens = await signIn(trakt)
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      token_type: "bearer",
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      scope: "public",
      created_at: expect.any(Number),
    })
    expect((await apiCall(trakt, "/users/settings", { token: tokens.access_token })).status).toBe(200)
  })

  test("a refresh token is single-use, kills the old pair, and needs the registered redirect_uri", async () => {
    const trakt = newStandIn()
    const first = await signIn(trakt)
    const wrongUri = await oauthPost(trakt, "/oauth/token", {
      ...refreshBody(first.refresh_token),
      redirect_uri: "http://localhost:3000/other",
    })
    expect(wrongUri.status).toBe(400)
    const fresh = await oauthPost(trakt, "/oauth/token", refreshBody(first.refresh_token))
    expect(fresh.status).toBe(200)
    const spent = await oauthPost(trakt, "/oauth/token", refreshBody(first.refresh_token))
    expect(spent.status).toBe(400)
    expect(await spent.json()).toMatchObject({ error: "invalid_grant" })
    expect((await apiCall(trakt, "/users/settings", { token: first.access_token })).status).toBe(401)
    expect((await apiCall(trakt, "/users/settings", { token: ((await fresh.json()) as any).access_token })).status).toBe(200)
  })

  test("an unknown grant type is unsupported_grant_type", async () => {
    const response = await oauthPost(newStandIn(), "/oauth/token", { client_id: APP.id, client_secret: APP.secret, grant_type: "password" })
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe("unsupported_grant_type")
  })
})

describe("the authorize endpoint", () => {
  test("a redirect_uri that differs in case is refused with a page, never a redirect", async () => {
    const trakt = newStandIn()
    const query = new URLSearchParams({ response_type: "code", client_id: APP.id, redirect_uri: REDIRECT.replace("callback", "Callback") })
    const response = await trakt.handle(new Request(`${BASE}/oauth/authorize?${query}`))
    expect(response.status).toBe(400)
    expect(response.headers.get("location")).toBeNull()
    expect(response.headers.get("content-type")).toMatch(/^text\/html/)
  })

  test("only S256 PKCE: plain goes back to the app as invalid_request", async () => {
    const back = await authorize(newStandIn(), { code_challenge: "abc", code_challenge_method: "plain" })
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: "invalid_request", state: "s1" })
  })

  test('approve: "deny" sends access_denied back with the state', async () => {
    const back = await authorize(newStandIn({ approve: "deny" }))
    expect(back.origin + back.pathname).toBe(REDIRECT)
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: "access_denied", state: "s1" })
  })

  test('approve: "page" shows Approve and Deny, and the POSTed decision redirects', async () => {
    const trakt = newStandIn({ approve: "page" })
    const url = `${BASE}/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: APP.id, redirect_uri: REDIRECT, state: "s2" })}`
    const page = await trakt.handle(new Request(url))
    const text = await page.text()
    expect(page.status).toBe(200)
    expect(text).toContain('value="approve"')
    expect(text).toContain('value="deny"')
    expect(text).toContain("My App")
    const decide = (decision: string) =>
      trakt.handle(
        new Request(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: `decision=${decision}`,
        }),
      )
    const approved = new URL((await decide("approve")).headers.get("location")!)
    expect(approved.searchParams.get("code")).toMatch(/^[0-9a-f]{32}$/)
    expect(approved.searchParams.get("state")).toBe("s2")
    expect(new URL((await decide("deny")).headers.get("location")!).searchParams.get("error")).toBe("access_denied")
  })
})

describe("the API", () => {
  test("without a User-Agent, Cloudflare's HTML 403", async () => {
    const trakt = newStandIn()
    const { access_token } = await signIn(trakt)
    const response = await apiCall(trakt, "/users/settings", { token: access_token, omit: ["user-agent"] })
    expect(response.status).toBe(403)
    expect(response.headers.get("content-type")).toMatch(/^text\/html/)
    expect(await response.text()).toBe(CLOUDFLARE_BLOCK_PAGE)
  })

  test("without a registered trakt-api-key, 403; without trakt-api-version 2, 400", async () => {
    const trakt = newStandIn()
    const { access_token } = await signIn(trakt)
    expect((await apiCall(trakt, "/users/settings", { token: access_token, omit: ["trakt-api-key"] })).status).toBe(403)
    expect((await apiCall(trakt, "/users/settings", { token: access_token, headers: { "trakt-api-key": "someone-else" } })).status).toBe(
      403,
    )
    expect((await apiCall(trakt, "/users/settings", { token: access_token, omit: ["trakt-api-version"] })).status).toBe(400)
    expect((await apiCall(trakt, "/users/settings", { token: access_token, headers: { "trakt-api-version": "3" } })).status).toBe(400)
  })

  test("an expired, revoked or missing token gets 401", async () => {
    const trakt = newStandIn({ tokenLifetime: 1 })
    const { access_token } = await signIn(trakt)
    expect((await apiCall(trakt, "/users/settings")).status).toBe(401)
    expect((await apiCall(trakt, "/users/settings", { token: "made-up" })).status).toBe(401)
    vi.useFakeTimers({ now: Date.now() + 1001, toFake: ["Date"] })
    try {
      expect((await apiCall(trakt, "/users/settings", { token: access_token })).status).toBe(401)
    } finally {
      vi.useRealTimers()
    }
    const revoked = await signIn(trakt)
    expect(
      (await oauthPost(trakt, "/oauth/revoke", { token: revoked.access_token, client_id: APP.id, client_secret: APP.secret })).status,
    ).toBe(200)
    expect((await apiCall(trakt, "/users/settings", { token: revoked.access_token })).status).toBe(401)
    expect((await oauthPost(trakt, "/oauth/token", refreshBody(revoked.refresh_token))).status).toBe(400)
  })

  test("revoke takes JSON with the credentials, like the token endpoint", async () => {
    const trakt = newStandIn()
    const { access_token } = await signIn(trakt)
    const basic = await oauthPost(
      trakt,
      "/oauth/revoke",
      { token: access_token },
      { headers: { authorization: `Basic ${btoa(`${APP.id}:${APP.secret}`)}` } },
    )
    expect(basic.status).toBe(401)
    const form = await oauthPost(trakt, "/oauth/revoke", undefined, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      raw: `token=${access_token}&client_id=${APP.id}`,
    })
    expect(form.status).toBe(400)
    expect(trakt.isValid(access_token)).toBe(true)
  })

  test("a write needs a JSON content type (412 otherwise) and a token", async () => {
    const trakt = newStandIn()
    const { access_token } = await signIn(trakt)
    const body = { movies: [{ ids: { trakt: 1 } }] }
    expect((await apiCall(trakt, "/sync/watchlist", { method: "POST", body })).status).toBe(401)
    const text = await apiCall(trakt, "/sync/watchlist", {
      method: "POST",
      body,
      token: access_token,
      headers: { "content-type": "text/plain" },
    })
    expect(text.status).toBe(412)
  })

  test("a token works only with the app it was issued to", async () => {
    const trakt = newStandIn()
    const { access_token } = await signIn(trakt)
    expect((await apiCall(trakt, "/users/settings", { token: access_token, headers: { "trakt-api-key": PKCE_APP.id } })).status).toBe(401)
  })

  test("legacy mode lets @auth/core's built-in provider's HTTP Basic, form body and missing User-Agent through", async () => {
    const trakt = newStandIn({ legacy: true })
    const code = (await authorize(trakt)).searchParams.get("code")!
    const response = await oauthPost(trakt, "/oauth/token", undefined, {
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${btoa(`${APP.id}:${APP.secret}`)}` },
      raw: new URLSearchParams({ code, redirect_uri: REDIRECT, grant_type: "authorization_code" }).toString(),
    })
    expect(response.status).toBe(200)
    const { access_token } = (await response.json()) as { access_token: string }
    expect((await apiCall(trakt, "/users/me", { token: access_token, omit: ["user-agent"] })).status).toBe(200)
  })
})
