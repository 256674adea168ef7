/** Trakt's token responses, and (see the helpers below) refreshing and revoking them. */
import { TraktError } from "./errors.js"

/** A token set as Trakt issues it, with `expires_at` added as Auth.js stores it. */
export interface TraktTokenSet {
  access_token: string
  /** Single-use: each refresh returns a new one and kills this one. */
  refresh_token?: string
  token_type: string
  scope?: string
  /** Seconds the access token lives (7 days today; never assume it). */
  expires_in?: number
  /** When Trakt issued the token, in epoch seconds. */
  created_at?: number
  /** When the access token expires, in epoch seconds. */
  expires_at?: number
}

const optional = <T>(value: unknown, type: string): T | undefined =>
  typeof value === type ? (value as T) : undefined

/**
 * Checks a token response body and keeps the fields Trakt documents. Only
 * `access_token` is required; `token_type` defaults to `bearer`, which is what
 * Trakt sends and what Auth.js accepts.
 */
export function parseTokenResponse(body: unknown, now = Date.now()): TraktTokenSet {
  const json = (body ?? {}) as Record<string, unknown>
  if (typeof json.access_token !== "string" || !json.access_token) {
    throw new TraktError("INVALID_RESPONSE", "the token response has no access_token")
  }
  const expiresIn = optional<number>(json.expires_in, "number")
  const createdAt = optional<number>(json.created_at, "number")
  // Expiry is compared with this server's clock, so it is computed on this clock
  // (as Auth.js does at sign-in), not from Trakt's created_at.
  const expiresAt =
    expiresIn === undefined
      ? optional<number>(json.expires_at, "number")
      : Math.floor(now / 1000) + expiresIn
  return {
    access_token: json.access_token,
    refresh_token: optional(json.refresh_token, "string"),
    token_type: optional(json.token_type, "string") ?? "bearer",
    scope: optional(json.scope, "string"),
    expires_in: expiresIn,
    created_at: createdAt,
    expires_at: expiresAt,
  }
}
