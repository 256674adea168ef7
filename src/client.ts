/**
 * Calling the Trakt API for a signed-in user, on the server: Trakt's headers,
 * the refresh through the same rotation engine as `traktJwt`, Trakt's limits
 * (per token, in the whole process), retries and pagination.
 */
import { invalidOption, TraktError } from "./errors.js"
import { block, limitKey, paceWrite, waitForLimit } from "./pacing.js"
import { refreshSettings, rotateTokens, type RefreshSettings, type StoredTraktTokens, type TraktRefreshOptions } from "./refresh.js"
import { sleep } from "./sleep.js"
import { isExpired, type TraktTokenSet } from "./tokens.js"
import { describeRequest, errorFor, isJson, parseJson, retryAfter, send } from "./transport.js"
import { joinUrl } from "./endpoints.js"

/** What {@link createTraktClient} takes: the user's tokens, and the refresh helpers' options. */
export interface TraktClientOptions extends TraktRefreshOptions {
  /**
   * The user's Trakt tokens, as Auth.js keeps them: the decoded JWT (from
   * `getToken`) or the adapter's account. Fields besides these are read as
   * `traktJwt` reads them (the callback URL the user signed in with). `null`
   * (nobody is signed in) makes every call fail with `UNAUTHORIZED`, sending nothing.
   */
  token: (StoredTraktTokens & { [field: string]: unknown }) | null | undefined
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
  /** The call as `init` describes it, resolving to Trakt's 2xx `Response`, body unread (headers, pagination, a body that is not JSON). */
  request(path: string, init?: TraktCallInit): Promise<Response>
}

/** The first wait before retrying a 5xx or a network failure, in ms; each next one doubles. */
const FIRST_BACKOFF = 250

const isNonNegative = (value: unknown) => typeof value === "number" && value >= 0 && value < Infinity

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
  const settings = refreshSettings(options)
  const { token, onTokens, maxRetryWait = 5 } = options
  if (token != null && typeof token !== "object") throw invalidOption("token", "must be the user's token fields (a JWT or an account), or null")
  if (onTokens !== undefined && typeof onTokens !== "function") throw invalidOption("onTokens", "must be a function")
  if (!isNonNegative(maxRetryWait)) throw invalidOption("maxRetryWait", "must be a number of seconds, 0 or more")
  const tokens = new ClientTokens(settings, token ?? {}, onTokens)
  const maxWait = maxRetryWait * 1000

  /** The URL of `path` under the API base; anything that leaves it is refused before a request. */
  function target(method: string, path: string, query: TraktQuery = {}): string {
    const api = settings.connection.endpoints().api
    let url: URL | undefined
    try {
      url = new URL(typeof path === "string" && !/^([a-z][a-z\d+.-]*:|[\\/]{2})/i.test(path) ? joinUrl(api, path) : path)
    } catch {}
    const base = api.href.endsWith("/") ? api.href : `${api.href}/`
    if (!url || url.origin !== api.origin || !`${url.pathname}/`.startsWith(new URL(base).pathname)) {
      throw new TraktError("INVALID_PATH", `${method}: the path must be a path of the Trakt API, such as "/users/me/stats"; nothing was sent`)
    }
    for (const [name, value] of Object.entries(query)) if (value != null) url.searchParams.set(name, `${value}`)
    return url.href
  }

  /** One call, with every retry the rules allow: its 2xx response, and its body unless `raw`. */
  async function exchange(path: string, init: TraktCallInit, raw: boolean) {
    const method = init.method ?? "GET"
    const url = target(method, path, init.query)
    const what = describeRequest(method, url)
    const retriable = init.retry ?? method !== "POST"
    const read = (response: Response) => (raw && response.ok ? Promise.resolve("") : response.text())
    let refreshed = false
    let waited429 = false
    let backoff = FIRST_BACKOFF
    let waited = 0
    // Whether a 5xx or a network failure can be retried within maxRetryWait; waits first.
    const retryLater = async () => {
      if (!retriable || waited + backoff > maxWait) return false
      await sleep(backoff)
      waited += backoff
      backoff *= 2
      return true
    }
    for (;;) {
      const [accessToken, renewed] = await tokens.access(what, !refreshed)
      refreshed ||= renewed
      const key = await limitKey(accessToken)
      await waitForLimit(key, maxWait, what)
      if (method !== "GET") await paceWrite(key)
      let exchanged
      try {
        exchanged = await send(settings.connection.transport, url, { method, json: init.body, headers: tokens.headers(accessToken) }, read)
      } catch (error) {
        // A timeout is not retried: Trakt may be slow, and the caller's deadline is spent.
        if ((error as TraktError).code === "NETWORK_ERROR" && (await retryLater())) continue
        throw error
      }
      const { response, body } = exchanged
      const { status } = response
      if (status === 401 && !refreshed) {
        // The token was revoked, or another process refreshed it: once, never in a loop.
        refreshed = true
        await tokens.refresh(accessToken)
        continue
      }
      if (status === 429) {
        const seconds = retryAfter(response.headers.get("retry-after"))
        if (seconds !== undefined) block(key, Date.now() + seconds * 1000)
        // waitForLimit waits it out on the way round.
        if (seconds !== undefined && seconds * 1000 <= maxWait && !waited429) {
          waited429 = true
          continue
        }
      }
      if (status >= 502 && status <= 504 && (await retryLater())) continue
      if (!response.ok) throw errorFor(what, response, parseJson(body), body)
      return { response, body, what }
    }
  }

  async function json<T>(path: string, init: TraktCallInit): Promise<T> {
    const { response, body, what } = await exchange(path, init, false)
    const parsed = parseJson(body)
    if (!isJson(parsed)) throw new TraktError("INVALID_RESPONSE", `${what} answered ${response.status}, not JSON`, { status: response.status })
    // Trakt answers 204 (a DELETE, say) with no body.
    return (parsed ?? null) as T
  }

  return {
    get: (path, options = {}) => json(path, { ...options, method: "GET" }),
    post: (path, body, options = {}) => json(path, { ...options, method: "POST", body }),
    put: (path, body, options = {}) => json(path, { ...options, method: "PUT", body }),
    delete: (path, options = {}) => json(path, { ...options, method: "DELETE" }),
    request: async (path, init = {}) => (await exchange(path, init, true)).response,
    async *paginate<T>(path: string, { query, limit }: { query?: TraktQuery; limit?: number } = {}) {
      for (let page = 1; ; page++) {
        const { response, body, what } = await exchange(path, { query: { ...query, page, limit } }, false)
        const items = parseJson(body)
        if (!Array.isArray(items)) throw new TraktError("INVALID_RESPONSE", `${what} answered no list`, { status: response.status })
        yield* items as T[]
        if (!items.length || !(page < Number(response.headers.get("x-pagination-page-count")))) return
      }
    },
  }
}

/** The tokens one client holds, and their refresh: one at a time, however many calls are made at once. */
class ClientTokens {
  private current: StoredTraktTokens
  private refreshing: Promise<void> | undefined

  constructor(
    private readonly settings: RefreshSettings,
    private readonly recorded: Record<string, unknown>,
    private readonly onTokens: TraktClientOptions["onTokens"],
  ) {
    const { access_token, refresh_token, expires_at } = recorded as StoredTraktTokens
    this.current = { access_token, refresh_token, expires_at }
  }

  /** A valid access token (the one held, or when `mayRefresh` and it expired, its successor), and whether it was refreshed. */
  async access(what: string, mayRefresh: boolean): Promise<[string, boolean]> {
    const { access_token, refresh_token, expires_at } = this.current
    if (!access_token && !refresh_token) throw new TraktError("UNAUTHORIZED", `${what} was not sent: no Trakt token (nobody is signed in)`)
    const expired = !access_token || isExpired(expires_at, this.settings.clockSkew)
    if (expired && mayRefresh) await this.refresh(access_token)
    return [this.current.access_token ?? "", expired && mayRefresh]
  }

  /** Trakt's headers for a call (`send` adds User-Agent and Content-Type). */
  headers(accessToken: string): Record<string, string> {
    return {
      "trakt-api-key": this.settings.connection.credentials().clientId,
      "trakt-api-version": "2",
      authorization: `Bearer ${accessToken}`,
    }
  }

  /**
   * Replaces `stale` by its successor through the rotation engine, unless a
   * call made at the same time did already: concurrent calls share one
   * refresh. A failure reaches `onError`, then the caller.
   */
  async refresh(stale: string | null | undefined): Promise<void> {
    if (this.current.access_token !== stale) return
    await (this.refreshing ??= this.rotate().finally(() => (this.refreshing = undefined)))
  }

  private async rotate(): Promise<void> {
    let fresh: TraktTokenSet
    try {
      fresh = await rotateTokens(this.settings, this.current.refresh_token ?? "", this.recorded)
    } catch (error) {
      this.settings.report(error as TraktError)
      throw error
    }
    const { access_token, refresh_token = this.current.refresh_token, expires_at } = fresh
    this.current = { access_token, refresh_token, expires_at }
    await this.onTokens?.(fresh)
  }
}
