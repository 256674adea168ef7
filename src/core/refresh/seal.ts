/**
 * What a token store holds, made useless to anyone without the refresh token it
 * was filed under: the key is a hash of that token, the value is encrypted with
 * a key derived from it. WebCrypto only, so it runs on edge runtimes too.
 */
import { fromBase64, hex, toBase64, utf8 } from "../util/bytes.js"
import { isObject, type Json } from "../util/json.js"

/** Where a refresh token's record lives, and the key that opens it. */
export interface SealKey {
  /** Hex SHA-256 (by HKDF) of the refresh token: names the record, reveals nothing. */
  id: string
  key: CryptoKey
}

/** Derives a refresh token's record name and encryption key (HKDF-SHA-256, AES-256-GCM). */
export async function sealKey(refreshToken: string): Promise<SealKey> {
  const material = await crypto.subtle.importKey("raw", utf8(refreshToken), "HKDF", false, ["deriveBits", "deriveKey"])
  const hkdf = (info: string) => ({ name: "HKDF", hash: "SHA-256", salt: utf8("authjs-trakt"), info: utf8(info) })
  const id = await crypto.subtle.deriveBits(hkdf("record name v1"), material, 256)
  const key = await crypto.subtle.deriveKey(hkdf("record key v1"), material, { name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ])
  return { id: hex(id), key }
}

/**
 * Encrypts `value` as `v1.<iv>.<ciphertext>` (base64). A plain string, not JSON, so that
 * stores which parse JSON on read (unstorage does) hand it back unchanged.
 */
export async function seal({ id, key }: SealKey, value: Json): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  // The record name is authenticated too: a value copied under another name fails to open.
  const params = { name: "AES-GCM", iv, additionalData: utf8(id) }
  const sealed = await crypto.subtle.encrypt(params, key, utf8(JSON.stringify(value)))
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`
}

/** Decrypts what {@link seal} made; throws on anything else (garbage, another key, tampering). */
export async function unseal({ id, key }: SealKey, value: unknown): Promise<Json> {
  const [version, iv, data] = typeof value === "string" ? value.split(".") : []
  if (version !== "v1" || !iv || !data) throw new TypeError("not a sealed record")
  const params = { name: "AES-GCM", iv: fromBase64(iv), additionalData: utf8(id) }
  const json: unknown = JSON.parse(new TextDecoder().decode(await crypto.subtle.decrypt(params, key, fromBase64(data))))
  if (!isObject(json)) throw new TypeError("not a sealed record")
  return json
}
