import fc from "fast-check"
import { describe, expect, test } from "vitest"
import Trakt, { TraktError } from "../src/index.js"
import { absoluteImageUrl, parseSettings } from "../src/profile.js"
import { settingsFixture } from "../fake-trakt/trakt.js"

const mapProfile = (accountId: "slug" | "uuid" = "slug") => Trakt({ clientId: "id", accountId }).profile!

describe("parseSettings", () => {
  test("keeps the documented profile, adds slug and avatar, and keeps what else Trakt sent", () => {
    const user = parseSettings(settingsFixture)
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
    const user = parseSettings({ user: { username: "u", ids: { slug: "s" }, images: null, age: "32", vip: "yes" } })
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
    expect(() => parseSettings(body)).toThrow(expect.objectContaining({ name: "TraktError", code: "INVALID_RESPONSE" }))
  })

  test("requires ids.uuid only when asked to", () => {
    const body = { user: { username: "u", ids: { slug: "s" } } }
    expect(parseSettings(body).ids.uuid).toBeUndefined()
    expect(() => parseSettings(body, true)).toThrow(expect.objectContaining({ code: "INVALID_RESPONSE" }))
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
    const user = parseSettings(settingsFixture)
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
          fc.record({ slug: fc.oneof(fc.string(), fc.jsonValue()), uuid: fc.oneof(fc.uuid(), fc.jsonValue()), trakt: fc.jsonValue() }, { requiredKeys: [] }),
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
          parsed = parseSettings(json, accountId === "uuid")
        } catch (error) {
          expect(error).toBeInstanceOf(TraktError)
          expect((error as TraktError).code).toBe("INVALID_RESPONSE")
          return
        }
        const user = await mapProfile(accountId)(parsed, {})
        expect(typeof user.id).toBe("string")
        expect(typeof user.name).toBe("string")
        expect(user.email).toBeNull()
        expect(user.image === null || /^https?:\/\//.test(user.image!)).toBe(true)
        expect(parsed.avatar).toBe(parsed.images.avatar)
        expect(parsed.slug).toBe(parsed.ids.slug)
      }),
      { numRuns: 2000 },
    )
  })
})
