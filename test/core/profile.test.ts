import fc from "fast-check"
import { describe, expect, test } from "vitest"
import Trakt, { findTraktError, TraktError, type TraktUser } from "../../src/index.js"
import { absoluteImageUrl, parseProfile } from "../../src/core/profile.js"
import { authConfig, Browser } from "../support/browser.js"
import { CLIENT_ID, CLIENT_SECRET, ORIGIN, replaceSettings, settingsFixture } from "../support/handlers.js"
import { driftedSettingsBody, imageUrl, settingsBody, type SettingsBody } from "../support/settings-schema.js"

const mapProfile = (accountId: "slug" | "uuid" = "slug") => Trakt({ clientId: "id", accountId }).profile!

describe("parseProfile", () => {
  test("keeps the documented profile, adds slug and avatar, and keeps what else Trakt sent", () => {
    const user = parseProfile(settingsFixture)
    expect(user).toMatchObject({
      username: "justin",
      name: "Justin Nemeth",
      private: false,
      vip: true,
      vip_ep: false,
      vip_og: true,
      vip_years: 5,
      director: false,
      ids: { slug: "justin", trakt: 2, uuid: "2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10" },
      slug: "justin",
      joined_at: "2010-09-25T17:49:25.000Z",
      location: "San Diego, CA",
      about: "Co-founder of trakt.",
      gender: "male",
      age: 32,
      avatar: { full: settingsFixture.user.images.avatar.full },
      images: { avatar: { full: settingsFixture.user.images.avatar.full } },
      dob: null,
      vip_cover_image: null,
    })
  })

  test("fills what Trakt leaves out or nulls with null (or false), never undefined access", () => {
    const user = parseProfile({ user: { username: "u", ids: { slug: "s" }, images: null, age: "32", vip: "yes" } })
    expect(user).toMatchObject({
      name: null,
      location: null,
      about: null,
      gender: null,
      joined_at: null,
      age: null,
      vip: false,
      private: false,
      avatar: { full: null },
      images: { avatar: { full: null } },
    })
  })

  test.each([
    ["no body", null],
    ["no user", { account: {} }],
    ["no ids", { user: { username: "u" } }],
    ["a numeric slug", { user: { username: "u", ids: { slug: 1 } } }],
    ["no username", { user: { ids: { slug: "s" } } }],
    ["an array", [{ user: {} }]],
  ])("throws INVALID_RESPONSE for %s", (_, body) => {
    expect(() => parseProfile(body)).toThrow(expect.objectContaining({ name: "TraktError", code: "INVALID_RESPONSE" }))
  })

  test("requires ids.uuid only when asked to", () => {
    const body = { user: { username: "u", ids: { slug: "s" } } }
    expect(parseProfile(body).ids.uuid).toBeUndefined()
    expect(() => parseProfile(body, true)).toThrow(expect.objectContaining({ code: "INVALID_RESPONSE" }))
  })
})

describe("absoluteImageUrl", () => {
  test.each([
    ["//walter.trakt.tv/a.jpg", "https://walter.trakt.tv/a.jpg"],
    ["https://media.trakt.tv/a.jpg", "https://media.trakt.tv/a.jpg"],
    ["https://secure.gravatar.com/avatar/x", "https://secure.gravatar.com/avatar/x"],
    ["/images/a.jpg", null],
    ["javascript:alert(1)", null],
    ["", null],
    [null, null],
    [42, null],
  ])("%j → %j", (input, expected) => {
    expect(absoluteImageUrl(input)).toBe(expected)
  })
})

describe("the provider's profile mapping", () => {
  test("maps to an Auth.js user: slug or uuid as id, name falling back to username, no e-mail", async () => {
    const user = parseProfile(settingsFixture)
    expect(await mapProfile()(user, {})).toEqual({
      id: "justin",
      name: "Justin Nemeth",
      email: null,
      image: settingsFixture.user.images.avatar.full,
    })
    expect((await mapProfile("uuid")(user, {})).id).toBe("2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10")
    expect((await mapProfile()({ ...user, name: "" }, {})).name).toBe("justin")
    expect((await mapProfile()({ ...user, name: null }, {})).name).toBe("justin")
  })

  test("arbitrary JSON either maps to a user or fails with INVALID_RESPONSE, nothing else", () => {
    const userLike = fc.record(
      {
        username: fc.oneof(fc.string(), fc.jsonValue()),
        name: fc.oneof(fc.string(), fc.constant(null), fc.jsonValue()),
        ids: fc.oneof(
          fc.record(
            { slug: fc.oneof(fc.string(), fc.jsonValue()), uuid: fc.oneof(fc.uuid(), fc.jsonValue()), trakt: fc.jsonValue() },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        images: fc.oneof(fc.record({ avatar: fc.oneof(fc.record({ full: fc.jsonValue() }), fc.jsonValue()) }), fc.jsonValue()),
        age: fc.jsonValue(),
        vip: fc.jsonValue(),
        location: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    const body = fc.oneof(fc.jsonValue(), fc.record({ user: fc.oneof(userLike, fc.jsonValue()) }))
    fc.assert(
      fc.asyncProperty(body, fc.constantFrom("slug" as const, "uuid" as const), async (json, accountId) => {
        let parsed
        try {
          parsed = parseProfile(json, accountId === "uuid")
        } catch (error) {
          expect(error).toBeInstanceOf(TraktError)
          expect((error as TraktError).code).toBe("INVALID_RESPONSE")
          return
        }
        const user = await mapProfile(accountId)(parsed, {})
        expect(typeof user.id).toBe("string")
        expect(typeof user.name).toBe("string")
        expect(user.email).toBeNull()
        expect(user.image === null || isHttpsUrl(user.image)).toBe(true)
        expect(brokenPromises(parsed, accountId)).toEqual([])
        expect(parsed.avatar).toBe(parsed.images.avatar)
        expect(parsed.slug).toBe(parsed.ids.slug)
      }),
      { numRuns: 2000 },
    )
  })
})

/** Every field TraktUser names, without its index signature: the checks below must cover each. */
type Promised = { [K in keyof TraktUser as string extends K ? never : K]-?: (value: any) => boolean }

/** An absolute https URL that `new URL` parses and leaves as it is. */
function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== "string") return false
  try {
    const url = new URL(value)
    return url.protocol === "https:" && url.hostname !== "" && url.href === value
  } catch {
    return false
  }
}
const isString = (value: unknown) => typeof value === "string"
const isBoolean = (value: unknown) => typeof value === "boolean"
const orNull = (check: (value: unknown) => boolean) => (value: unknown) => value === null || check(value)
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)
const avatarOk = (value: unknown) => isObject(value) && orNull(isHttpsUrl)(value.full)

/** What TraktUser's type and TSDoc promise, field by field. */
const promised: Promised = {
  username: isString,
  private: isBoolean,
  name: orNull(isString),
  vip: isBoolean,
  vip_ep: isBoolean,
  director: isBoolean,
  ids: (ids) =>
    isObject(ids) &&
    typeof ids.slug === "string" &&
    orNull(Number.isInteger)(ids.trakt) &&
    (!("uuid" in ids) || (typeof ids.uuid === "string" && ids.uuid.trim() !== "")),
  slug: isString,
  joined_at: orNull(
    (value) => typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) && !Number.isNaN(Date.parse(value)),
  ),
  location: orNull(isString),
  about: orNull(isString),
  gender: orNull(isString),
  age: orNull(Number.isInteger),
  dob: orNull(isString),
  images: (images) => isObject(images) && avatarOk(images.avatar),
  avatar: avatarOk,
  vip_og: isBoolean,
  vip_years: Number.isInteger,
  vip_cover_image: orNull(isHttpsUrl),
}

/** The fields of `user` that break what TraktUser promises (empty when it keeps every promise). */
function brokenPromises(user: TraktUser, accountId: "slug" | "uuid" = "slug"): string[] {
  const broken = Object.entries(promised)
    .filter(([field, check]) => !check(user[field]))
    .map(([field]) => field)
  // The id accounts are keyed by is never blank; the other may be.
  if (!(accountId === "uuid" ? user.ids.uuid : user.ids.slug)?.trim()) broken.push(`a non-blank ids.${accountId}`)
  if (user.avatar !== user.images.avatar) broken.push("avatar is images.avatar")
  if (user.slug !== user.ids.slug) broken.push("slug is ids.slug")
  return broken
}

/** Parses as the provider does, returning the TraktError instead of throwing it. */
function parse(body: unknown, accountId: "slug" | "uuid"): TraktUser | TraktError {
  try {
    return parseProfile(body, accountId === "uuid")
  } catch (error) {
    if (error instanceof TraktError) return error
    throw error
  }
}

/** Trakt's schema allows an empty slug and uuid; sign-in needs the id it signs in with. */
/** Whether the id accounts are keyed by is blank: Trakt's schema allows it, sign-in does not. */
const lacksId = (body: SettingsBody, accountId: "slug" | "uuid") => !body.user.ids[accountId].trim()
const blankToNothing = (id: string) => (id.trim() ? id : undefined)

const accountIds = fc.constantFrom("slug" as const, "uuid" as const)

describe("bodies generated from Trakt's settingsResponseSchema", () => {
  test("sign in with every field as Trakt sent it, or fail with INVALID_RESPONSE exactly when the id is empty", async () => {
    let signedIn = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(settingsBody, accountIds, async (body, accountId) => {
        const parsed = parse(body, accountId)
        if (lacksId(body, accountId)) {
          refused++
          expect(parsed).toBeInstanceOf(TraktError)
          expect(parsed).toMatchObject({ code: "INVALID_RESPONSE", message: expect.stringContaining(`ids.${accountId}`) })
          return
        }
        signedIn++
        if (parsed instanceof TraktError) throw parsed
        expect(brokenPromises(parsed, accountId)).toEqual([])
        const sent = body.user
        // Nothing that conforms is lost: only the URLs are vetted.
        expect(parsed).toMatchObject({
          username: sent.username,
          private: sent.private,
          name: sent.name ?? null,
          vip: sent.vip,
          vip_ep: sent.vip_ep,
          director: sent.director,
          joined_at: sent.joined_at,
          location: sent.location ?? null,
          about: sent.about ?? null,
          gender: sent.gender ?? null,
          age: sent.age ?? null,
          dob: sent.dob ?? null,
          vip_og: sent.vip_og,
          vip_years: sent.vip_years,
          ids: { slug: blankToNothing(sent.ids.slug) ?? "", trakt: sent.ids.trakt ?? null },
        })
        expect(parsed.ids.uuid).toBe(blankToNothing(sent.ids.uuid))
        const user = await mapProfile(accountId)(parsed, {})
        expect(user.id).toBe(accountId === "uuid" ? sent.ids.uuid : sent.ids.slug)
        expect(user.name).toBe(sent.name || sent.username || (blankToNothing(sent.ids.slug) ?? ""))
        expect(user.email).toBeNull()
        expect(user.image === null || isHttpsUrl(user.image)).toBe(true)
      }),
      { numRuns: 1200 },
    )
    // Both outcomes were exercised, not one of them by accident.
    expect(signedIn).toBeGreaterThan(600)
    expect(refused).toBeGreaterThan(100)
  })

  test("bodies that drift from the schema (required fields left out or mistyped) never crash: a TraktUser as promised, or INVALID_RESPONSE", () => {
    fc.assert(
      fc.property(driftedSettingsBody, accountIds, (body, accountId) => {
        const parsed = parse(body, accountId)
        if (parsed instanceof TraktError) {
          expect(parsed.code).toBe("INVALID_RESPONSE")
          return
        }
        expect(brokenPromises(parsed, accountId)).toEqual([])
        // What the schema requires but Trakt left out gets the type's neutral value.
        for (const field of ["director", "vip_og"] as const) if (typeof body.user[field] !== "boolean") expect(parsed[field]).toBe(false)
        if (!Number.isInteger(body.user.vip_years)) expect(parsed.vip_years).toBe(0)
      }),
      { numRuns: 1000 },
    )
  })

  test('a non-empty uuid is kept with accountId "slug", an empty one is left out rather than kept as an id', () => {
    const body = structuredClone(settingsFixture)
    body.user.ids.uuid = ""
    expect(parseProfile(body).ids).not.toHaveProperty("uuid")
    expect(() => parseProfile(body, true)).toThrow(
      expect.objectContaining({ code: "INVALID_RESPONSE", message: expect.stringContaining("ids.uuid") }),
    )
  })

  test("only the id accounts are keyed by must be there: a blank slug signs in by uuid, a blank id is no id", async () => {
    const body = structuredClone(settingsFixture)
    body.user.ids = { slug: "", uuid: "2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10" }
    const user = parseProfile(body, true)
    expect(user.ids).toMatchObject({ slug: "", uuid: "2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10" })
    expect((await mapProfile("uuid")(user, {})).id).toBe("2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10")
    expect(() => parseProfile(body)).toThrow(
      expect.objectContaining({ code: "INVALID_RESPONSE", message: expect.stringContaining("ids.slug") }),
    )
    for (const blank of [" ", "\t", " \n "]) {
      body.user.ids = { slug: blank, uuid: blank }
      expect(() => parseProfile(body)).toThrow(
        expect.objectContaining({ code: "INVALID_RESPONSE", message: expect.stringContaining("ids.slug") }),
      )
      expect(() => parseProfile(body, true)).toThrow(
        expect.objectContaining({ code: "INVALID_RESPONSE", message: expect.stringContaining("ids.uuid") }),
      )
    }
  })

  test("the schema's required fields, left out anyway, become false, 0 or null as documented", () => {
    const user = parseProfile({ user: { username: "u", ids: { slug: "s" } } })
    expect(user).toMatchObject({ director: false, vip_og: false, vip_years: 0, joined_at: null, dob: null, vip_cover_image: null })
    expect(user.ids).toEqual({ slug: "s", trakt: null })
    expect(
      parseProfile({ user: { username: "u", ids: { slug: "s" }, age: 32.5, vip_years: 1.5, joined_at: "2021-02-30T00:00:00Z" } }),
    ).toMatchObject({
      age: null,
      vip_years: 0,
      joined_at: null,
    })
  })

  test("an https avatar URL is kept (scheme-less ones get https:), anything else is null", () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ["https"], withQueryParameters: true, withFragments: true }), (url) => {
        expect(absoluteImageUrl(url)).toBe(new URL(url).href)
        expect(absoluteImageUrl(url.slice("https:".length))).toBe(new URL(url).href)
        expect(absoluteImageUrl(`http:${url.slice("https:".length)}`)).toBeNull()
      }),
    )
    fc.assert(
      fc.property(imageUrl, (url) => {
        expect(orNull(isHttpsUrl)(absoluteImageUrl(url))).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  test.each([
    ["http://walter.trakt.tv/a.jpg", null],
    ["https://a b/c.jpg", null],
    ["https:///walter.trakt.tv/a.jpg", null],
    ["https:\\\\walter.trakt.tv\\a.jpg", null],
    [" https://walter.trakt.tv/a.jpg", null],
    ["https://", null],
    ["https://walter.trakt.tv/a b.jpg", "https://walter.trakt.tv/a%20b.jpg"],
    ["HTTPS://Walter.Trakt.TV/a.jpg", "https://walter.trakt.tv/a.jpg"],
  ])("avatar %j → %j", (full, expected) => {
    const user = parseProfile({ user: { username: "u", ids: { slug: "s" }, images: { avatar: { full } }, vip_cover_image: full } })
    expect(user.avatar.full).toBe(expected)
    expect(user.vip_cover_image).toBe(expected)
  })

  test("through Auth(): an empty id fails the sign-in with INVALID_RESPONSE, not inside Auth.js; an avatar reaches the session as https or null", async () => {
    await fc.assert(
      fc.asyncProperty(settingsBody, accountIds, async (body, accountId) => {
        replaceSettings(body)
        const config = authConfig([Trakt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accountId })])
        const browser = new Browser(config)
        const callback = await browser.signInWithTrakt()
        if (lacksId(body, accountId)) {
          expect(callback.headers.get("location")).toBe(`${ORIGIN}/auth/error?error=Configuration`)
          expect(findTraktError(config.logs.errors[0])).toMatchObject({ code: "INVALID_RESPONSE" })
          return
        }
        expect(config.logs.errors).toEqual([])
        expect(callback.headers.get("location")).toBe(`${ORIGIN}/dashboard`)
        const { image } = (await browser.session()).user
        expect(image === null || isHttpsUrl(image)).toBe(true)
      }),
      { numRuns: 60 },
    )
  })
})

describe("avatars from a stand-in on this machine", () => {
  test("http on a loopback host is kept only when the profile came from a loopback base", () => {
    expect(absoluteImageUrl("http://127.0.0.1:4010/images/a.svg")).toBeNull()
    expect(absoluteImageUrl("http://127.0.0.1:4010/images/a.svg", true)).toBe("http://127.0.0.1:4010/images/a.svg")
    expect(absoluteImageUrl("http://evil.example/a.png", true)).toBeNull()
    expect(absoluteImageUrl("https://walter.trakt.tv/a.jpg", true)).toBe("https://walter.trakt.tv/a.jpg")
  })
})
