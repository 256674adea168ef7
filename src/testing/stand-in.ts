/**
 * The Trakt stand-in as a plain `(Request) => Promise<Response>` handler plus
 * the controls a test needs, so that a Node server (`startTraktStandIn`), msw
 * (`authjs-trakt/testing/msw`) or a test's own `fetch` can put it behind their
 * own transport. Written from Trakt's contract, not from this package's code.
 */
import { api } from "./api.js"
import { findUser, type Approval, type Context, type TraktStandInClient } from "./context.js"
import { image } from "./images.js"
import { DEFAULT_LIMITS, failureResponse, RateLimiter, type Failure, type FailureSpec, type TraktStandInRateLimits } from "./limits.js"
import { authorize, revoke, token } from "./oauth.js"
import { masked, recordOf, type TraktStandInRequest } from "./requests.js"
import { json } from "./responses.js"
import { TokenBook, type TokenSelector, type TraktStandInIssuedTokens } from "./tokens.js"
import { defaultStandInUser, sampleWatchlist, type TraktStandInUser } from "./users.js"

/** Seven days, as Trakt documents access tokens since 2026. */
export const DEFAULT_TOKEN_LIFETIME = 7 * 24 * 60 * 60

/** Options of {@link createTraktStandIn} and `startTraktStandIn`. */
export interface TraktStandInOptions {
  /** The OAuth apps it knows. @default one app, `standin-client-id` / `standin-client-secret`, redirecting to `http://localhost:3000/api/auth/callback/trakt` */
  clients?: TraktStandInClient[]
  /**
   * Its users, in Trakt's `/users/settings` shape (plus optional `stats` and
   * `watchlist`). The first one signs in at `/oauth/authorize` (see
   * {@link TraktStandIn.signInAs}). A user without `user.images` gets the
   * stand-in's own avatar. @default one user, `justin`
   */
  users?: TraktStandInUser[]
  /** `"auto"` approves at once, `"deny"` refuses at once, `"page"` shows Approve / Deny. @default "page" */
  approve?: Approval
  /** Seconds the access tokens issued from now on live. @default 604800 (7 days) */
  tokenLifetime?: number
  /** Trakt's per-user limits; small ones make a test of them fast. @default 500 GETs per 5 minutes, 1 write per second */
  rateLimits?: TraktStandInRateLimits
  /**
   * Also answer as api.trakt.tv did before July 2026: HTTP Basic or form
   * credentials on the token endpoint and no `User-Agent` needed. For comparing
   * with @auth/core's built-in Trakt provider, which still sends those; an app's
   * tests leave it off. @default false
   */
  legacy?: boolean
}

function register(context: Context, client: TraktStandInClient) {
  if (!client?.id || !Array.isArray(client.redirectUris)) throw new TypeError('Trakt stand-in: a client needs "id" and "redirectUris"')
  context.clients.set(client.id, { ...client, redirectUris: [...client.redirectUris] })
}

/** A stand-in for Trakt (OAuth and API), as {@link createTraktStandIn} makes it. */
export class TraktStandIn {
  private context: Context
  private received: TraktStandInRequest[] = []
  private failures: Failure[] = []
  private hanging = new Set<() => void>()

  constructor(private readonly options: TraktStandInOptions = {}) {
    this.context = this.fresh()
    this.handle = this.handle.bind(this)
  }

  /**
   * Back to the state the options describe: no tokens, requests, failures,
   * rate-limit windows or refresh counts; the clients, users, approval and
   * token lifetime as first given. For one stand-in shared by a test file.
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   * import { afterEach } from "vitest"
   *
   * const trakt = createTraktStandIn({ approve: "auto" })
   * afterEach(() => trakt.reset())
   * ```
   */
  reset(): void {
    this.releaseHanging()
    this.received = []
    this.failures = []
    this.context = this.fresh()
  }

  private fresh(): Context {
    const options = this.options
    const users = (options.users ?? [defaultStandInUser()]).map((u) => structuredClone(u))
    if (!users.length) throw new TypeError('Trakt stand-in: "users" must hold at least one user')
    for (const u of users) {
      if (!u?.user?.username || !u.user.ids?.slug)
        throw new TypeError('Trakt stand-in: each of "users" needs user.username and user.ids.slug')
    }
    if (!options.users) users[0]!.watchlist = sampleWatchlist()
    if (options.approve !== undefined && !["auto", "deny", "page"].includes(options.approve)) {
      throw new TypeError('Trakt stand-in: "approve" must be "auto", "deny" or "page"')
    }
    if (options.tokenLifetime !== undefined && !(Number.isFinite(options.tokenLifetime) && options.tokenLifetime > 0)) {
      throw new TypeError('Trakt stand-in: "tokenLifetime" must be a positive number of seconds')
    }
    const limits = { ...DEFAULT_LIMITS, ...options.rateLimits }
    const context: Context = {
      clients: new Map(),
      users: new Map(users.map((u) => [u.user.ids.slug, u])),
      tokens: new TokenBook(),
      limiter: new RateLimiter({ get: limits.get ?? false, write: limits.write ?? false }),
      approve: options.approve ?? "page",
      signedIn: users[0]!.user.ids.slug,
      tokenLifetime: options.tokenLifetime ?? DEFAULT_TOKEN_LIFETIME,
      legacy: options.legacy ?? false,
      refreshes: { requested: 0, granted: 0 },
    }
    const clients = options.clients ?? [
      { id: "standin-client-id", secret: "standin-client-secret", redirectUris: ["http://localhost:3000/api/auth/callback/trakt"] },
    ]
    for (const client of clients) register(context, client)
    return context
  }

  /**
   * Registers an app (or replaces the one with its id).
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * trakt.register({ id: "pkce-app", redirectUris: ["http://localhost:3000/api/auth/callback/trakt"] })
   * ```
   */
  register(client: TraktStandInClient): this {
    register(this.context, client)
    return this
  }

  /**
   * The live registration of an app: push to its `redirectUris` and the next
   * request sees the change.
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * trakt.client("standin-client-id").redirectUris.push("http://localhost:5173/auth/callback/trakt")
   * ```
   */
  client(id: string): TraktStandInClient {
    const client = this.context.clients.get(id)
    if (!client) throw new TypeError(`Trakt stand-in: no client ${JSON.stringify(id)}`)
    return client
  }

  /** How `/oauth/authorize` answers from now on. */
  get approve(): Approval {
    return this.context.approve
  }
  set approve(value: Approval) {
    this.context.approve = value
  }

  /** Seconds the access tokens issued from now on live. */
  get tokenLifetime(): number {
    return this.context.tokenLifetime
  }
  set tokenLifetime(seconds: number) {
    this.context.tokenLifetime = seconds
  }

  /**
   * Chooses who signs in at `/oauth/authorize` from now on (username or slug).
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn({
   *   users: [
   *     { user: { username: "ann", ids: { slug: "ann" } } },
   *     { user: { username: "bob", ids: { slug: "bob" } } },
   *   ],
   * })
   * trakt.signInAs("bob")
   * ```
   */
  signInAs(user: string): this {
    this.context.signedIn = this.userEntry(user).user.ids.slug
    return this
  }

  /**
   * The live `/users/settings` body of a user (the signed-in one by default):
   * change it and the next API call answers with the change.
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * trakt.settings().user.name = null
   * ```
   */
  settings(user?: string): TraktStandInUser {
    return this.userEntry(user ?? this.context.signedIn)
  }

  private userEntry(name: string): TraktStandInUser {
    const entry = findUser(this.context, name)
    if (!entry) throw new TypeError(`Trakt stand-in: no user ${JSON.stringify(name)}`)
    return entry
  }

  /**
   * Issues a token pair directly, as if the user had signed in to the app:
   * for a test that starts from a signed-in state. With `expires_at`, the pair
   * is in the shape an app keeps (the JWT, the account row).
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * const { access_token, refresh_token, expires_at } = trakt.issueTokens({ expiresIn: 60 })
   * ```
   */
  issueTokens(options: { client?: string; user?: string; expiresIn?: number } = {}): TraktStandInIssuedTokens {
    const client = options.client ?? this.context.clients.keys().next().value
    if (client === undefined || !this.context.clients.has(client))
      throw new TypeError(`Trakt stand-in: no client ${JSON.stringify(client)}`)
    const user = this.userEntry(options.user ?? this.context.signedIn).user.ids.slug
    const tokens = this.context.tokens.issue(client, user, options.expiresIn ?? this.context.tokenLifetime)
    return { ...tokens, expires_at: tokens.created_at + tokens.expires_in }
  }

  private selector(selector: TokenSelector): TokenSelector {
    return selector.user === undefined ? selector : { ...selector, user: this.userEntry(selector.user).user.ids.slug }
  }

  /**
   * Makes access tokens expire now: the API answers them 401, and their refresh
   * tokens still work. Selects every live token when given nothing. Returns how
   * many expired.
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * trakt.expire({ user: "justin" })
   * ```
   */
  expire(selector: TokenSelector = {}): number {
    return this.context.tokens.expire(this.selector(selector))
  }

  /**
   * Revokes token pairs, as a user disconnecting the app at Trakt does: the
   * access token answers 401 and the refresh token `invalid_grant`. Returns how
   * many were revoked.
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * const { access_token } = trakt.issueTokens()
   * trakt.revoke({ token: access_token })
   * ```
   */
  revoke(selector: TokenSelector = {}): number {
    return this.context.tokens.revoke(this.selector(selector))
  }

  /** Whether the API still accepts this access token (not expired, revoked or refreshed away). */
  isValid(accessToken: string): boolean {
    return !!this.context.tokens.access(accessToken)
  }

  /** Whether this refresh token can still be spent (single-use: a refresh kills it). */
  canRefresh(refreshToken: string): boolean {
    return this.context.tokens.canRefresh(refreshToken)
  }

  /** Refresh requests received (`grant_type: "refresh_token"`), and how many got new tokens. */
  get refreshes(): { requested: number; granted: number } {
    return { ...this.context.refreshes }
  }

  /**
   * Makes the next requests whose path ends with `path` fail as the test says:
   * a status (401, 403, 429, 5xx) with Cloudflare's HTML or a JSON body, a
   * `Retry-After`, or no answer at all. Failures queue: the oldest matching one
   * answers first. Injected answers skip the stand-in's checks and state.
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * trakt.failNext("/users/settings", { status: 403, body: "cloudflare-html" })
   * trakt.failNext("/users/me/watchlist/movies", { status: 429, retryAfter: 2 })
   * trakt.failNext("/oauth/token", { hang: true })
   * ```
   */
  failNext(path: string, failure: FailureSpec = {}): this {
    const times = failure.times ?? 1
    if (!Number.isInteger(times) || times < 1) throw new TypeError('Trakt stand-in: "times" must be a positive integer')
    this.failures.push({ ...failure, path, left: times })
    return this
  }

  /**
   * The requests received, oldest first, with secrets masked (`client_secret`,
   * codes, verifiers, tokens, `Authorization`, cookies: see {@link masked});
   * only those whose path ends with `path` when given.
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * const [exchange] = trakt.requests("/oauth/token")
   * console.log(exchange?.body.client_secret === trakt.masked("standin-client-secret"))
   * ```
   */
  requests(path?: string): TraktStandInRequest[] {
    return path === undefined ? [...this.received] : this.received.filter((r) => r.path.endsWith(path))
  }

  /**
   * The form `secret` takes in {@link requests}: `***` and a fingerprint, so a
   * test asserts which token or secret an app sent without any being kept.
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * const { refresh_token } = trakt.issueTokens()
   * // ... the app refreshes, then:
   * const sent = trakt.requests("/oauth/token").some((r) => r.body.refresh_token === trakt.masked(refresh_token))
   * ```
   */
  masked(secret: string): string {
    return masked(secret)
  }

  /** Forgets the requests received (keeps memory flat in a long benchmark). */
  clearRequests(): void {
    this.received.length = 0
  }

  /** Answers every hanging request with a 503 (`stop()` does this too). */
  releaseHanging(): void {
    for (const release of [...this.hanging]) release()
  }

  private takeFailure(request: Request, path: string): Failure | undefined {
    const failure = this.failures.find((f) => path.endsWith(f.path) && (!f.method || f.method.toUpperCase() === request.method))
    if (failure && --failure.left === 0) this.failures.splice(this.failures.indexOf(failure), 1)
    return failure
  }

  private hang(request: Request): Promise<Response> {
    return new Promise((resolve) => {
      const release = () => {
        this.hanging.delete(release)
        resolve(new Response(null, { status: 503 }))
      }
      this.hanging.add(release)
      request.signal?.addEventListener("abort", release, { once: true })
    })
  }

  /**
   * Answers one request as Trakt would. Paths may sit under a base path. Bound,
   * so it can be passed around as is.
   * @example
   * ```ts
   * import { createTraktStandIn } from "authjs-trakt/testing"
   *
   * const trakt = createTraktStandIn()
   * const response = await trakt.handle(new Request("http://trakt.test/users/settings"))
   * console.log(response.status) // 403: no User-Agent, as Cloudflare answers
   * ```
   */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.text()
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {}
    const record = recordOf(request, url, text, parsed)
    this.received.push(record)
    const failure = this.takeFailure(request, url.pathname)
    const response = failure
      ? failure.hang
        ? await this.hang(request)
        : failureResponse(failure, request.method)
      : this.route(request, url, text, parsed)
    record.status = response.status
    return response
  }

  private route(request: Request, url: URL, text: string, parsed: unknown): Response {
    const path = url.pathname
    const c = this.context
    if (/\/oauth\/authorize$/.test(path)) {
      if (request.method !== "GET" && request.method !== "POST") return json({ error: "method_not_allowed" }, 405)
      return authorize(c, request, url, new URLSearchParams(request.method === "POST" ? text : ""))
    }
    if (/\/oauth\/(token|revoke)$/.test(path)) {
      if (request.method !== "POST") return json({ error: "method_not_allowed" }, 405)
      return path.endsWith("/token") ? token(c, request, text, parsed) : revoke(c, request, text, parsed)
    }
    return (
      image(c, request, url) ?? api(c, request, url, parsed) ?? json({ error: "not_found", error_description: "No such endpoint." }, 404)
    )
  }
}

/**
 * Makes a Trakt stand-in with no server: its `handle` answers Web `Request`s,
 * for msw (see `authjs-trakt/testing/msw`) or a test's own `fetch`.
 * @example
 * ```ts
 * import { createTraktStandIn } from "authjs-trakt/testing"
 *
 * const trakt = createTraktStandIn({ approve: "auto" })
 * const fetchTrakt: typeof fetch = async (input, init) => trakt.handle(new Request(input, init))
 * ```
 */
export function createTraktStandIn(options?: TraktStandInOptions): TraktStandIn {
  return new TraktStandIn(options)
}
