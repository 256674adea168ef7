/**
 * The signed-in user's Trakt avatar, served by the app: Trakt forbids and
 * blocks hot-linking its images, so the browser gets the app's copy.
 */
import { avatarCache, avatarFetches, decodeAvatar, encodeAvatar, sha256, storeKey, type Avatar } from "./avatar-cache.js"
import { allowedImageUrl, avatarVersion, imageHosts } from "./avatar-url.js"
import { isLoopback, parseBaseUrl } from "./endpoints.js"
import { invalidOption, TraktError } from "./errors.js"
import { placeholderSvg } from "./placeholder.js"
import { isStore, storeCall, type TraktTokenStore } from "./store.js"
import { createTransport, describeRequest, errorFor, parseJson, send, type TraktRequestOptions, type Transport } from "./transport.js"

/** What {@link traktAvatar} takes besides the image URL. */
export interface TraktAvatarOptions extends TraktRequestOptions {
  /** The incoming request: a matching `If-None-Match` gets a `304`. */
  request?: Request
  /** The user's name: the placeholder shows its first letter. */
  name?: string | null
  /**
   * The provider's `baseUrl`: when it is a loopback stand-in
   * (`http://127.0.0.1:4010`), avatars on its origin are fetched too. Any
   * other value adds no host.
   */
  baseUrl?: string | URL
  /** Host names to fetch avatars from besides Trakt's (`walter.trakt.tv`, `walter-r2.trakt.tv`, `media.trakt.tv`, `secure.gravatar.com`); `https:` only. */
  imageHosts?: string[]
  /** The fetch to send requests with. @default globalThis.fetch */
  fetch?: typeof fetch
  /**
   * Keeps avatars for every instance of the app (the same shape as the refresh
   * helpers' store), besides this process's memory: each is fetched once.
   */
  store?: TraktTokenStore
  /** The largest avatar fetched, in bytes; a larger one is refused. @default 1048576 (1 MiB) */
  maxBytes?: number
  /** How many avatars this process keeps in memory. @default 1000 */
  cacheEntries?: number
  /** How many bytes of avatars this process keeps in memory. @default 52428800 (50 MiB) */
  cacheBytes?: number
  /** Seconds an avatar is kept (memory, store, and browsers on a versioned route). @default 86400 */
  maxAge?: number
  /** Hears every failure the placeholder stood in for, as a {@link TraktError}. @default console.error */
  onError?: (error: TraktError) => void
}

const MiB = 2 ** 20
/** The types an avatar may be: the raster formats browsers decode, and SVG (served sandboxed). */
const IMAGE_TYPE = /^image\/(png|jpeg|gif|webp|avif|svg\+xml)$/
const MAX_REDIRECTS = 3
/** Seconds a placeholder is kept, by browsers and (after a failed fetch) by this process. */
const PLACEHOLDER_MAX_AGE = 600
/** Enough of an error body to tell a Cloudflare page from Trakt's JSON. */
const ERROR_BODY_BYTES = 4096

/**
 * Every answer is sandboxed: an SVG (or anything a browser would sniff) opened
 * as a page of the app's origin runs nothing and loads nothing.
 */
const SAFE_HEADERS = { "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox" }

interface AvatarSettings {
  transport: Transport
  hosts: ReadonlySet<string>
  standIn: () => string | undefined
  store?: TraktTokenStore
  maxBytes: number
  maxAge: number
  cache: ReturnType<typeof avatarCache>
  report: (error: TraktError) => void
}

const count = (value: unknown) => typeof value === "number" && Number.isInteger(value) && value > 0

function avatarSettings(options: TraktAvatarOptions): AvatarSettings {
  const { maxBytes = MiB, cacheEntries = 1000, cacheBytes = 50 * MiB, maxAge = 86_400, store, onError = console.error } = options
  for (const [option, value] of Object.entries({ maxBytes, cacheEntries, cacheBytes, maxAge })) {
    if (!count(value)) throw invalidOption(option, "must be a whole number, 1 or more")
  }
  if (store !== undefined && !isStore(store)) throw invalidOption("store", "must have getItem and setItem (an unstorage Storage, say)")
  if (typeof onError !== "function") throw invalidOption("onError", "must be a function")
  return {
    transport: createTransport(options),
    hosts: imageHosts(options.imageHosts),
    // Checked on use (it may come from the environment): a bad one is reported, and the placeholder served.
    standIn() {
      const base = options.baseUrl ? parseBaseUrl(options.baseUrl, "baseUrl") : undefined
      return base && isLoopback(base.hostname) ? base.origin : undefined
    },
    store,
    maxBytes,
    maxAge,
    cache: avatarCache(cacheEntries, cacheBytes),
    report: onError,
  }
}

/**
 * Answers a request for the user's avatar: the image itself, fetched on the
 * server from Trakt (with the package's `User-Agent` and `timeout`) and kept
 * (in memory, bounded to `cacheEntries` and `cacheBytes`, and in `store`),
 * with its type, an `ETag` (`304` to a matching `If-None-Match`) and
 * `Cache-Control`. Return the `Response` from a route handler as it is.
 *
 * Only avatars on Trakt's image hosts over `https:` are fetched (and those of a
 * loopback `baseUrl`): any other URL, an IP address, a port, user info, or a
 * redirect off those hosts is refused before a request is made, as are an
 * answer over `maxBytes` or not an image. Every answer carries
 * `Content-Security-Policy: sandbox` and `X-Content-Type-Options: nosniff`, so
 * an SVG is never a live page of the app.
 *
 * When there is no image, or it is refused, or Trakt refuses, fails or times
 * out, the answer is a placeholder (an SVG with the first letter of `name`,
 * 200, kept for 10 minutes), never Trakt's error and never a 500; the failure
 * reaches `onError`. Take the image URL from the server-side session, never
 * from the request.
 *
 * @example
 * A route handler (next-auth v5, `app/api/avatar/route.ts`), with the
 * provider's `avatarUrl: "/api/avatar"` and the session's `avatar`:
 * ```ts
 * import { traktAvatar } from "authjs-trakt"
 *
 * declare function auth(): Promise<{ avatar?: string | null; user?: { name?: string | null } } | null>
 *
 * export async function GET(request: Request) {
 *   const session = await auth()
 *   return traktAvatar(session?.avatar, { request, name: session?.user?.name })
 * }
 * ```
 */
export async function traktAvatar(image: string | null | undefined, options: TraktAvatarOptions = {}): Promise<Response> {
  const settings = avatarSettings(options)
  let avatar: Avatar | null = null
  try {
    avatar = image ? await loadAvatar(settings, image) : null
  } catch (error) {
    settings.report(error instanceof TraktError ? error : new TraktError("INVALID_RESPONSE", "the avatar could not be read", { cause: error }))
  }
  let cacheControl = `private, max-age=${PLACEHOLDER_MAX_AGE}`
  if (avatar) {
    // A route versioned by the avatar (the provider's `avatarUrl`) may be kept for long;
    // an unversioned one is asked again each time (a 304 then), since it may show another user next.
    const version = options.request && new URL(options.request.url).searchParams.get("v")
    cacheControl = version === avatarVersion(image) ? `private, max-age=${settings.maxAge}, immutable` : "private, no-cache"
  } else {
    avatar = await placeholder(options.name)
  }
  const headers = { "content-type": avatar.type, etag: avatar.etag, "cache-control": cacheControl, ...SAFE_HEADERS }
  const matches = options.request?.headers.get("if-none-match")?.split(",").some((tag) => [avatar.etag, "*"].includes(tag.trim().replace(/^W\//, "")))
  return matches ? new Response(null, { status: 304, headers }) : new Response(avatar.body, { headers })
}

const encoder = new TextEncoder()
const etagOf = async (body: Uint8Array<ArrayBuffer>) => `"${(await sha256(body)).slice(0, 32)}"`

async function placeholder(name: unknown): Promise<Avatar> {
  const body = encoder.encode(placeholderSvg(name))
  return { type: "image/svg+xml", body, etag: await etagOf(body) }
}

/** The avatar at `image`, from memory, the store or Trakt; null for one whose fetch failed a moment ago. */
async function loadAvatar(settings: AvatarSettings, image: string): Promise<Avatar | null> {
  const url = allowedImageUrl(image, settings.hosts, settings.standIn())
  if (!url) throw new TraktError("IMAGE_REFUSED", "the avatar URL is not on Trakt's image hosts over https (see the imageHosts option): nothing was fetched")
  const kept = settings.cache.get(url.href)
  if (kept !== undefined) return kept
  const fetches = avatarFetches()
  let fetching = fetches.get(url.href)
  if (!fetching) {
    fetching = fetchAvatar(settings, url).finally(() => fetches.delete(url.href))
    fetches.set(url.href, fetching)
  }
  return fetching
}

/** Reads the store, else downloads; keeps what it got (or that it failed) in memory, and a download in the store. */
async function fetchAvatar(settings: AvatarSettings, url: URL): Promise<Avatar> {
  const { store, cache, transport, maxAge, report } = settings
  const key = store && (await storeKey(url.href))
  if (store) {
    try {
      const stored = decodeAvatar(await storeCall("read", () => store.getItem(key!), transport.timeout))
      if (stored) {
        cache.set(url.href, stored, maxAge)
        return stored
      }
    } catch (error) {
      report(error as TraktError) // Trakt is asked instead.
    }
  }
  let avatar: Avatar
  try {
    avatar = await download(settings, url)
  } catch (error) {
    cache.set(url.href, null, PLACEHOLDER_MAX_AGE)
    throw error
  }
  cache.set(url.href, avatar, maxAge)
  if (store) {
    try {
      await storeCall("write", () => store.setItem(key!, encodeAvatar(avatar), { ttl: maxAge }), transport.timeout)
    } catch (error) {
      report(error as TraktError)
    }
  }
  return avatar
}

const refused = (why: string) => new TraktError("IMAGE_REFUSED", why)

/** GETs the avatar, following at most a few redirects, each only to an allowed URL, all within one `timeout`. */
async function download(settings: AvatarSettings, url: URL): Promise<Avatar> {
  const deadline = Date.now() + settings.transport.timeout
  for (let hops = 0; ; hops++) {
    const what = describeRequest("GET", url.href)
    const { response, body } = await send(
      settings.transport,
      url.href,
      { headers: { accept: "image/*" }, timeout: deadline - Date.now() },
      (response) => readImage(response, settings.maxBytes, what),
    )
    const { status } = response
    if (status > 299 && status < 400) {
      const location = response.headers.get("location")
      let next: URL | null = null
      try {
        if (location && hops < MAX_REDIRECTS) next = allowedImageUrl(new URL(location, url).href, settings.hosts, settings.standIn())
      } catch {}
      if (!next) throw refused(`${what} redirected off Trakt's image hosts (or too often): the redirect was not followed`)
      url = next
      continue
    }
    if (!response.ok) {
      const text = new TextDecoder().decode(body)
      throw errorFor(what, response, parseJson(text), text)
    }
    return { type: imageType(response)!, body, etag: await etagOf(body) }
  }
}

/** The type of an image answer, or undefined when it is not an image this package serves. */
function imageType(response: Response): string | undefined {
  const type = response.headers.get("content-type")?.split(";")[0]!.trim().toLowerCase()
  return type && IMAGE_TYPE.test(type) ? type : undefined
}

/** Reads an answer's body: none of a redirect's, a little of an error's, an image's up to `maxBytes`. */
async function readImage(response: Response, maxBytes: number, what: string): Promise<Uint8Array<ArrayBuffer>> {
  const { status } = response
  if (status > 299 && status < 400) return readUpTo(response, 0)
  if (!response.ok) return readUpTo(response, ERROR_BODY_BYTES)
  const tooLarge = () => refused(`${what} answered more than ${maxBytes} bytes (the maxBytes option)`)
  if (!imageType(response)) {
    void response.body?.cancel().catch(() => {})
    throw refused(`${what} answered ${response.headers.get("content-type")?.split(";")[0] || "no type"}, not an image`)
  }
  if (Number(response.headers.get("content-length")) > maxBytes) {
    void response.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  return readUpTo(response, maxBytes, tooLarge)
}

/**
 * The first `limit` bytes of a body, read as it streams, so a large (or
 * endless) one is never held whole; past the limit, stops reading and throws
 * `over()` if given.
 */
async function readUpTo(response: Response, limit: number, over?: () => TraktError): Promise<Uint8Array<ArrayBuffer>> {
  const reader = response.body?.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  while (reader) {
    const { done, value } = await reader.read()
    if (done) break
    if (size + value.byteLength > limit) {
      reader.cancel().catch(() => {})
      if (over) throw over()
      chunks.push(value.subarray(0, limit - size))
      size = limit
      break
    }
    chunks.push(value)
    size += value.byteLength
  }
  const body = new Uint8Array(size)
  for (let i = 0, at = 0; i < chunks.length; at += chunks[i]!.byteLength, i++) body.set(chunks[i]!, at)
  return body
}
