/**
 * Sealing (src/core/refresh/seal.ts): what a token store holds is useless to
 * anyone without the spent refresh token it was filed under. The name is a
 * hash of that token, the value is encrypted with a key derived from it, and a
 * record moved under another name does not open.
 */
import { describe, expect, test } from "vitest"
import { seal, sealKey, unseal } from "../../src/core/refresh/seal.js"

const TOKEN = "4f1a9c0e2b7d4c1f8e3a6b5d9c0e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e"
const TOKENS = { access_token: "access-1", refresh_token: "refresh-2", expires_at: 1_800_000_000 }

describe("sealKey", () => {
  test("names a token's record with 64 hex digits, the same each time, another for another token", async () => {
    const [a, again, other] = await Promise.all([sealKey(TOKEN), sealKey(TOKEN), sealKey(`${TOKEN}0`)])
    expect(a.id).toMatch(/^[0-9a-f]{64}$/)
    expect(again.id).toBe(a.id)
    expect(other.id).not.toBe(a.id)
    expect(a.id).not.toContain(TOKEN.slice(0, 16))
  })
})

describe("seal and unseal", () => {
  test("a sealed record opens with the key of the token it was sealed under, as it was", async () => {
    const key = await sealKey(TOKEN)
    const sealed = await seal(key, TOKENS)
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/]+=*\.[A-Za-z0-9+/]+=*$/)
    expect(sealed).not.toContain("access-1")
    expect(await unseal(key, sealed)).toEqual(TOKENS)
  })

  test("the same tokens sealed twice look different (a fresh IV each time)", async () => {
    const key = await sealKey(TOKEN)
    expect(await seal(key, TOKENS)).not.toBe(await seal(key, TOKENS))
  })

  test("another token's key does not open it", async () => {
    const sealed = await seal(await sealKey(TOKEN), TOKENS)
    await expect(unseal(await sealKey("another-refresh-token"), sealed)).rejects.toThrow()
  })

  test("a record copied under another name does not open, even with the right key: the name is authenticated", async () => {
    const key = await sealKey(TOKEN)
    const sealed = await seal(key, TOKENS)
    await expect(unseal({ ...key, id: (await sealKey("elsewhere")).id }, sealed)).rejects.toThrow()
  })

  test("a tampered record does not open", async () => {
    const key = await sealKey(TOKEN)
    const [version, iv, data] = (await seal(key, TOKENS)).split(".") as [string, string, string]
    const flipped = data.startsWith("A") ? `B${data.slice(1)}` : `A${data.slice(1)}`
    await expect(unseal(key, [version, iv, flipped].join("."))).rejects.toThrow()
  })

  test.each([null, undefined, 42, "", "v1", "v1..", "v2.AAAA.AAAA", { access_token: "x" }])("%j is no sealed record", async (value) => {
    await expect(unseal(await sealKey(TOKEN), value)).rejects.toThrow()
  })
})
