/**
 * Sign-in through Auth() against the Trakt stand-in, as a browser meets it:
 * what Trakt is sent, what comes back, what the app's callbacks see.
 */
import type { AuthConfig } from "@auth/core"
import { customFetch, setEnvDefaults } from "../support/auth-core.js"
import type { JWT } from "@auth/core/jwt"
import type { Account, Profile } from "@auth/core/types"
import { describe, expect, test, vi } from "vitest"
import Trakt, { findTraktError, type TraktUser } from "../../src/index.js"
import { authConfig, Browser } from "../support/browser.js"
import {
  CALLBACK_URL,
  CLIENT_ID,
  CLIENT_SECRET,
  environments,
  ORIGIN,
  PKCE_CLIENT_ID,
  trakt,
  type Environment,
} from "../support/handlers.js"

const baseUrls: Record<Environment, string | undefined> = {
  production: undefined,
  staging: "https://api-staging.trakt.tv",
  loopback: "http://127.0.0.1:4010",
}

/** An Auth.js config that records what the `jwt` callback is handed at sign-in. */
function recordingConfig(providers: AuthConfig["providers"], overrides: Partial<AuthConfig> = {}) {
  const signIns: { account: Account | null | undefined; profile: Profile | undefined; token: JWT }[] = []
  const config = authConfig(providers, {
    callbacks: {
      jwt({ token, account, profile }) {
        if (account) signIns.push({ account, profile, token })
        return token
      },
    },
    ...overrides,
  })
  return { config, signIns }
}

describe.each(Object.keys(environments) as Environment[])("sign-in on %s", (env) => {
  const urls = environments[env]

  test("sends the browser to Trakt's authorize endpoint with state, S256 PKCE and a scope", async () => {
    const browser = new Browser(authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: baseUrls[env] })]))
    const response = await browser.signIn()
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get("location")!)
    expect(`${location.origin}${location.pathname}`).toBe(urls.authorize)
    const params = location.searchParams
    expect(params.get("response_type")).toBe("code")
    expect(params.get("client_id")).toBe(CLIENT_ID)
    expect(params.get("redirect_uri")).toBe(CALLBACK_URL)
    expect(params.get("state")).toBeTruthy()
    expect(params.get("code_challenge")).toMatch(/^[\w-]{43}$/)
    expect(params.get("code_challenge_method")).toBe("S256")
    // Without a scope, Auth.js would ask Trakt for `openid profile email`.
    expect(params.get("scope")).toBe("public")
    expect(params.has("client_secret")).toBe(false)
    expect([...browser.cookies.keys()]).toEqual(expect.arrayContaining(["authjs.state", "authjs.pkce.code_verifier"]))
  })

  test("exchanges the code with a JSON body, loads /users/settings and starts a session", async () => {
    const { config, signIns } = recordingConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: baseUrls[env] })])
    const browser = new Browser(config)
    const callback = await browser.signInWithTrakt()
    expect(callback.status).toBe(302)
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/dashboard`)
    expect(config.logs.errors).toEqual([])

    const [token] = trakt.requests("/oauth/token")
    expect(token!.url).toBe(urls.token)
    expect(token!.headers["content-type"]).toBe("application/json")
    expect(token!.headers.authorization).toBeUndefined() // never HTTP Basic
    expect(token!.headers["user-agent"]).toMatch(/^authjs-trakt\/\d+\.\d+\.\d+/)
    expect(token!.body).toEqual({
      grant_type: "authorization_code",
      code: expect.any(String),
      code_verifier: expect.any(String),
      redirect_uri: CALLBACK_URL,
      client_id: CLIENT_ID,
      client_secret: trakt.masked(CLIENT_SECRET),
    })

    const [profile] = trakt.requests("/users/settings")
    expect(profile!.url).toBe(`${urls.api}/users/settings`)
    expect(profile!.headers).toMatchObject({
      "trakt-api-key": CLIENT_ID,
      "trakt-api-version": "2",
      authorization: expect.stringMatching(/^Bearer \*{3}[0-9a-f]{8}$/),
      "content-type": "application/json",
      "user-agent": expect.stringMatching(/^authjs-trakt\//),
    })
    // The floor: one token exchange and one profile request per sign-in.
    expect(trakt.requests().filter((r) => !r.url.includes("/oauth/authorize"))).toHaveLength(2)

    expect(await browser.session()).toEqual({
      user: {
        name: "Justin Nemeth",
        image: "https://walter.trakt.tv/images/users/000/000/002/avatars/large/fb9a01d0a3.jpg",
      },
      expires: expect.any(String),
    })
    const [{ account, profile: traktProfile }] = signIns as [(typeof signIns)[0]]
    expect(account).toMatchObject({
      provider: "trakt",
      type: "oauth",
      providerAccountId: "justin",
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: "bearer",
      scope: "public",
    })
    const now = Math.floor(Date.now() / 1000)
    expect(account!.expires_at).toBeGreaterThan(now + 7 * 86400 - 60)
    expect(traktProfile).toMatchObject({
      username: "justin",
      slug: "justin",
      ids: { slug: "justin", uuid: "2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10", trakt: 2 },
      avatar: { full: expect.stringMatching(/^https:\/\/walter\.trakt\.tv\//) },
      vip: true,
      vip_og: true,
      vip_years: 5,
    })
  })
})

describe("accounts and profiles", () => {
  test('accountId: "uuid" links the account by Trakt\'s stable ids.uuid', async () => {
    const { config, signIns } = recordingConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accountId: "uuid" })])
    await new Browser(config).signInWithTrakt()
    expect(signIns[0]!.account!.providerAccountId).toBe("2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10")
  })

  test("a profile without name, images or location still signs in, named after the username", async () => {
    trakt.settings().user = { username: "sparse", private: true, ids: { slug: "sparse-slug" }, name: "", images: null }
    const { config, signIns } = recordingConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })])
    const browser = new Browser(config)
    await browser.signInWithTrakt()
    expect(config.logs.errors).toEqual([])
    expect((await browser.session()).user).toEqual({ name: "sparse", image: null })
    expect(signIns[0]!.account!.providerAccountId).toBe("sparse-slug")
    expect(signIns[0]!.profile).toMatchObject({ location: null, avatar: { full: null }, images: { avatar: { full: null } } })
  })

  test("a scheme-less avatar URL is made absolute", async () => {
    trakt.settings().user.images = { avatar: { full: "//walter-r2.trakt.tv/images/a.jpg" } }
    const browser = new Browser(authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })]))
    await browser.signInWithTrakt()
    expect((await browser.session()).user.image).toBe("https://walter-r2.trakt.tv/images/a.jpg")
  })

  test("a profile callback of the app's own replaces the mapping and receives the TraktUser", async () => {
    const profile = vi.fn((p: TraktUser) => ({ id: p.ids.uuid, name: `@${p.slug}`, email: null, image: null }))
    const browser = new Browser(authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, profile })]))
    await browser.signInWithTrakt()
    expect(profile.mock.calls[0]![0]).toMatchObject({ slug: "justin", avatar: { full: expect.any(String) } })
    expect((await browser.session()).user).toEqual({ name: "@justin", image: null })
  })

  test('accountId: "uuid" with a profile that has no uuid fails clearly', async () => {
    delete trakt.settings().user.ids.uuid
    const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accountId: "uuid" })])
    const callback = await new Browser(config).signInWithTrakt()
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/auth/error?error=Configuration`)
    expect(findTraktError(config.logs.errors[0])).toMatchObject({ code: "INVALID_RESPONSE", message: expect.stringContaining("uuid") })
  })
})

describe("security defaults", () => {
  test("a PKCE-only app (no client secret) exchanges the code without sending one", async () => {
    const config = authConfig([Trakt({ clientId: PKCE_CLIENT_ID })])
    const callback = await new Browser(config).signInWithTrakt()
    expect(config.logs.errors).toEqual([])
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/dashboard`)
    const [token] = trakt.requests("/oauth/token")
    expect(token!.body.client_id).toBe(PKCE_CLIENT_ID)
    expect(token!.body).not.toHaveProperty("client_secret")
    expect(token!.body.code_verifier).toEqual(expect.any(String))
  })

  test("a forged callback with a state of its own is rejected before any token request", async () => {
    const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })])
    const browser = new Browser(config)
    const signIn = await browser.signIn()
    const callbackUrl = new URL(await browser.decideAtTrakt(signIn.headers.get("location")!))
    callbackUrl.searchParams.set("state", "forged")
    const callback = await browser.callback(callbackUrl.href)
    expect(callback.headers.get("location")).toMatch(/\/auth\/error\?error=/)
    expect(trakt.requests("/oauth/token")).toEqual([])
  })

  test("a callback without the sign-in cookies (another browser) is rejected", async () => {
    const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })])
    const victim = new Browser(config)
    const signIn = await victim.signIn()
    const callbackUrl = await victim.decideAtTrakt(signIn.headers.get("location")!)
    const attacker = new Browser(config)
    const callback = await attacker.callback(callbackUrl)
    expect(callback.headers.get("location")).toMatch(/\/auth\/error\?error=/)
    expect(trakt.requests("/oauth/token")).toEqual([])
  })

  test("with PKCE taken off the provider's checks behind its back, the code exchange is refused, not sent", async () => {
    const provider = Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
    provider.checks = ["state"]
    const config = authConfig([provider])
    const callback = await new Browser(config).signInWithTrakt()
    expect(callback.headers.get("location")).toMatch(/\/auth\/error\?error=/)
    expect(findTraktError(config.logs.errors[0])).toMatchObject({ code: "INVALID_CALLBACK", message: expect.stringContaining("PKCE") })
    expect(trakt.requests("/oauth/token")).toEqual([])
  })

  test("a callback carrying Trakt's iss (RFC 9207) is accepted, a foreign iss is not", async () => {
    for (const [iss, ok] of [
      ["https://auth.trakt.tv", true],
      ["https://evil.example", false],
    ] as const) {
      const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })])
      const browser = new Browser(config)
      const signIn = await browser.signIn()
      const callbackUrl = new URL(await browser.decideAtTrakt(signIn.headers.get("location")!))
      callbackUrl.searchParams.set("iss", iss)
      const callback = await browser.callback(callbackUrl.href)
      expect(callback.headers.get("location")!.endsWith("/dashboard")).toBe(ok)
    }
  })
})

describe("configuration", () => {
  test("the default export is the factory, with Trakt's id, name and brand", () => {
    const provider = Trakt({ clientId: CLIENT_ID })
    expect(provider).toMatchObject({ id: "trakt", name: "Trakt", type: "oauth" })
    expect(provider.style).toMatchObject({ logo: expect.stringMatching(/^https:\/\/.+trakt\.svg$/), brandColor: "#ED2224" })
    expect(Object.keys(provider).at(-1)).toBe("options")
  })

  test("constructing without credentials does not throw (an app builds in CI without secrets)", () => {
    expect(() => Trakt()).not.toThrow()
    expect(() => Trakt({})).not.toThrow()
  })

  test("providers: [Trakt] uncalled picks up AUTH_TRAKT_ID / AUTH_TRAKT_SECRET", async () => {
    const config = authConfig([Trakt])
    setEnvDefaults({ AUTH_TRAKT_ID: CLIENT_ID, AUTH_TRAKT_SECRET: CLIENT_SECRET }, config)
    const callback = await new Browser(config).signInWithTrakt()
    expect(config.logs.errors).toEqual([])
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/dashboard`)
    expect(trakt.requests("/oauth/token")[0]!.body).toMatchObject({ client_id: CLIENT_ID, client_secret: trakt.masked(CLIENT_SECRET) })
  })

  test("Trakt() called without options also picks up AUTH_TRAKT_ID / AUTH_TRAKT_SECRET", async () => {
    const config = authConfig([Trakt()])
    setEnvDefaults({ AUTH_TRAKT_ID: CLIENT_ID, AUTH_TRAKT_SECRET: CLIENT_SECRET }, config)
    const callback = await new Browser(config).signInWithTrakt()
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/dashboard`)
    expect(trakt.requests("/oauth/token")[0]!.body).toMatchObject({ client_id: CLIENT_ID, client_secret: trakt.masked(CLIENT_SECRET) })
  })

  test("without a client id, sign-in fails naming AUTH_TRAKT_ID and nobody is sent to Trakt", async () => {
    const config = authConfig([Trakt])
    setEnvDefaults({}, config)
    const response = await new Browser(config).signIn()
    expect(response.status).toBe(302)
    const location = response.headers.get("location")!
    expect(location).not.toContain("trakt.tv")
    expect(location).toBe(`${ORIGIN}/auth/error?error=Configuration`)
    expect(trakt.requests()).toEqual([])
    const error = findTraktError(config.logs.errors[0])
    expect(error?.code).toBe("MISSING_CLIENT_ID")
    expect(error?.message).toMatch(/AUTH_TRAKT_ID/)
    expect(error?.message).toMatch(/clientId/)
  })

  test("authorization params such as prompt=login and signup=true reach Trakt, the scope can be changed", async () => {
    const browser = new Browser(
      authConfig([
        Trakt({
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          authorization: { params: { prompt: "login", signup: "true", scope: "public offline_access" } },
        }),
      ]),
    )
    const params = new URL((await browser.signIn()).headers.get("location")!).searchParams
    expect(params.get("prompt")).toBe("login")
    expect(params.get("signup")).toBe("true")
    expect(params.get("scope")).toBe("public offline_access")
    expect(params.get("client_id")).toBe(CLIENT_ID)
  })

  test("the app's [customFetch] carries every request to Trakt in the flow", async () => {
    const seen: string[] = []
    const proxy: typeof fetch = (input, init) => {
      seen.push(`${init?.method ?? "GET"} ${String(input)}`)
      return fetch(input, init)
    }
    const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, [customFetch]: proxy })])
    const callback = await new Browser(config).signInWithTrakt()
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/dashboard`)
    expect(seen).toEqual(["POST https://auth.trakt.tv/oauth/token", "GET https://api.trakt.tv/users/settings"])
  })

  test("a custom userAgent is sent on every request", async () => {
    const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, userAgent: "MyApp/2.0.0" })])
    await new Browser(config).signInWithTrakt()
    const agents = trakt
      .requests()
      .filter((r) => !r.url.includes("/oauth/authorize"))
      .map((r) => r.headers["user-agent"])
    expect(agents).toEqual(["MyApp/2.0.0", "MyApp/2.0.0"])
  })

  test("oauthBaseUrl moves the OAuth endpoints off the API base", async () => {
    const browser = new Browser(
      authConfig([
        Trakt({
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          baseUrl: "http://127.0.0.1:4010",
          oauthBaseUrl: "https://auth.trakt.tv/",
        }),
      ]),
    )
    const signIn = await browser.signIn()
    expect(signIn.headers.get("location")).toMatch(/^https:\/\/auth\.trakt\.tv\/oauth\/authorize\?/)
    await browser.callback(await browser.decideAtTrakt(signIn.headers.get("location")!))
    expect(
      trakt
        .requests()
        .map((r) => new URL(r.url).origin + new URL(r.url).pathname)
        .slice(2),
    ).toEqual(["https://auth.trakt.tv/oauth/token", "http://127.0.0.1:4010/users/settings"])
  })

  test("redirectProxyUrl: Trakt gets the proxy's callback, at authorize and at the code exchange", async () => {
    const proxyCallback = "https://proxy.example.com/api/auth/callback/trakt"
    trakt.client(CLIENT_ID).redirectUris.push(proxyCallback)
    const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })], {
      redirectProxyUrl: "https://proxy.example.com/api/auth",
    })
    const browser = new Browser(config)
    const signIn = await browser.signIn()
    const params = new URL(signIn.headers.get("location")!).searchParams
    expect(params.get("redirect_uri")).toBe(proxyCallback)
    // The proxy forwards Trakt's answer (code and state) to this deployment.
    const atProxy = new URL(await browser.decideAtTrakt(signIn.headers.get("location")!))
    const callback = await browser.callback(`${CALLBACK_URL}${atProxy.search}`)
    expect(callback.headers.get("location")).toBe(`${ORIGIN}/dashboard`)
    expect(trakt.requests("/oauth/token")[0]!.body.redirect_uri).toBe(proxyCallback)
  })
})
