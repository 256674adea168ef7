/** Reading JSON from Trakt, which may leave out or null any field. */

export type Json = Record<string, any>

export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)

/** `value` if it is an object, else an empty one: Trakt may send anything where an object belongs. */
export const objectOr = (value: unknown): Json => (isObject(value) ? value : {})

/**
 * Picks `keys` (space-separated) from `source`, keeping each value that has the
 * `typeof` Trakt documents and putting `fallback` in place of any other.
 */
export const typed = (source: Json, keys: string, type: string, fallback?: null | false): Json =>
  Object.fromEntries(keys.split(" ").map((key) => [key, typeof source[key] === type ? source[key] : fallback]))

/** A whole number (zod's `.int()`, as Trakt's schemas have it), or null. */
export const integer = (value: unknown): number | null => (Number.isInteger(value) ? (value as number) : null)

/** A string with something besides whitespace in it, or undefined: Trakt's schemas allow empty ids, and a blank one is no id either. */
export const nonEmpty = (value: unknown): string | undefined => (typeof value === "string" && value.trim() ? value : undefined)
