/** Bytes as text, and hashing them: WebCrypto and the web's globals only, so it runs on edge runtimes too. */

/** `text` as UTF-8 bytes. */
export const utf8 = (text: string) => new TextEncoder().encode(text)

/** Hex SHA-256 of `data` (a string is hashed as UTF-8): ETags, store keys, limit keys. */
export const sha256 = async (data: string | Uint8Array<ArrayBuffer>): Promise<string> =>
  hex(await crypto.subtle.digest("SHA-256", typeof data == "string" ? utf8(data) : data))

/** Bytes as lower-case hex. */
export const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("")

/** Bytes as base64. */
export function toBase64(bytes: Uint8Array): string {
  let binary = ""
  // In slices: spreading a megabyte into one call overflows the stack.
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192))
  return btoa(binary)
}

/** What {@link toBase64} made; throws for anything that is not base64. */
export const fromBase64 = (value: string) => Uint8Array.from(atob(value), (char) => char.charCodeAt(0))
