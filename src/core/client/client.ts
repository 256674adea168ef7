/**
 * Calling the Trakt API for a signed-in user, on the server: Trakt's headers,
 * the refresh through the same rotation engine as `traktJwt`, Trakt's limits
 * (per token, in the whole process), retries and pagination.
 */
import { joinUrl } from "../endpoints.js"
import { argumentError, TraktError } from "../errors.js"
import { block, limitKey, paceWrite, waitForLimit } from "./pacing.js"
import { createRefresher, type Recorded, type StoredTraktTokens, type TraktRefreshOptions } from "../refresh/refresher.js"
import { sleep } from "../util/time.js"
import { isExpired, type TraktTokenSet } from "../tokens.js"
import { describeRequest, errorFor, readJson, retryAfter, send } from "../transport.js"

/** What {@link createTraktClient} takes: the user's tokens, and the refresh helpers' options. */
export interface TraktClientOptions extends TraktRefreshOptions {
  /**
   * The user's Trakt tokens, as Auth.js keeps them: the decoded JWT (from
   * `getToken`) or the adapter's account. Fields besides these are read as
   * `traktJwt` reads them (the callback URL the user signed in with). `null`
   * (nobody is signed in) makes every call fail with `UNAUTHORIZED`, sending nothing.
   */
  token: StoredTraktTokens | null | undefined
  /**
   * Called with the new token set whenever the client refreshed the tokens,
   * before the call that needed them goes on; awaited. A database app saves
   * them to the account here. (A JWT app needs nothing: the next `traktJwt`
   * finds the successor and rewrites the cookie.)
   */
  onTokens?: (tokens: TraktTokenSet) => unknown
  /**
   * Seconds a call may spend waiting to be retried: a 429 whose `Retry-After`
   * fits is waited out and retried once (a longer one fails at once with
   * `RATE_LIMITED`), and 502, 503, 504 and network failures are retried with a
   * back-off (250 ms, doubling) as long as the waits add up to no more. `0`:
   * never wait, never retry.
   * @default 5
   */
  maxRetryWait?: number
}

/** Query parameters of a call; `undefined` and `null` ones are left out. */
export type TraktQuery = Record<string, string | number | boolean | null | undefined>

/** One call through {@link TraktClient.request}. */
export interface TraktCallInit {
  /** @default "GET" */
  method?: "GET" | "POST" | "PUT" | "DELETE"
  query?: TraktQuery
  /** Sent as JSON. */
  body?: unknown
  /**
   * Whether a 502, 503, 504 or network failure may be retried. A POST that
   * Trakt ran may have been recorded (a check-in, a history entry) even though
   * the answer was lost: say `true` only when running it twice does no harm.
   * @default true, except for POST
   */
  retry?: boolean
}

/** A client of the Trakt API for one user. Every method fails with a {@link TraktError}, naming the method and path only. */
export interface TraktClient {
  /** `GET path`, resolving to the parsed JSON. */
  get<T = unknown>(path: string, options?: { query?: TraktQuery; retry?: boolean }): Promise<T>
  /** `POST path` with `body` as JSON; not retried on 5xx unless `retry: true`. */
  post<T = unknown>(path: string, body?: unknown, options?: { query?: TraktQuery; retry?: boolean }): Promise<T>
  /** `PUT path` with `body` as JSON. */
  put<T = unknown>(path: string, body?: unknown, options?: { query?: TraktQuery; retry?: boolean }): Promise<T>
  /** `DELETE path`; `null` for Trakt's 204. */
  delete<T = unknown>(path: string, options?: { query?: TraktQuery; retry?: boolean }): Promise<T>
  /**
   * The items of every page of a paginated list, page after page: `limit`
   * (Trakt's page size) is sent with every page, and the last page is the one
   * `X-Pagination-Page-Count` names.
   */
  paginate<T = unknown>(path: string, options?: { query?: TraktQuery; limit?: number }): AsyncIterableIterator<T>
  /**
   * The call as `init` describes it, resolving to Trakt's 2xx `Response` with
   * its body unread (headers, pagination, a body that is not JSON); the
   * `timeout` covers the answer's arrival, not the reading of its body.
   */
  request(path: string, init?: TraktCallInit): Promise<Response>
}

/** The first wait before retrying a 5xx or a network failure, in ms; each next one doubles. */
const FIRST_BACKOFF = 250

/**
 * A client of the Trakt API for one signed-in user, for server code only: the
 * access token never leaves the server. It sends Trakt's headers on every
 * call, refreshes an expired token first (through the same engine as
 * `traktJwt`, so the two spend each refresh token once between them, with the
 * same `store`), refreshes once on a 401, waits out short 429s, paces writes to
 * Trakt's 1 per second, and retries what is safe to retry. Cheap to create:
 * make one per request.
 *
 * @example
 * In a route handler, with the tokens from the Auth.js JWT (never from the session):
 * ```ts
 * import { getToken } from "@auth/core/jwt"
 * import { createTraktClient } from "authjs-trakt"
 *
 * export async function GET(request: Request) {
 *   const token = await getToken({ req: request, secret: process.env.AUTH_SECRET, secureCookie: request.url.startsWith("https:") })
 *   const trakt = createTraktClient({ token })
 *   const stats = await trakt.get<{ movies: { watched: number } }>("/users/me/stats")
 *   return Response.json({ watchedMovies: stats.movies.watched })
 * }
 * ```
 */
export function createTraktClient(options: TraktClientOptions): TraktClient {
  const refresher = createRefresher(options)
  const { token, onTokens, maxRetryWait = 5 } = options
  if (token != null && typeof token != "object") throw argumentError("token", "must be an object or null")
  if (!(maxRetryWait >= 0 && maxRetryWait < Infinity)) throw argumentError("maxRetryWait", "must be a number of seconds, 0 or more")
  const maxWait = maxRetryWait * 1000
  const { connection } = refresher
  // What the sign-in recorded (traktJwt's fields) is read from the token as well.
  const recorded = (token ?? {}) as Recorded
  let { access_token, refresh_token, expires_at } = token ?? {}
  let rotating: Promise<unknown> | undefined
  let known: [string, Promise<string>] | undefined
  // Read on first use (a build has no environment), then kept.
  let base: string | undefined
  let clientId: string | undefined

  /**
   * Replaces `stale` by its successor through the rotation engine, unless a
   * call made at the same time did already: concurrent calls share one
   * rotation. A failure reaches `onError`, then the caller.
   */
  async function rotate(stale: string | null | undefined) {
    if (access_token !== stale) return
    await (rotating ??= refresher
      .rotate(refresh_token ?? "", recorded)
      .then(
        (fresh) => {
          ;({ access_token, refresh_token = refresh_token, expires_at } = fresh)
          return onTokens?.(fresh)
        },
        (error: TraktError) => {
          refresher.report(error)
          throw error
        },
      )
      .finally(() => (rotating = undefined)))
  }

  /** The URL of a call: `path` under the API base (its own path kept), never another host. */
  function urlOf(path: string, method: string, query: TraktQuery): URL {
    const api = (base ??= joinUrl(connection.endpoints().api, ""))
    let url: URL | undefined
    try {
      url = new URL(/^([a-z][\w+.-]*:|[\\/]{2})/i.test(path) ? path : path.replace(/^\/+/, ""), api)
    } catch {}
    if (!url?.href.startsWith(api)) throw new TraktError("INVALID_PATH", `${method} not sent: not a path of the Trakt API`)
    for (const [name, value] of Object.entries(query)) if (value != null) url.searchParams.set(name, `${value}`)
    return url
  }

  /** Sends a call once with the current token, within the token's limits; the answer's body unread when `raw`. */
  async function sendOnce(url: URL, method: string, json: unknown, what: string, raw?: boolean) {
    const sent = access_token!
    // The limits' key, hashed once per token.
    if (known?.[0] !== sent) known = [sent, limitKey(sent)]
    const key = await known[1]
    await waitForLimit(key, maxWait, what)
    if (method != "GET") await paceWrite(key)
    const headers = {
      "trakt-api-key": (clientId ??= connection.credentials().clientId),
      "trakt-api-version": "2",
      authorization: `Bearer ${sent}`,
    }
    const read = (response: Response) => (raw && response.ok ? Promise.resolve("") : response.text())
    return { ...(await send(connection.transport, url.href, { method, json, headers }, read)), sent, key }
  }

  /** One call, with every retry the rules allow: its 2xx response, and its body unless `raw`. */
  async function call(path: string, { method = "GET", query = {}, body: json, retry = method != "POST" }: TraktCallInit, raw?: boolean) {
    const url = urlOf(path, method, query)
    const what = describeRequest(method, url.href)
    const backoff = backoffWithin(retry ? maxWait : -1)
    let rotated = false
    let waited429 = false
    for (;;) {
      if (!access_token && !refresh_token) throw new TraktError("UNAUTHORIZED", `${what} not sent: nobody is signed in`)
      if (!rotated && (!access_token || isExpired(expires_at, refresher.clockSkew))) {
        rotated = true
        await rotate(access_token)
      }
      let answer: Awaited<ReturnType<typeof sendOnce>>
      try {
        answer = await sendOnce(url, method, json, what, raw)
      } catch (error) {
        // A timeout is not retried: Trakt may be slow, and the caller's time is spent.
        if ((error as TraktError).code == "NETWORK_ERROR" && (await backoff())) continue
        throw error
      }
      const { response, body, sent, key } = answer
      const { status } = response
      if (status == 401 && !rotated) {
        // Revoked, or refreshed by another process: once, never in a loop.
        rotated = true
        await rotate(sent)
        continue
      }
      if (status == 429) {
        const seconds = retryAfter(response.headers.get("retry-after"))
        if (seconds != null) block(key, Date.now() + seconds * 1000)
        // waitForLimit waits it out on the way round.
        if (seconds != null && seconds * 1000 <= maxWait && !waited429) {
          waited429 = true
          continue
        }
      }
      if (status > 501 && status < 505 && (await backoff())) continue
      if (!response.ok) throw errorFor(what, response, body)
      return { response, body, what }
    }
  }

  // Trakt answers some calls (a DELETE) with 204 and no body.
  const json = async (path: string, init: TraktCallInit): Promise<any> => readJson(await call(path, init)) ?? null

  return {
    get: (path, options) => json(path, { ...options, method: "GET" }),
    post: (path, body, options) => json(path, { ...options, method: "POST", body }),
    put: (path, body, options) => json(path, { ...options, method: "PUT", body }),
    delete: (path, options) => json(path, { ...options, method: "DELETE" }),
    request: async (path, init = {}) => (await call(path, init, true)).response,
    async *paginate(path, { query, limit } = {}) {
      for (let page = 1; ; page++) {
        const answer = await call(path, { query: { ...query, page, limit } })
        const { response, what } = answer
        const items = readJson(answer)
        if (!Array.isArray(items))
          throw new TraktError("INVALID_RESPONSE", `${what} answered ${response.status}, not a list`, { status: response.status })
        yield* items
        if (!items.length || !(page < +response.headers.get("x-pagination-page-count")!)) return
      }
    },
  }
}

/**
 * The back-off of one call's retries (a 5xx or a network failure): each call of
 * the result waits 250 ms, then twice as long as the last time, and resolves
 * to true, as long as the waits add up to no more than `maxWait` ms; past
 * that (or with a negative `maxWait`: no retries), it resolves to false at once.
 */
function backoffWithin(maxWait: number): () => Promise<boolean> {
  // The waits so far add up to `next - FIRST_BACKOFF` (each doubles the last).
  let next = FIRST_BACKOFF
  return async () => {
    if (2 * next - FIRST_BACKOFF > maxWait) return false
    await sleep(next)
    next *= 2
    return true
  }
}
