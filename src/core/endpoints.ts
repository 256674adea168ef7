/** Where Trakt lives, and the validation of the options that move it. */
import { invalidOption } from "./errors.js"

/** Trakt's production API. */
export const PRODUCTION_API = "https://api.trakt.tv"
/** Trakt's production OAuth server, and its issuer. */
export const PRODUCTION_OAUTH = "https://auth.trakt.tv"
/** Trakt's staging API, as its contract (`Environment.ts`) lists it. */
export const STAGING_API = "https://api-staging.trakt.tv"

/** The URLs one configuration of this package talks to. */
export interface TraktEndpoints {
  /** The API base, for `/users/settings` and every other API call. */
  api: URL
  /** `GET /users/settings`: the profile, with the stable `ids.uuid`. */
  settings: string
  authorize: string
  token: string
  revoke: string
  /** The OAuth server's identity, matched against the callback's `iss`. */
  issuer: string
}

/** Options that choose the Trakt environment. */
export interface TraktEndpointOptions {
  /**
   * The Trakt API base URL. `https://api-staging.trakt.tv` switches sign-in to
   * Trakt's staging environment end to end; any other base (a local stand-in
   * such as `http://127.0.0.1:4010`) serves the OAuth endpoints too.
   * Must be `https:`, or `http:` on a loopback host. Checked when first needed
   * (it often comes from the environment): a bad one fails that sign-in or
   * refresh with `INVALID_OPTION`, never the build. An empty string means the default.
   * @default "https://api.trakt.tv"
   */
  baseUrl?: string | URL
  /**
   * The base that serves `/oauth/authorize`, `/oauth/token` and `/oauth/revoke`,
   * when it is not the one `baseUrl` implies. Checked like `baseUrl`.
   * @default "https://auth.trakt.tv" for production, Trakt's staging hosts for staging, `baseUrl` otherwise
   */
  oauthBaseUrl?: string | URL
}

/** Whether `hostname` (as `URL` spells it) is this machine: the one place plain `http:` is allowed. */
export const isLoopback = (hostname: string) => /^(localhost|\[::1\]|127(\.\d+){3})$/.test(hostname)

/**
 * Parses a base URL option. Plain `http:` is refused except on loopback, because
 * the client secret travels in request bodies to this host. The error never
 * repeats the value, which may carry credentials.
 */
export function parseBaseUrl(value: unknown, option: string): URL {
  let url: URL | undefined
  try {
    url = new URL(value as string)
  } catch {}
  if (
    !url ||
    !(url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname))) ||
    url.username ||
    url.password ||
    url.search ||
    url.hash
  ) {
    throw invalidOption(option, "must be an https URL (http on localhost) without credentials, query or fragment", value)
  }
  return url
}

/**
 * Joins a base URL and a path, keeping the base's own path whether or not it
 * ends in a slash: `https://h/proxy` + `oauth/token` is `https://h/proxy/oauth/token`.
 */
export function joinUrl(base: URL, path: string): string {
  return new URL(path.replace(/^\/+/, ""), base.href.replace(/\/?$/, "/")).href
}

const sameBase = (url: URL, known: string) => url.href.replace(/\/+$/, "") === known

/** Resolves (and validates) every URL a configuration talks to; throws `INVALID_OPTION`. */
export function resolveEndpoints(options: TraktEndpointOptions = {}): TraktEndpoints {
  // An empty string counts as unset: `baseUrl: process.env.TRAKT_BASE_URL` with
  // `TRAKT_BASE_URL=` in a .env file means Trakt itself.
  const api = parseBaseUrl(options.baseUrl || PRODUCTION_API, "baseUrl")
  let authorizeBase: URL
  let tokenBase: URL
  if (options.oauthBaseUrl) {
    authorizeBase = tokenBase = parseBaseUrl(options.oauthBaseUrl, "oauthBaseUrl")
  } else if (sameBase(api, PRODUCTION_API)) {
    // Since July 2026 every OAuth request goes to auth.trakt.tv, never the API host.
    authorizeBase = tokenBase = new URL(PRODUCTION_OAUTH)
  } else if (sameBase(api, STAGING_API)) {
    // Staging keeps the pre-migration layout: authorize on the website host.
    authorizeBase = new URL("https://staging.trakt.tv")
    tokenBase = api
  } else {
    authorizeBase = tokenBase = api
  }
  return {
    api,
    settings: joinUrl(api, "users/settings"),
    authorize: joinUrl(authorizeBase, "oauth/authorize"),
    token: joinUrl(tokenBase, "oauth/token"),
    revoke: joinUrl(tokenBase, "oauth/revoke"),
    issuer: tokenBase.href.replace(/\/+$/, ""),
  }
}

/**
 * The endpoints of `options`, resolved on first use and remembered, so that a
 * provider or helper is created without touching them (a build has no
 * environment) and a bad value fails the first request that needs it.
 */
export function lazyEndpoints(options: TraktEndpointOptions): () => TraktEndpoints {
  let endpoints: TraktEndpoints | undefined
  return () => (endpoints ??= resolveEndpoints(options))
}
