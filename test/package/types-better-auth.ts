/**
 * What a Better Auth app on TypeScript 7 writes with `authjs-trakt/better-auth`
 * (better-auth installed, no @auth/core): never run, only type-checked by
 * scripts/check-package.mjs as types.ts is, with the same rules: every export
 * named and used, and `@ts-expect-error` lines that fail if a type decays to `any`.
 */
import { betterAuth } from "better-auth"
import { memoryAdapter } from "better-auth/adapters/memory"
import { isAPIError } from "better-auth/api"
import {
  findTraktError,
  trakt,
  TRAKT_PLUGIN_ERROR_CODES,
  TraktError,
  traktClient,
  type BetterAuthInstance,
  type TraktAccountId,
  type TraktCallInit,
  type TraktClient,
  type TraktErrorCode,
  type TraktPluginOptions,
  type TraktPluginState,
  type TraktQuery,
  type TraktStore,
  type TraktUser,
} from "authjs-trakt/better-auth"

declare const env: Record<string, string | undefined>

const memory = new Map<string, string>()
const store: TraktStore = {
  getItem: (key) => memory.get(key),
  setItem: (key, value, { ttl }) => {
    memory.set(key, value)
    setTimeout(() => memory.delete(key), ttl * 1000)
  },
  setItemIfAbsent: (key, value) => !memory.has(key) && !!memory.set(key, value),
  removeItem: (key) => memory.delete(key),
}

const accountId: TraktAccountId = "uuid"
const options: TraktPluginOptions = {
  clientId: env.AUTH_TRAKT_ID,
  clientSecret: env.AUTH_TRAKT_SECRET,
  baseUrl: env.TRAKT_BASE_URL,
  userAgent: "my-app/1.0",
  timeout: 10_000,
  accountId,
  avatarUrl: "/api/avatar",
  store,
  clockSkew: 60,
  disableSignUp: false,
  exposeTokens: false,
  revokeOnDelete: true,
  onError(error) {
    const code: TraktErrorCode = error.code
    console.warn(code, error.status, error.retryAfter)
  },
}

export const auth = betterAuth({
  database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
  plugins: [trakt(options)],
})
/** Each kind of store the plugin takes. */
export const plugins = [trakt(), trakt({ store: "better-auth" }), trakt({ store: "memory", accountId: "slug" })]

/** The plugin's state is in `auth`'s type: named, so that `declaration: true` can emit `auth` (the check turns it on). */
export const stateOf = (plugin: ReturnType<typeof trakt>): TraktPluginState => plugin.$trakt

/** traktClient takes the app's own `auth`, whatever its options made of its type. */
const instance: BetterAuthInstance = auth

/** A server route: the user's watchlist from Trakt, and what the app tells the browser when it fails. */
export async function watchlist(request: Request): Promise<Response> {
  try {
    const client: TraktClient = await traktClient(instance, { headers: request.headers })
    const init: TraktCallInit = { query: { page: 1, limit: 10, extended: "full" } satisfies TraktQuery }
    const items = await client.get<{ movie?: { title: string } }[]>("/users/me/watchlist", init)
    return Response.json({ titles: items.map((item) => item.movie?.title) })
  } catch (error) {
    const traktError = findTraktError(error)
    if (traktError?.code === "RATE_LIMITED")
      return new Response(null, { status: 429, headers: { "retry-after": `${traktError.retryAfter ?? 60}` } })
    if (error instanceof TraktError && error.code === "UNAUTHORIZED") return Response.redirect("https://app.example/signin")
    throw error
  }
}

/** Better Auth's own getAccessToken, on the server: the plugin's codes tell "sign in again" from "try later". */
export async function accessToken(headers: Headers, account: string): Promise<string | null> {
  try {
    const { accessToken } = await auth.api.getAccessToken({ body: { accountId: account }, headers })
    return accessToken
  } catch (error) {
    if (isAPIError(error) && error.body?.code === TRAKT_PLUGIN_ERROR_CODES.TRAKT_REFRESH_REFUSED.code) return null
    if (isAPIError(error) && error.body?.code === auth.$ERROR_CODES.TRAKT_REFRESH_FAILED.code)
      throw new TraktError("SERVER_ERROR", "try again", { cause: error })
    throw error
  }
}

/** Better Auth's account info: its `data` is the Trakt profile the plugin read at /users/settings. */
export async function traktProfile(headers: Headers, account: string): Promise<string> {
  const info = await auth.api.accountInfo({ query: { accountId: account }, headers })
  const profile = info.data as TraktUser
  return profile.ids.uuid ?? profile.ids.slug
}

// The types are the package's, not `any`: each line below must stay an error.
// @ts-expect-error accountId is "slug" | "uuid"
trakt({ accountId: "id" })
// @ts-expect-error store is a TraktStore, "better-auth" or "memory"
trakt({ store: "redis" })
// @ts-expect-error a TraktErrorCode is one of the documented codes
export const unknownCode: TraktErrorCode = "NOT_A_CODE"
// @ts-expect-error the plugin's codes are string literals
export const codeAsNumber: number = TRAKT_PLUGIN_ERROR_CODES.TRAKT_REFRESH_REFUSED.code
// @ts-expect-error the app's auth knows the plugin's codes, and only those
export const notACode = auth.$ERROR_CODES.TRAKT_NOT_A_CODE
// @ts-expect-error traktClient needs the request's headers
export const noHeaders = () => traktClient(auth)
// @ts-expect-error traktClient needs betterAuth()'s result
export const notAuth = (headers: Headers) => traktClient({}, { headers })
