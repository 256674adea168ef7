/**
 * What a token store holds, made useless to anyone without the refresh token it
 * was filed under: the key is a hash of that token, the value is encrypted with
 * a key derived from it. WebCrypto only, so it runs on edge runtimes too.
 */
import { isObject, type Json } from "./json.js"

const text = new TextEncoder()
const SALT = text.encode("authjs-trakt")

/** Bytes as lower-case hex. */
export const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("")

/** Where a refresh token's record lives, and the key that opens it. */
export interface SealKey {
  /** Hex SHA-256 (by HKDF) of the refresh token: names the record, reveals nothing. */
  id: string
  key: CryptoKey
}

/** Derives a refresh token's record name and encryption key (HKDF-SHA-256, AES-256-GCM). */
export async function sealKey(refreshToken: string): Promise<SealKey> {
  const material = await crypto.subtle.importKey("raw", text.encode(refreshToken), "HKDF", false, ["deriveBits", "deriveKey"])
  const hkdf = (info: string) => ({ name: "HKDF", hash: "SHA-256", salt: SALT, info: text.encode(info) })
  const id = await crypto.subtle.deriveBits(hkdf("record name v1"), material, 256)
  const key = await crypto.subtle.deriveKey(hkdf("record key v1"), material, { name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ])
  return { id: hex(id), key }
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
const fromBase64url = (value: string) =>
  Uint8Array.from(atob(value.replace(/-/g, "+").replace(/_/g, "/")), (char) => char.charCodeAt(0))

/**
 * Encrypts `value` as `v1.<iv>.<ciphertext>`. A plain string, not JSON, so that
 * stores which parse JSON on read (unstorage does) hand it back unchanged.
 */
export async function seal({ id, key }: SealKey, value: Json): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  // The record name is authenticated too: a value copied under another name fails to open.
  const params = { name: "AES-GCM", iv, additionalData: text.encode(id) }
  const sealed = await crypto.subtle.encrypt(params, key, text.encode(JSON.stringify(value)))
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`
}

/** Decrypts what {@link seal} made; throws on anything else (garbage, another key, tampering). */
export async function unseal({ id, key }: SealKey, value: unknown): Promise<Json> {
  const [version, iv, data] = typeof value === "string" ? value.split(".") : []
  if (version !== "v1" || !iv || !data) throw new TypeError("not a sealed record")
  const params = { name: "AES-GCM", iv: fromBase64url(iv), additionalData: text.encode(id) }
  const json: unknown = JSON.parse(new TextDecoder().decode(await crypto.subtle.decrypt(params, key, fromBase64url(data))))
  if (!isObject(json)) throw new TypeError("not a sealed record")
  return json
}
