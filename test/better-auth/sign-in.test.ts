/**
 * Sign-in with Trakt through Better Auth's real handler (`authjs-trakt/better-auth`),
 * as a browser meets it: what Trakt is sent (the same contract the Auth.js
 * entries are held to), the user and account Better Auth keeps, and where every
 * failure lands: Better Auth's error page with a code, never a 500.
 */
import fc from "fast-check"
import { http, HttpResponse } from "msw"
import { describe, expect, test } from "vitest"
import { BetterAuthBrowser, betterAuthApp } from "../support/better-auth.js"
import { decideAtTrakt } from "../support/browsing.js"
import {
  BETTER_AUTH_CALLBACK_URL,
  CLIENT_ID,
  CLIENT_SECRET,
  CLOUDFLARE_BLOCK_PAGE,
  environments,
  ORIGIN,
  PKCE_CLIENT_ID,
  replaceSettings,
  settingsFixture,
  trakt,
  type Environment,
} from "../support/handlers.js"
import { settingsBody } from "../support/settings-schema.js"
import { server } from "../support/setup.js"

const UUID = settingsFixture.user.ids.uuid
const baseUrls: Record<Environment, string | undefined> = {
  production: undefined,
  staging: environments.staging.api,
  loopback: environments.loopback.api,
}
const tokenRequests = () => trakt.requests("/oauth/token")

describe.each(Object.keys(environments) as Environment[])("sign-in on %s", (env) => {
  const urls = environments[env]

  test("Trakt gets state, S256 PKCE, scope public and Better Auth's callback; the code goes back as JSON; a session starts", async () => {
    const app = betterAuthApp({ baseUrl: baseUrls[env] })
    const browser = new BetterAuthBrowser(app)
    const { authorize, callback, location } = await browser.signIn()

    expect(`${authorize.origin}${authorize.pathname}`).toBe(urls.authorize)
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: BETTER_AUTH_CALLBACK_URL,
      state: expect.stringMatching(/^\S{32,}$/),
      scope: "public",
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: "S256",
    })

    const [exchange] = tokenRequests()
    expect(exchange!.url).toBe(urls.token)
    expect(exchange!.headers["content-type"]).toBe("application/json")
    expect(exchange!.headers.authorization).toBeUndefined() // never HTTP Basic
    expect(exchange!.headers["user-agent"]).toMatch(/^authjs-trakt\/\d+\.\d+\.\d+/)
    expect(exchange!.body).toEqual({
      grant_type: "authorization_code",
      code: expect.any(String),
      code_verifier: expect.any(String), // masked by the stand-in; its S256 check passed
      redirect_uri: BETTER_AUTH_CALLBACK_URL,
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
    })
    const [profile] = trakt.requests("/users/settings")
    expect(profile!.url).toBe(`${urls.api}/users/settings`)
    expect(profile!.headers).toMatchObject({
      "trakt-api-key": CLIENT_ID,
      "trakt-api-version": "2",
      authorization: expect.stringMatching(/^Bearer /),
    })
    // The floor: one token exchange and one profile request per sign-in.
    expect(trakt.requests().filter((r) => !r.url.includes("/oauth/authorize"))).toHaveLength(2)

    expect(callback.status).toBe(302)
    expect(location).toBe("/dashboard")
    expect([...browser.cookies.keys()]).toEqual(["better-auth.session_token"])
    expect(app.errors).toEqual([])
  })
})

describe("the user and the account Better Auth keeps", () => {
  test("a placeholder e-mail that is never mailed, the name, the avatar route, and the account keyed by Trakt's uuid", async () => {
    const app = betterAuthApp()
    const browser = new BetterAuthBrowser(app)
    await browser.signIn()

    const { user } = (await browser.session())!
    expect(user).toMatchObject({
      name: "Justin Nemeth",
      email: `${UUID}@trakt.placeholder.invalid`,
      emailVerified: false,
      image: "/api/auth/trakt/avatar",
    })
    const [account] = app.rows.account
    expect(account).toMatchObject({ providerId: "trakt", accountId: UUID, userId: user.id, scope: "public" })
    expect(trakt.isValid(account!.accessToken)).toBe(true)
    expect(trakt.canRefresh(account!.refreshToken)).toBe(true)
    // Trakt's expiry, brought forward by clockSkew - 5 s: Better Auth refreshes within 5 s of it.
    const left = (account!.accessTokenExpiresAt.getTime() - Date.now()) / 1000
    expect(left).toBeGreaterThan(7 * 86_400 - 55 - 5)
    expect(left).toBeLessThanOrEqual(7 * 86_400 - 55)
    expect(account!.traktAvatar).toBe(settingsFixture.user.images.avatar.full)
  })

  test("one Trakt user twice is one user and one account with new tokens; two Trakt users are two users", async () => {
    const app = betterAuthApp()
    await new BetterAuthBrowser(app).signIn()
    const first = { ...app.rows.account[0]! }
    expect((await new BetterAuthBrowser(app).signIn()).location).toBe("/dashboard")
    expect(app.rows.user).toHaveLength(1)
    expect(app.rows.account).toHaveLength(1)
    expect(app.rows.account[0]!.accessToken).not.toBe(first.accessToken)
    expect(app.rows.account[0]!.refreshToken).not.toBe(first.refreshToken)

    trakt.signInAs("ann")
    expect((await new BetterAuthBrowser(app).signIn()).location).toBe("/dashboard")
    expect(app.rows.user.map((u) => u.email).sort()).toEqual(
      [`${UUID}@trakt.placeholder.invalid`, "a0a0a0a0b1b1c2c2d3d3e4e4e4e4e4e4@trakt.placeholder.invalid"].sort(),
    )
    expect(app.rows.account).toHaveLength(2)
  })

  test('accountId "slug": the account is keyed by the slug, and so is the placeholder', async () => {
    const app = betterAuthApp({ accountId: "slug" })
    await new BetterAuthBrowser(app).signIn()
    expect(app.rows.account[0]).toMatchObject({ accountId: "justin" })
    expect(app.rows.user[0]).toMatchObject({ email: "justin@trakt.placeholder.invalid" })
  })

  test("a placeholder is the Trakt user's own: an e-mail sign-up cannot take it and lock them out", async () => {
    const app = betterAuthApp({}, { emailAndPassword: { enabled: true } })
    const squatter = new BetterAuthBrowser(app)
    const signUp = await squatter.request("/api/auth/sign-up/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `${UUID}@trakt.placeholder.invalid`, password: "a-long-password-1", name: "Not Justin" }),
    })
    expect(signUp.status).toBeGreaterThanOrEqual(400)
    expect(app.rows.user).toEqual([])
    expect((await new BetterAuthBrowser(app).signIn()).location).toBe("/dashboard")
    expect(app.rows.user).toMatchObject([{ name: "Justin Nemeth" }])
  })

  test("a PKCE-only app sends no client_secret", async () => {
    const app = betterAuthApp({ clientId: PKCE_CLIENT_ID, clientSecret: undefined })
    expect((await new BetterAuthBrowser(app).signIn()).location).toBe("/dashboard")
    expect(tokenRequests()[0]!.body).not.toHaveProperty("client_secret")
    expect(tokenRequests()[0]!.body).toMatchObject({ client_id: PKCE_CLIENT_ID, code_verifier: expect.any(String) })
  })

  test("disableSignUp: no new user signs up with Trakt (signup_disabled)", async () => {
    const app = betterAuthApp({ disableSignUp: true })
    const { location } = await new BetterAuthBrowser(app).signIn()
    expect(new URL(location!, ORIGIN).searchParams.get("error")).toBe("signup_disabled")
    expect(app.rows.user).toEqual([])
  })
})

describe("a sign-in that fails lands on Better Auth's error page, with Trakt's code as the description", () => {
  /** Where the callback sent the browser: Better Auth's code, and Trakt's. */
  const landing = (location: string | null) => {
    const url = new URL(location!, ORIGIN)
    return { page: url.pathname, error: url.searchParams.get("error"), description: url.searchParams.get("error_description") }
  }

  test("Deny at Trakt: access_denied, and no token request", async () => {
    const { callback, location } = await new BetterAuthBrowser(betterAuthApp()).signIn("deny")
    expect(callback.status).toBe(302)
    expect(landing(location)).toMatchObject({ page: "/api/auth/error", error: "access_denied" })
    expect(tokenRequests()).toEqual([])
  })

  test("a forged state: state_mismatch, no token request, no session", async () => {
    const app = betterAuthApp()
    const browser = new BetterAuthBrowser(app)
    const { authorize } = await browser.startSignIn()
    const back = new URL(await decideAtTrakt(authorize.href))
    back.searchParams.set("state", "forged-state-of-the-right-length-000000")
    const callback = await browser.request(back.pathname + back.search)
    expect(landing(callback.headers.get("location"))).toMatchObject({ error: "state_mismatch" })
    expect(tokenRequests()).toEqual([])
    expect(await browser.session()).toBeNull()
  })

  test("a callback replayed by another browser: state_mismatch, no token request", async () => {
    const app = betterAuthApp()
    const { authorize } = await new BetterAuthBrowser(app).startSignIn()
    const back = new URL(await decideAtTrakt(authorize.href))
    const attacker = new BetterAuthBrowser(app)
    const callback = await attacker.request(back.pathname + back.search)
    expect(landing(callback.headers.get("location"))).toMatchObject({ error: "state_mismatch" })
    expect(tokenRequests()).toEqual([])
  })

  test.each([
    [
      "the token endpoint down",
      "invalid_code",
      "SERVER_ERROR",
      environments.production.token,
      "post",
      () => new HttpResponse(null, { status: 503 }),
    ],
    [
      "Trakt refusing the code",
      "invalid_code",
      "invalid_grant",
      environments.production.token,
      "post",
      () => HttpResponse.json({ error: "invalid_grant", error_description: "no" }, { status: 400 }),
    ],
    [
      "a token type that is not bearer",
      "invalid_code",
      "INVALID_RESPONSE",
      environments.production.token,
      "post",
      () => HttpResponse.json({ access_token: "a1", token_type: "mac", expires_in: 60 }),
    ],
    [
      "Cloudflare blocking the profile",
      "unable_to_get_user_info",
      "CLOUDFLARE_BLOCKED",
      `${environments.production.api}/users/settings`,
      "get",
      () => new HttpResponse(CLOUDFLARE_BLOCK_PAGE, { status: 403, headers: { "content-type": "text/html" } }),
    ],
    [
      "a profile without its uuid",
      "unable_to_get_user_info",
      "INVALID_RESPONSE",
      `${environments.production.api}/users/settings`,
      "get",
      () => HttpResponse.json({ user: { username: "u", ids: { slug: "u" } } }),
    ],
    [
      "a profile that is not JSON",
      "unable_to_get_user_info",
      "INVALID_RESPONSE",
      `${environments.production.api}/users/settings`,
      "get",
      () => new HttpResponse("{", { status: 200 }),
    ],
  ] as const)("%s: %s, described %s", async (_, error, description, url, method, answer) => {
    server.use(http[method](url, answer))
    const app = betterAuthApp()
    const browser = new BetterAuthBrowser(app)
    const { callback, location } = await browser.signIn()
    expect(callback.status).toBe(302)
    expect(landing(location)).toEqual({ page: "/api/auth/error", error, description })
    expect(await browser.session()).toBeNull()
    // The cause reaches the app: onError and Better Auth's logger, with no secret in either.
    expect(app.errors.map((e) => e.code)).toEqual([description])
    expect(app.logs.some((line) => line.startsWith("error ") && line.includes(description))).toBe(true)
    expect(app.logs.join("\n")).not.toContain(CLIENT_SECRET)
  })

  test("an errorCallbackURL of the app gets the same two codes", async () => {
    server.use(http.get(`${environments.production.api}/users/settings`, () => new HttpResponse(null, { status: 500 })))
    const { location } = await new BetterAuthBrowser(betterAuthApp()).signIn("approve", { errorCallbackURL: "/signin-failed" })
    expect(landing(location)).toEqual({ page: "/signin-failed", error: "unable_to_get_user_info", description: "SERVER_ERROR" })
  })

  test("no client id: the sign-in never reaches Trakt, and the app gets MISSING_CLIENT_ID, not an empty 500", async () => {
    const app = betterAuthApp({ clientId: undefined, clientSecret: undefined })
    const { response } = await new BetterAuthBrowser(app).startSignIn()
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ code: "MISSING_CLIENT_ID" })
    expect(trakt.requests()).toEqual([])
    expect(app.errors.map((e) => e.code)).toEqual(["MISSING_CLIENT_ID"])
  })

  test("a bad baseUrl from the environment fails the sign-in with INVALID_OPTION, and never the app's start", async () => {
    const app = betterAuthApp({ baseUrl: "undefined/api" })
    const { response } = await new BetterAuthBrowser(app).startSignIn()
    expect(await response.json()).toMatchObject({ code: "INVALID_OPTION" })
  })
})

describe("profiles generated from Trakt's settingsResponseSchema", () => {
  test("sign in, keyed by the uuid, or land on unable_to_get_user_info (INVALID_RESPONSE) exactly when the uuid is blank; never a 500", async () => {
    let signedIn = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(settingsBody, async (body) => {
        trakt.reset()
        replaceSettings(body)
        const app = betterAuthApp()
        const { callback, location } = await new BetterAuthBrowser(app).signIn()
        expect(callback.status).toBe(302)
        const url = new URL(location!, ORIGIN)
        if (!body.user.ids.uuid.trim()) {
          refused++
          expect(Object.fromEntries(url.searchParams)).toMatchObject({
            error: "unable_to_get_user_info",
            error_description: "INVALID_RESPONSE",
          })
          return
        }
        signedIn++
        expect(url.pathname).toBe("/dashboard")
        expect(app.rows.account[0]).toMatchObject({ accountId: body.user.ids.uuid })
        expect(app.rows.user[0]).toMatchObject({
          email: `${body.user.ids.uuid.toLowerCase()}@trakt.placeholder.invalid`,
          emailVerified: false,
        })
        expect(typeof app.rows.user[0]!.name).toBe("string")
      }),
      { numRuns: 60 },
    )
    // Most bodies sign in; a blank uuid is rarer (and has a case of its own above).
    expect(signedIn).toBeGreaterThan(20)
    expect(signedIn + refused).toBe(60)
  })
})
