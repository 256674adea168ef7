/**
 * The signed-in user's Trakt avatar, served by the app: Trakt forbids and
 * blocks hot-linking its images, so the browser gets the app's copy.
 */
import { avatarCache, decodeAvatar, encodeAvatar, type Avatar } from "./cache.js"
import { allowedImageUrl, imageHosts } from "./hosts.js"
import { sha256, utf8 } from "../util/bytes.js"
import { isLoopback, parseBaseUrl } from "../endpoints.js"
import { argumentError, TraktError } from "../errors.js"
import { placeholderSvg } from "./placeholder.js"
import { checkStore, storeCall, type TraktStore } from "../store.js"
import { checkReport } from "../options.js"
import { createTransport, errorFor, send, type TraktRequestOptions } from "../transport.js"

/** What {@link traktAvatar} takes besides the image URL. `request` and `name` are per request; the rest configures the route. */
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
  store?: TraktStore
  /** The largest avatar fetched, in bytes; a larger one is refused. @default 1048576 (1 MiB) */
  maxBytes?: number
  /** How many avatars this process keeps in memory. @default 1000 */
  cacheEntries?: number
  /** How many bytes of avatars this process keeps in memory. @default 52428800 (50 MiB) */
  cacheBytes?: number
  /** Seconds an avatar is kept, in memory and in `store`. @default 86400 */
  maxAge?: number
  /** Hears every failure the placeholder stood in for, as a {@link TraktError}. @default console.error */
  onError?: (error: TraktError) => void
}

/** The types an avatar may be: the raster formats browsers decode, and SVG (served sandboxed). */
const IMAGE_TYPE = /^image\/(png|jpeg|gif|webp|avif|svg\+xml)$/
/** Seconds this process serves the placeholder for an avatar whose fetch failed, before asking Trakt again. */
const FAILED_FOR = 600

/**
 * On every answer. The sandbox: an SVG (or anything a browser would sniff)
 * opened as a page of the app's origin runs nothing and loads nothing.
 * `no-cache`: the route's URL is the same for every user and every avatar, so
 * the browser asks again each time, and a matching ETag makes that a 304.
 */
const HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
  "cache-control": "private, no-cache",
}

/** Fetches under way, by URL. */
const fetches = new Map<string, Promise<Avatar>>()
const etagOf = async (body: Uint8Array<ArrayBuffer>) => `"${(await sha256(body)).slice(0, 32)}"`
const refused = (why: string) => new TraktError("IMAGE_REFUSED", why)
const positive = (value: unknown) => Number.isInteger(value) && (value as number) > 0

/** What an avatar route answers one request with: the user's avatar, or the placeholder. */
export type TraktAvatarRoute = (
  image: string | null | undefined,
  request?: Pick<TraktAvatarOptions, "request" | "name">,
) => Promise<Response>

/**
 * Answers a request for the user's avatar: the image itself, fetched on the
 * server from Trakt (with the package's `User-Agent` and `timeout`) and kept
 * (in memory, bounded by `cacheEntries` and `cacheBytes`, and in `store`),
 * with its type, an `ETag` (`304` to a matching `If-None-Match`) and
 * `Cache-Control: private, no-cache`. Return the `Response` from a route
 * handler as it is.
 *
 * Only avatars on Trakt's image hosts over `https:` are fetched (and those on a
 * loopback `baseUrl`): any other URL, an IP address, a port, user info, or a
 * redirect off those hosts is refused before a request is made, as is an
 * answer over `maxBytes` or not an image. Every answer carries
 * `Content-Security-Policy: sandbox` and `X-Content-Type-Options: nosniff`,
 * so an SVG is never a live page of the app.
 *
 * When there is no image, or it is refused, or Trakt refuses, fails or times
 * out, the answer is a placeholder (a 200 SVG with the first letter of
 * `name`), never Trakt's error and never a 500; the failure reaches `onError`,
 * and Trakt is asked again after 10 minutes. Take the image URL from the
 * server-side session, never from the request.
 *
 * Called with the options alone, it checks them once and returns the route,
 * which then takes only the image and the request: make it once, beside the
 * route handler.
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
 *
 * @example
 * The options checked once (a stand-in's avatars allowed through `baseUrl`):
 * ```ts
 * import { traktAvatar } from "authjs-trakt"
 *
 * declare function auth(): Promise<{ avatar?: string | null; user?: { name?: string | null } } | null>
 * const avatar = traktAvatar({ baseUrl: process.env.TRAKT_BASE_URL })
 *
 * export async function GET(request: Request) {
 *   const session = await auth()
 *   return avatar(session?.avatar, { request, name: session?.user?.name })
 * }
 * ```
 */
export function traktAvatar(options?: TraktAvatarOptions): TraktAvatarRoute
export function traktAvatar(image: string | null | undefined, options?: TraktAvatarOptions): Promise<Response>
export function traktAvatar(
  image?: string | null | TraktAvatarOptions,
  options?: TraktAvatarOptions,
): TraktAvatarRoute | Promise<Response> {
  if (typeof image === "object" && image !== null) return avatarRoute(image)
  try {
    return avatarRoute(options)(image, options)
  } catch (error) {
    return Promise.reject(error)
  }
}

/** The route for `options`, each checked here, once. */
function avatarRoute(options: TraktAvatarOptions = {}): TraktAvatarRoute {
  const { maxBytes = 2 ** 20, cacheEntries = 1000, cacheBytes = 50 * 2 ** 20, maxAge = 86_400, store, onError } = options
  for (const [option, value] of Object.entries({ maxBytes, cacheEntries, cacheBytes, maxAge })) {
    if (!positive(value)) throw argumentError(option, "must be a whole number, 1 or more")
  }
  checkStore(store)
  const report = checkReport(onError)
  const transport = createTransport(options)
  const hosts = imageHosts(options.imageHosts)
  const cache = avatarCache(cacheEntries, cacheBytes)
  // The origin of a loopback stand-in, whose avatars are fetched too, parsed
  // on first use: a bad `baseUrl` (it may come from the environment) fails
  // each avatar that needs it, reported, never the route's creation.
  let standIn: { origin: string | undefined } | undefined
  /** The URL a value may be fetched from, or null. */
  function allowed(value: string): URL | null {
    if (!standIn) {
      const base = options.baseUrl ? parseBaseUrl(options.baseUrl, "baseUrl") : undefined
      standIn = { origin: base && isLoopback(base.hostname) ? base.origin : undefined }
    }
    return allowedImageUrl(value, hosts, standIn.origin)
  }

  /** GETs the avatar, following at most 3 redirects, each only to an allowed URL, all within one `timeout`. */
  async function download(url: URL): Promise<Avatar> {
    const deadline = Date.now() + transport.timeout
    for (let hops = 0; ; hops++) {
      const read = (response: Response, what: string) => {
        if (response.status > 299 && response.status < 400) return readUpTo(response, 0)
        // A little of an error's body: enough to tell Cloudflare's page from Trakt's JSON.
        if (!response.ok) return readUpTo(response, 4096)
        if (!imageType(response))
          return readUpTo(response, 0).then(() =>
            Promise.reject(refused(`${what} answered ${response.headers.get("content-type")}, not an image`)),
          )
        return readUpTo(response, maxBytes, refused(`${what} answered over ${maxBytes} bytes`))
      }
      const { response, body, what } = await send(
        transport,
        url.href,
        { headers: { accept: "image/*" }, timeout: deadline - Date.now() },
        read,
      )
      if (response.ok) return { type: imageType(response)!, body, etag: await etagOf(body) }
      if (response.status < 300 || response.status > 399) {
        throw errorFor(what, response, new TextDecoder().decode(body))
      }
      const location = response.headers.get("location")
      let next: URL | null = null
      try {
        next = location && hops < 3 ? allowed(new URL(location, url).href) : null
      } catch {}
      if (!next) throw refused(`${what} redirected off Trakt's image hosts, or too often`)
      url = next
    }
  }

  /** The avatar at `url` from the store, or else from Trakt (then kept in the store). */
  async function fetchAvatar(url: URL): Promise<Avatar> {
    const key = `authjs-trakt:avatar:${await sha256(url.href)}`
    const stored = store && (await storeCall("read", () => store.getItem(key), transport.timeout).then(decodeAvatar, report))
    if (stored) return stored
    const avatar = await download(url)
    if (store) await storeCall("write", () => store.setItem(key, encodeAvatar(avatar), { ttl: maxAge }), transport.timeout).catch(report)
    return avatar
  }

  /** The avatar at `image`, kept in memory; null while a failed fetch is remembered. Concurrent calls share one fetch. */
  async function load(image: string): Promise<Avatar | null> {
    const url = allowed(image)
    if (!url) throw refused("the avatar is not on Trakt's image hosts")
    let avatar = cache.get(url.href)
    if (avatar !== undefined) return avatar
    const fetching = fetches.get(url.href) ?? fetchAvatar(url).finally(() => fetches.delete(url.href))
    fetches.set(url.href, fetching)
    avatar = null
    try {
      return (avatar = await fetching)
    } finally {
      // A failure (avatar still null) is remembered for a while.
      cache.set(url.href, avatar, avatar ? maxAge : FAILED_FOR)
    }
  }

  return async (image, { request, name } = {}) => {
    let avatar: Avatar | null = null
    try {
      avatar = image ? await load(image) : null
    } catch (error) {
      report(error as TraktError)
    }
    if (!avatar) {
      const body = utf8(placeholderSvg(name))
      avatar = { type: "image/svg+xml", body, etag: await etagOf(body) }
    }
    // The ETag is `"<hex>"`: found in a list, with or without `W/`.
    const matches = request?.headers.get("if-none-match")?.includes(avatar.etag)
    return new Response(matches ? null : avatar.body, {
      status: matches ? 304 : 200,
      headers: { ...HEADERS, "content-type": avatar.type, etag: avatar.etag },
    })
  }
}

/** The type of an image answer, or undefined when it is not an image this package serves. */
function imageType(response: Response): string | undefined {
  const type = response.headers.get("content-type")?.split(";")[0]!.trim().toLowerCase()
  return type && IMAGE_TYPE.test(type) ? type : undefined
}

/**
 * The first `limit` bytes of a body, read as it streams, so that a large (or
 * endless) one is never held whole: past the limit it stops reading, and
 * throws `over` if given (at once when the declared length is over).
 */
async function readUpTo(response: Response, limit: number, over?: TraktError): Promise<Uint8Array<ArrayBuffer>> {
  const reader = response.body?.getReader()
  const chunks: Uint8Array<ArrayBuffer>[] = []
  try {
    if (over && Number(response.headers.get("content-length")) > limit) throw over
    for (let size = 0, chunk; reader && !(chunk = await reader.read()).done;) {
      const room = limit - size
      size += chunk.value.length
      if (size > limit && over) throw over
      chunks.push(chunk.value.subarray(0, room) as Uint8Array<ArrayBuffer>)
      if (size > limit) break
    }
  } finally {
    // Stops reading a body left unread (a no-op for one read to its end).
    reader?.cancel().catch(() => {})
  }
  return new Uint8Array(await new Blob(chunks).arrayBuffer())
}
