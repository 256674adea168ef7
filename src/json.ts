/** Reading JSON from Trakt, which may leave out or null any field. */

export type Json = Record<string, any>

export const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Picks `keys` (space-separated) from `source`, keeping each value that has the
 * `typeof` Trakt documents and putting `fallback` in place of any other.
 */
export const typed = (source: Json, keys: string, type: string, fallback?: null | false): Json =>
  Object.fromEntries(keys.split(" ").map((key) => [key, typeof source[key] === type ? source[key] : fallback]))
