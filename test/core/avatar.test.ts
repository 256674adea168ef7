/**
 * traktAvatar: what it refuses (each refusal proven to send nothing: every
 * request msw sees is recorded, and an unhandled one fails the test), what it
 * serves and with which headers, its caches and their bounds, the placeholder
 * when Trakt fails, and `user.image` through the real Auth() and next-auth v4.
 */
import { delay, http, HttpResponse } from "msw"
import type { AuthOptions } from "next-auth"
import { UnstorageAdapter } from "@auth/unstorage-adapter"
import { createStorage } from "unstorage"
import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from "vitest"
import { avatarCache } from "../../src/core/avatar/cache.js"
import { forgetProcessState } from "../../src/core/util/memory.js"
import Trakt, { traktAvatar, traktJwt, type TraktAvatarOptions, type TraktError } from "../../src/index.js"
import TraktProvider, { traktAvatar as traktAvatarV4, traktJwt as traktJwtV4 } from "../../src/next-auth-v4.js"
import { authConfig, Browser } from "../support/browser.js"
import { v4Options, V4Browser } from "../support/browser-v4.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, CLOUDFLARE_BLOCK_PAGE, ORIGIN, PKCE_CLIENT_ID, trakt } from "../support/handlers.js"
import { server } from "../support/setup.js"

const AVATAR = "https://walter.trakt.tv/images/users/000/000/002/avatars/large/fb9a01d0a3.jpg"
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4])

/** Every request that reached msw (the network boundary), handled or not. */
const sent: Request[] = []
const record = ({ request }: { request: Request }) => void sent.push(request.clone())
server.events.on("request:start", record)
afterAll(() => server.events.removeListener("request:start", record))

let errors: TraktError[]
beforeEach(() => {
  sent.length = 0
  errors = []
  // Each test starts with nothing cached, as a new process would.
  forgetProcessState("avatars.v1")
})
afterEach(() => vi.useRealTimers())

const options = (more: TraktAvatarOptions = {}): TraktAvatarOptions => ({
  onError: (error) => errors.push(error),
  userAgent: "test-app/1.0",
  ...more,
})
const image = (body: BodyInit, type = "image/png", init: ResponseInit = {}) =>
  new HttpResponse(body, { ...init, headers: { "content-type": type, ...(init.headers as object) } })
const serve = (url: string, answer: () => Response | Promise<Response>) => server.use(http.get(url, answer))
const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer())

/** What every answer carries: a type that is an image, and the sandbox. */
function expectSafe(response: Response) {
  expect(response.headers.get("content-type")).toMatch(/^image\//)
  expect(response.headers.get("x-content-type-options")).toBe("nosniff")
  expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'none'; sandbox$/)
  expect(response.headers.get("location")).toBeNull()
  // The route's URL is the same for every user: the browser asks again each time (a 304 when unchanged).
  expect(response.headers.get("cache-control")).toBe("private, no-cache")
  expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/)
}

/** The placeholder: a 200 SVG with the user's initial. */
async function expectPlaceholder(response: Response, initial = "J") {
  expect(response.status).toBe(200)
  expectSafe(response)
  expect(response.headers.get("content-type")).toBe("image/svg+xml")
  const svg = await response.text()
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="128" height="128"/)
  expect(svg).toContain(`>${initial}</text>`)
  return svg
}

describe("refused before any request is made", () => {
  test.each([
    "http://127.0.0.1:6379/",
    "https://169.254.169.254/latest/meta-data",
    "https://evil.example/a.png",
    "https://walter.trakt.tv.evil.example/a.png",
    "https://user@walter.trakt.tv/a.png",
    "https://user:pass@walter.trakt.tv/a.png",
    "https://walter.trakt.tv:8443/a.png",
    "http://walter.trakt.tv/a.png",
    "https://[::1]/a.png",
    "https://0x7f000001/a.png",
    "https:\\\\walter.trakt.tv\\a.png",
    "javascript:alert(1)",
    "/images/a.png",
  ])("%s: the placeholder, IMAGE_REFUSED, nothing sent", async (url) => {
    const response = await traktAvatar(url, options({ name: "justin" }))
    await expectPlaceholder(response)
    expect(errors.map((e) => e.code)).toEqual(["IMAGE_REFUSED"])
    expect(sent).toEqual([])
  })

  test("a loopback baseUrl lets its own origin through, and nothing else on loopback", async () => {
    serve("http://127.0.0.1:4010/images/avatars/justin.svg", () => image("<svg/>", "image/svg+xml"))
    const standIn = options({ baseUrl: "http://127.0.0.1:4010" })
    expect((await traktAvatar("http://127.0.0.1:4010/images/avatars/justin.svg", standIn)).headers.get("content-type")).toBe(
      "image/svg+xml",
    )
    await expectPlaceholder(await traktAvatar("http://127.0.0.1:6379/", { ...standIn, name: "j" }))
    await expectPlaceholder(await traktAvatar("http://localhost:4010/images/avatars/justin.svg", { ...standIn, name: "j" }))
    expect(sent.map((r) => r.url)).toEqual(["http://127.0.0.1:4010/images/avatars/justin.svg"])
    // A baseUrl that is not loopback (staging) adds no host.
    await expectPlaceholder(
      await traktAvatar("https://api-staging.trakt.tv/a.png", options({ baseUrl: "https://api-staging.trakt.tv", name: "j" })),
    )
    expect(sent).toHaveLength(1)
  })

  test("imageHosts adds host names, and refuses what is not one", async () => {
    serve("https://images.example.com/a.png", () => image(PNG))
    const response = await traktAvatar("https://images.example.com/a.png", options({ imageHosts: ["images.example.com"] }))
    expect(await bytes(response)).toEqual(PNG)
    for (const host of ["127.0.0.1", "[::1]", "x.example:443", "https://x.example", "X.example", "localhost"]) {
      await expect(traktAvatar(AVATAR, { imageHosts: [host] }), host).rejects.toThrow(/"imageHosts"/)
    }
  })

  test("a redirect off the allowed hosts is not followed, nor handed to the browser", async () => {
    serve(AVATAR, () => new HttpResponse(null, { status: 302, headers: { location: "http://127.0.0.1/" } }))
    const response = await traktAvatar(AVATAR, options({ name: "justin" }))
    await expectPlaceholder(response)
    expect(errors.map((e) => e.code)).toEqual(["IMAGE_REFUSED"])
    expect(sent.map((r) => r.url)).toEqual([AVATAR])
  })

  test("a redirect to another Trakt image host is followed, a few hops at most", async () => {
    const r2 = "https://walter-r2.trakt.tv/images/a.png"
    serve(AVATAR, () => new HttpResponse(null, { status: 301, headers: { location: "//walter-r2.trakt.tv/images/a.png" } }))
    serve(r2, () => image(PNG))
    expect(await bytes(await traktAvatar(AVATAR, options()))).toEqual(PNG)
    expect(sent.map((r) => r.url)).toEqual([AVATAR, r2])

    const loop = "https://media.trakt.tv/loop.png"
    serve(loop, () => new HttpResponse(null, { status: 307, headers: { location: loop } }))
    await expectPlaceholder(await traktAvatar(loop, options({ name: "j" })))
    expect(sent.filter((r) => r.url === loop)).toHaveLength(4) // the first request and 3 redirects
    expect(errors.map((e) => e.code)).toEqual(["IMAGE_REFUSED"])
  })

  test("a 5 MB body is refused: by its Content-Length before reading, or while it streams, read no further than the cap", async () => {
    serve(AVATAR, () => image(new Uint8Array(5 * 2 ** 20)))
    await expectPlaceholder(await traktAvatar(AVATAR, options({ name: "justin" })))

    let pulled = 0
    const endless = "https://media.trakt.tv/endless.png"
    serve(endless, () => {
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled >= 5 * 2 ** 20) return controller.close()
          pulled += 64 * 1024
          controller.enqueue(new Uint8Array(64 * 1024))
        },
      })
      return image(stream)
    })
    await expectPlaceholder(await traktAvatar(endless, options({ name: "justin" })))
    expect(pulled).toBeGreaterThan(2 ** 20)
    expect(pulled).toBeLessThan(2 ** 20 + 512 * 1024)
    expect(errors.map((e) => [e.code, e.message.includes("over 1048576 bytes")])).toEqual([
      ["IMAGE_REFUSED", true],
      ["IMAGE_REFUSED", true],
    ])
  })

  test("text/html served as an avatar is refused", async () => {
    serve(AVATAR, () => new HttpResponse("<script>alert(1)</script>", { headers: { "content-type": "text/html" } }))
    const svg = await expectPlaceholder(await traktAvatar(AVATAR, options({ name: "justin" })))
    expect(svg).not.toContain("script")
    expect(errors.map((e) => e.code)).toEqual(["IMAGE_REFUSED"])
  })
})

describe("serving an avatar", () => {
  test("the bytes and their type, fetched with the User-Agent and nothing of the browser's", async () => {
    serve(AVATAR, () => image(PNG, "image/png; charset=binary"))
    const response = await traktAvatar(
      AVATAR,
      options({ request: new Request(`${ORIGIN}/api/avatar`, { headers: { cookie: "session=secret" } }) }),
    )
    expect(response.status).toBe(200)
    expectSafe(response)
    expect(response.headers.get("content-type")).toBe("image/png")
    expect(await bytes(response)).toEqual(PNG)
    const [upstream] = sent
    expect(upstream!.headers.get("user-agent")).toBe("test-app/1.0")
    for (const header of ["cookie", "referer", "origin", "authorization"]) expect(upstream!.headers.get(header)).toBeNull()
    expect(errors).toEqual([])
  })

  test("an SVG with a <script> is served as it is, sandboxed: never a live page of the app", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
    serve(AVATAR, () => image(svg, "image/svg+xml"))
    const response = await traktAvatar(AVATAR, options())
    expect(response.headers.get("content-type")).toBe("image/svg+xml")
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox")
    expect(response.headers.get("x-content-type-options")).toBe("nosniff")
    expect(await response.text()).toBe(svg)
  })

  test("a second request makes no upstream request; a matching If-None-Match gets a 304", async () => {
    serve(AVATAR, () => image(PNG))
    const first = await traktAvatar(AVATAR, options())
    const etag = first.headers.get("etag")!
    expect(await bytes(await traktAvatar(AVATAR, options()))).toEqual(PNG)
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const revalidated = await traktAvatar(
        AVATAR,
        options({ request: new Request(ORIGIN, { headers: { "if-none-match": ifNoneMatch } }) }),
      )
      expect(revalidated.status, ifNoneMatch).toBe(304)
      expect(revalidated.headers.get("etag")).toBe(etag)
      expect(await revalidated.text()).toBe("")
    }
    const stale = await traktAvatar(AVATAR, options({ request: new Request(ORIGIN, { headers: { "if-none-match": '"other"' } }) }))
    expect(stale.status).toBe(200)
    expect(sent).toHaveLength(1)
  })

  test("concurrent requests for one avatar share one fetch", async () => {
    serve(AVATAR, async () => (await delay(50), image(PNG)))
    const responses = await Promise.all(Array.from({ length: 5 }, () => traktAvatar(AVATAR, options())))
    for (const response of responses) expect(await bytes(response)).toEqual(PNG)
    expect(sent).toHaveLength(1)
  })

  test("with a store, a second instance fetches nothing; a store that fails is worked around", async () => {
    serve(AVATAR, () => image(PNG))
    const kept = new Map<string, string>()
    const store = { getItem: (key: string) => kept.get(key), setItem: (key: string, value: string) => void kept.set(key, value) }
    expect(await bytes(await traktAvatar(AVATAR, options({ store })))).toEqual(PNG)
    expect([...kept.keys()]).toEqual([expect.stringMatching(/^authjs-trakt:avatar:[0-9a-f]{64}$/)])
    forgetProcessState("avatars.v1") // another instance
    const second = await traktAvatar(AVATAR, options({ store }))
    expect(await bytes(second)).toEqual(PNG)
    expect(second.headers.get("content-type")).toBe("image/png")
    expect(sent).toHaveLength(1)

    forgetProcessState("avatars.v1")
    const down = {
      getItem: () => Promise.reject(new Error("ECONNREFUSED redis://:password@cache")),
      setItem: () => Promise.reject(new Error("down")),
    }
    expect(await bytes(await traktAvatar(AVATAR, options({ store: down })))).toEqual(PNG)
    expect(errors.map((e) => e.code)).toEqual(["STORE_ERROR", "STORE_ERROR"])
    expect(errors.map((e) => e.message).join()).not.toContain("password")
  })

  // 10,000 avatars, half a gigabyte of bytes: about 8 s alone, past the suite's 15 s timeout on a loaded machine.
  test("the memory cache holds its bounds under 10,000 distinct avatars, in entries and in bytes", async () => {
    let fetched = 0
    let size = 4 * 1024
    const fetch = async () => (fetched++, new Response(new Uint8Array(size), { headers: { "content-type": "image/png" } }))
    const cache = avatarCache(1000, 50 * 2 ** 20) // the defaults
    // 5,000 small avatars: the entry bound holds them (1,000 × 4 KiB).
    for (let i = 0; i < 5000; i++) await traktAvatar(`https://walter.trakt.tv/images/${i}.png`, options({ fetch }))
    expect(cache.weight).toBe(1000 * size) // 1,000 entries
    // 5,000 large ones: the byte bound holds them (50 MiB / 100 KiB).
    size = 100 * 1024
    for (let i = 5000; i < 10_000; i++) await traktAvatar(`https://walter.trakt.tv/images/${i}.png`, options({ fetch }))
    expect(cache.weight).toBeLessThanOrEqual(50 * 2 ** 20)
    expect(cache.weight).toBe(512 * size) // 512 entries
    expect(fetched).toBe(10_000)
    // The newest are the ones kept: asking again fetches nothing; the oldest are gone.
    await traktAvatar("https://walter.trakt.tv/images/9999.png", options({ fetch }))
    expect(fetched).toBe(10_000)
    await traktAvatar("https://walter.trakt.tv/images/0.png", options({ fetch }))
    expect(fetched).toBe(10_001)
  }, 60_000)
})

describe("when Trakt refuses, fails or hangs: the placeholder, within the timeout", () => {
  test.each([
    [
      "403 with Cloudflare's HTML",
      () => new HttpResponse(CLOUDFLARE_BLOCK_PAGE, { status: 403, headers: { "content-type": "text/html" } }),
      "CLOUDFLARE_BLOCKED",
    ],
    ["404", () => new HttpResponse("Not Found", { status: 404 }), "NOT_FOUND"],
    ["500", () => HttpResponse.json({ error: "boom" }, { status: 500 }), "SERVER_ERROR"],
    ["a hang", async () => (await delay("infinite"), image(PNG)), "TIMEOUT"],
  ] as const)("%s", async (_, answer, code) => {
    serve(AVATAR, answer)
    const started = performance.now()
    const response = await traktAvatar(AVATAR, options({ name: "justin", timeout: 300 }))
    expect(performance.now() - started).toBeLessThan(1000)
    const svg = await expectPlaceholder(response)
    expect(svg).not.toMatch(/Cloudflare|Not Found|boom/)
    expect(errors.map((e) => e.code)).toEqual([code])

    // Trakt is not asked again by every request meanwhile.
    await expectPlaceholder(await traktAvatar(AVATAR, options({ name: "justin", timeout: 300 })))
    expect(sent).toHaveLength(1)
  })

  test("no image: the placeholder, with no error; a name gives only its first letter or digit to the markup", async () => {
    await expectPlaceholder(await traktAvatar(null, options({ name: "justin" })))
    await expectPlaceholder(await traktAvatar(undefined, options({ name: '<script>"x' })), "S")
    await expectPlaceholder(await traktAvatar("", options({ name: "élodie" })), "É")
    await expectPlaceholder(await traktAvatar(null, options()), "")
    expect(errors).toEqual([])
    expect(sent).toEqual([])
  })

  test("a bad baseUrl is reported and the placeholder served; a bad option is a TypeError", async () => {
    await expectPlaceholder(await traktAvatar(AVATAR, options({ name: "j", baseUrl: "ftp://x" })))
    expect(errors.map((e) => e.code)).toEqual(["INVALID_OPTION"])
    expect(sent).toEqual([])
    for (const bad of [{ maxBytes: 0 }, { cacheEntries: 1.5 }, { cacheBytes: -1 }, { maxAge: Infinity }, { timeout: -1 }, { store: {} }]) {
      await expect(traktAvatar(AVATAR, bad as TraktAvatarOptions), JSON.stringify(bad)).rejects.toThrow(TypeError)
    }
  })
})

describe("user.image that loads in an <img>: the provider's avatarUrl", () => {
  const route = "/api/avatar"

  /** Signs in to an Auth.js app whose provider points user.image at the route and whose session carries `avatar`. */
  async function signedInWithRoute(baseUrl?: string) {
    const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl }
    const browser = new Browser(
      authConfig([Trakt({ ...credentials, avatarUrl: route })], {
        callbacks: {
          jwt: traktJwt({ ...credentials, redirectUri: CALLBACK_URL }),
          session: ({ session, token }) => ({ ...session, avatar: token.avatar }),
        },
      }),
    )
    await browser.signInWithTrakt()
    return browser.session()
  }

  test("Auth.js (JWT): user.image is the app's route, the token keeps the real URL, the route serves it", async () => {
    serve(AVATAR, () => image(PNG))
    const session = await signedInWithRoute()
    expect(session.user.image).toBe(route)
    expect(session.avatar).toBe(AVATAR)

    // The route, as the docs write it: the URL comes from the session, never the request.
    const response = await traktAvatar(
      session.avatar,
      options({ request: new Request(new URL(session.user.image, ORIGIN)), name: session.user.name }),
    )
    expect(await bytes(response)).toEqual(PNG)
  })

  test("signed in at a stand-in on this machine: the token keeps its http avatar URL, and only such a one", async () => {
    const local = "http://127.0.0.1:4010/images/users/justin/avatar.svg"
    trakt.settings().user.images = { avatar: { full: local } }
    const session = await signedInWithRoute("http://127.0.0.1:4010")
    expect(session.user.image).toBe(route)
    expect(session.avatar).toBe(local)
  })

  test("a user without an avatar gets the route too, and it serves the placeholder", async () => {
    trakt.settings().user.images = { avatar: { full: "" } }
    const session = await signedInWithRoute()
    expect(session.user.image).toBe(route)
    expect(session.avatar).toBeNull()
    await expectPlaceholder(await traktAvatar(session.avatar, options({ name: session.user.name })), session.user.name[0].toUpperCase())
  })

  test("next-auth v4 (JWT): the same", async () => {
    vi.stubEnv("NEXTAUTH_URL", ORIGIN)
    try {
      for (const id of [CLIENT_ID, PKCE_CLIENT_ID]) trakt.client(id).redirectUris.push(`${ORIGIN}/api/auth/callback/trakt`)
      serve(AVATAR, () => image(PNG))
      const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
      const callbacks: AuthOptions["callbacks"] = {
        jwt: traktJwtV4(credentials),
        session: ({ session, token }) => ({ ...session, avatar: token.avatar }),
      }
      const browser = new V4Browser(v4Options({ providers: [TraktProvider({ ...credentials, avatarUrl: "/api/avatar" })], callbacks }))
      await browser.signInWithTrakt()
      const session = await browser.session()
      expect(session.user.image).toBe(route)
      expect(session.avatar).toBe(AVATAR)
      expect(await bytes(await traktAvatarV4(session.avatar, options()))).toEqual(PNG)
    } finally {
      vi.unstubAllEnvs()
    }
  })

  test("Auth.js (database sessions): the row keeps Trakt's URL, the session callback points user.image at the route", async () => {
    serve(AVATAR, () => image(PNG))
    const database = createStorage()
    const browser = new Browser(
      authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })], {
        adapter: UnstorageAdapter(database),
        session: { strategy: "database" },
        callbacks: {
          // docs/avatars.md's callback.
          session: ({ session, user }) => ({
            expires: session.expires,
            user: { id: user.id, name: user.name, email: user.email, image: "/api/avatar" },
            avatar: user.image,
          }),
        },
      }),
    )
    await browser.signInWithTrakt()
    const session = await browser.session()
    // The database session's own token stays on the server.
    expect(session).not.toHaveProperty("sessionToken")
    expect(JSON.stringify(session)).not.toContain(browser.cookies.get("authjs.session-token"))
    expect(session.user.image).toBe(route)
    expect(session.avatar).toBe(AVATAR)
    expect(await bytes(await traktAvatar(session.avatar, options({ name: session.user.name })))).toEqual(PNG)
  })

  test("avatarUrl must be a path on the app", () => {
    for (const avatarUrl of ["api/avatar", "//evil.example/a", "https://evil.example/a", "/\\evil.example", "/a b", 1]) {
      expect(() => Trakt({ avatarUrl } as never), String(avatarUrl)).toThrow(/"avatarUrl"/)
      expect(() => TraktProvider({ avatarUrl } as never), String(avatarUrl)).toThrow(/"avatarUrl"/)
    }
  })
})
