/**
 * Which avatar URLs this package fetches: Trakt's image hosts, nothing else.
 * An image proxy that fetches what it is handed is a request forgery.
 */
import { argumentError } from "../errors.js"
import { absoluteImageUrl } from "../profile.js"

/** The hosts Trakt serves avatars from (its contract lists these). */
export const TRAKT_IMAGE_HOSTS = ["walter.trakt.tv", "walter-r2.trakt.tv", "media.trakt.tv", "secure.gravatar.com"]

/**
 * Checks the `imageHosts` option: host names only, since an IP literal, a port
 * or a scheme would let the allow-list reach what it exists to keep out.
 */
export function imageHosts(extra: unknown = []): Set<string> {
  const hosts = Array.isArray(extra) ? extra : [extra]
  // The last label starts with a letter: no IPv4 literal passes, nor a bracketed IPv6 one.
  if (!hosts.every((host) => typeof host === "string" && /^([a-z\d-]+\.)+[a-z][a-z\d-]*$/.test(host))) {
    throw argumentError("imageHosts", "must be lower-case host names")
  }
  return new Set([...TRAKT_IMAGE_HOSTS, ...hosts])
}

/**
 * The URL to fetch for `value`, or null when it is not an avatar this package
 * may fetch: `https:` on one of `hosts`, with no port and no user info; or
 * anything on the origin of a loopback stand-in (`standIn`, the origin of a
 * loopback `baseUrl`). A scheme-less `//host/...` gets `https:`.
 */
export function allowedImageUrl(value: unknown, hosts: ReadonlySet<string>, standIn?: string): URL | null {
  if (typeof value !== "string") return null
  let url: URL
  try {
    url = new URL(value.startsWith("//") ? `https:${value}` : value)
  } catch {
    return null
  }
  if (url.username || url.password) return null
  if (standIn && url.origin === standIn) return url
  // absoluteImageUrl refuses what the URL parser would forgive (backslashes, `https:///x`).
  return absoluteImageUrl(value) && !url.port && hosts.has(url.hostname) ? url : null
}
