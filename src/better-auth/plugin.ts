/**
 * Sign in with Trakt on Better Auth: the `trakt()` plugin. It registers Trakt as
 * one of Better Auth's own social providers (provider.ts), and adds what Better
 * Auth leaves to each provider: refreshes that spend Trakt's single-use tokens
 * once (the rotation engine, on a store every instance shares), the tokens kept
 * on the server, a revoke when the account goes, the avatar route, and the
 * reason a sign-in or a refresh failed.
 */
import { defineRequestState } from "@better-auth/core/context"
import { defineErrorCodes, type AuthContext, type BetterAuthPlugin } from "better-auth"
import { APIError, createAuthEndpoint, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api"
import { decryptOAuthToken } from "better-auth/oauth2"
import { traktAvatar, type TraktAvatarRoute } from "../core/avatar/avatar.js"
import type { TraktConnectionOptions } from "../core/connection.js"
import { argumentError, findTraktError, isRefusal, TraktError } from "../core/errors.js"
import { checkReport, type TraktAccountId } from "../core/options.js"
import { createRefresher } from "../core/refresh/refresher.js"
import { createTraktSignIn, TRAKT } from "../core/sign-in.js"
import { checkStore, type TraktStore } from "../core/store.js"
import { revokeTraktToken } from "../core/tokens.js"
import { BoundedCache } from "../core/util/memory.js"
import { AVATAR_FIELD, PLACEHOLDER_DOMAIN, traktProvider } from "./provider.js"
import { verificationStore } from "./store.js"

/** What {@link trakt} takes. The credentials default to `AUTH_TRAKT_ID` and `AUTH_TRAKT_SECRET`. */
export interface TraktPluginOptions extends TraktConnectionOptions {
  /**
   * Which Trakt id keys the account (Better Auth's `accountId`): Trakt's stable
   * `ids.uuid`, or the `slug`, which changes when the user renames their
   * account (and with it the user's placeholder e-mail).
   * @default "uuid"
   */
  accountId?: TraktAccountId
  /**
   * What `user.image` is, for new users: a path of the app that serves the
   * avatar (Trakt blocks hot-linked images).
   * @default "/api/auth/trakt/avatar": this plugin's own route (under Better Auth's `basePath`)
   */
  avatarUrl?: string
  /**
   * Where the rotation engine keeps what every instance must see (who is
   * refreshing a token, and what a spent token was traded for):
   * - `"better-auth"`: Better Auth's own verification storage: the app's
   *   `secondaryStorage` if it has one, else its database. Every instance
   *   shares it already.
   * - a {@link TraktStore} (an unstorage `Storage`, `postgresTokenStore`, Redis
   *   with `setItemIfAbsent`): an exact lock, or one store shared with an
   *   Auth.js app's `traktJwt`.
   * - `"memory"`: this process only (one instance).
   * @default "better-auth"
   */
  store?: TraktStore | "better-auth" | "memory"
  /**
   * Hears every failure (sign-in, refresh, revoke, avatar, store) as a
   * {@link TraktError}, besides Better Auth's logger, which hears them all.
   */
  onError?: (error: TraktError) => void
  /**
   * Seconds before Trakt's expiry at which a token counts as expired: Better
   * Auth's `getAccessToken` refreshes that early.
   * @default 60
   */
  clockSkew?: number
  /** Seconds a spent refresh token keeps resolving to its successor. @default 2592000 (30 days) */
  spentTokenTtl?: number
  /** No new user signs up with Trakt; users who have a Trakt account still sign in. @default false */
  disableSignUp?: boolean
  /**
   * Lets the browser read the user's Trakt tokens over HTTP (`POST
   * /get-access-token`, `/refresh-token`, which Better Auth otherwise answers
   * with the live tokens). Server code reads them through `auth.api` either way.
   * @default false
   */
  exposeTokens?: boolean
  /** Revokes the Trakt token when the account is unlinked or the user deleted. @default true */
  revokeOnDelete?: boolean
}

/**
 * The codes of the plugin's own answers, besides Better Auth's: branch on
 * `error.code` (`TRAKT_REFRESH_REFUSED`: sign in with Trakt again;
 * `TRAKT_REFRESH_FAILED`: try again later).
 */
export const TRAKT_PLUGIN_ERROR_CODES = defineErrorCodes({
  TRAKT_TOKENS_STAY_ON_THE_SERVER: "Trakt tokens are read on the server (auth.api), never over HTTP",
  TRAKT_REFRESH_REFUSED: "Trakt refused the refresh token: sign in with Trakt again",
  TRAKT_REFRESH_FAILED: "Trakt could not refresh the token just now: try again",
})

/**
 * What the plugin keeps for `traktClient` (server.ts): set once `betterAuth()`
 * has run its `init`. Not for apps to read; exported because it is in the type
 * of every app's `auth`, which an app with `declaration: true` (a monorepo's
 * auth package) must be able to name (TS4023 otherwise).
 */
export interface TraktPluginState {
  options: TraktPluginOptions
  /** Seconds the stored `accessTokenExpiresAt` is ahead of Trakt's expiry (`clockSkew` - 5). */
  early: number
  store: TraktStore | undefined
  report(error: TraktError): void
}

const TOKEN_PATHS = new Set(["/get-access-token", "/refresh-token"])
const REFRESH_PATHS = new Set([...TOKEN_PATHS, "/account-info"])
const isPlaceholder = (email: unknown) => typeof email === "string" && email.toLowerCase().endsWith(`@${PLACEHOLDER_DOMAIN}`)
const fromTraktCallback = (ctx: { path?: string; params?: Record<string, unknown> } | null) =>
  ctx?.path === "/callback/:id" && ctx.params?.id === TRAKT.id

/**
 * Sign in with Trakt, as Better Auth's own social provider: `authClient.signIn.social({ provider: "trakt" })`,
 * callback `{baseURL}/callback/trakt` (`https://example.com/api/auth/callback/trakt`).
 *
 * OAuth runs on `https://auth.trakt.tv` with state and PKCE (S256), the token
 * exchange sends Trakt's JSON body (never form-encoded, never HTTP Basic), and
 * the profile comes from `GET /users/settings`. Trakt gives no e-mail address:
 * each user gets a placeholder that is never mailed and never links to another
 * account (`<uuid>@trakt.placeholder.invalid`, `emailVerified: false`). Refreshes
 * (`auth.api.getAccessToken`, `traktClient`) go through one engine that spends
 * each single-use refresh token once, across requests and instances.
 *
 * @example
 * ```ts
 * import { betterAuth } from "better-auth"
 * import { trakt } from "authjs-trakt/better-auth"
 * import { Pool } from "pg"
 *
 * export const auth = betterAuth({
 *   database: new Pool({ connectionString: process.env.DATABASE_URL }),
 *   plugins: [trakt({ baseUrl: process.env.TRAKT_BASE_URL })],
 * })
 * ```
 */
export function trakt(options: TraktPluginOptions = {}) {
  const { store: storeOption = "better-auth", exposeTokens = false, revokeOnDelete = true, disableSignUp = false } = options
  for (const [name, value] of Object.entries({ exposeTokens, revokeOnDelete, disableSignUp })) {
    if (typeof value !== "boolean") throw argumentError(name, "must be true or false")
  }
  if (storeOption !== "better-auth" && storeOption !== "memory") checkStore(storeOption)
  const onError = options.onError && checkReport(options.onError)

  let context: AuthContext | undefined
  const authContext = () => {
    if (!context) throw new TypeError("Trakt: the plugin is not initialised yet: add trakt() to betterAuth({ plugins })")
    return context
  }
  // A rotation shared by several callers fails each of them with one error: heard once.
  const reported = new WeakSet<TraktError>()
  const report = (error: TraktError) => {
    if (reported.has(error)) return
    reported.add(error)
    onError?.(error)
    context?.logger.error(`[authjs-trakt] ${error.message}`)
  }
  const reportAny = (error: unknown) =>
    report(findTraktError(error) ?? new TraktError("HTTP_ERROR", "an unexpected failure", { cause: error }))

  const signIn = createTraktSignIn({ ...options, accountId: options.accountId ?? "uuid" })
  const store = storeOption === "memory" ? undefined : storeOption === "better-auth" ? verificationStore(authContext) : storeOption
  const refresher = createRefresher({ ...options, store, onError: report, providerId: TRAKT.id })
  const early = Math.max(0, refresher.clockSkew - 5)
  // Avatars stay in this process's memory unless the app gave a store of its own
  // (Better Auth's verification rows are no place for images).
  const avatar: TraktAvatarRoute = traktAvatar({
    ...options,
    onError: report,
    store: typeof storeOption === "object" ? storeOption : undefined,
  })
  const failures = new BoundedCache<string>(1_000)
  const refreshFailure = defineRequestState<TraktError | undefined>(() => undefined)

  const state: TraktPluginState = { options, early, store, report }

  return {
    id: "trakt",
    init(ctx: AuthContext) {
      context = ctx
      const provider = traktProvider({
        signIn,
        refresher,
        report: reportAny,
        context: authContext,
        avatarPath: () => options.avatarUrl ?? `${ctx.options.basePath ?? "/api/auth"}/trakt/avatar`,
        early,
        failures,
        disableSignUp,
        keepRefreshFailure: (error) => refreshFailure.set(error).catch(() => {}),
      })
      return {
        context: { socialProviders: [provider, ...ctx.socialProviders.filter((other) => other.id !== TRAKT.id)] },
        options: {
          databaseHooks: {
            user: {
              // A placeholder belongs to the Trakt account it names: an e-mail
              // sign-up with it would lock that Trakt user out (account_not_linked).
              create: { before: async (user, ctx) => (isPlaceholder(user.email) && !fromTraktCallback(ctx) ? false : undefined) },
              update: { before: async (user, ctx) => (isPlaceholder(user.email) && !fromTraktCallback(ctx) ? false : undefined) },
            },
            account: {
              delete: {
                // After the deletion committed: a rolled-back one keeps its token.
                async after(account) {
                  if (!revokeOnDelete || account.providerId !== TRAKT.id || !account.accessToken) return
                  try {
                    await revokeTraktToken({ ...options, token: await readToken(account.accessToken, ctx) })
                  } catch (error) {
                    reportAny(error)
                  }
                },
              },
            },
          },
        },
      }
    },
    endpoints: {
      /** `GET {basePath}/trakt/avatar`: the signed-in user's Trakt avatar, or a placeholder; never the URL from the request. */
      traktAvatar: createAuthEndpoint("/trakt/avatar", { method: "GET" }, async (ctx) => {
        const session = await getSessionFromCtx(ctx)
        const account = session && (await ctx.context.internalAdapter.findAccounts(session.user.id)).find((a) => a.providerId === TRAKT.id)
        const image = (account as { [AVATAR_FIELD]?: string | null } | null | undefined)?.[AVATAR_FIELD]
        return avatar(image, { request: ctx.request, name: session?.user.name })
      }),
    },
    hooks: {
      before: [
        {
          // Better Auth answers these with the live tokens, to the browser too (/refresh-token
          // with the refresh token itself); the server's auth.api calls carry no request.
          matcher: (ctx) => !exposeTokens && TOKEN_PATHS.has(ctx.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const id = (ctx.body as { accountId?: unknown } | undefined)?.accountId
            if (!ctx.request || typeof id !== "string") return
            const account = await ctx.context.adapter.findOne<{ providerId: string }>({
              model: "account",
              where: [{ field: "id", value: id }],
            })
            if (account?.providerId === TRAKT.id) throw APIError.from("FORBIDDEN", TRAKT_PLUGIN_ERROR_CODES.TRAKT_TOKENS_STAY_ON_THE_SERVER)
          }),
        },
      ],
      after: [
        {
          // Better Auth answers every failed refresh with one 400 and keeps the cause to itself.
          matcher: (ctx) => REFRESH_PATHS.has(ctx.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const failure = await refreshFailure.get().catch(() => undefined)
            if (!failure || !isAPIError(ctx.context.returned)) return
            const refused = isRefusal(failure)
            const { code, message } = TRAKT_PLUGIN_ERROR_CODES[refused ? "TRAKT_REFRESH_REFUSED" : "TRAKT_REFRESH_FAILED"]
            throw new APIError(refused ? "UNAUTHORIZED" : "SERVICE_UNAVAILABLE", { code, message, traktCode: failure.code })
          }),
        },
        {
          // Better Auth's own code stays the `error` of its error page; Trakt's says why, as the description.
          matcher: fromTraktCallback,
          handler: createAuthMiddleware(async (ctx) => {
            const returned = ctx.context.returned
            const code = typeof ctx.query?.code === "string" ? ctx.query.code : undefined
            const traktCode = code && failures.get(code)
            const location = isAPIError(returned) ? new Headers(returned.headers).get("location") : null
            if (!traktCode || !location || !/[?&]error=/.test(location)) return
            failures.delete(code)
            const url = new URL(location, ctx.context.baseURL)
            url.searchParams.set("error_description", traktCode)
            throw ctx.redirect(location.startsWith("/") ? url.pathname + url.search : url.href)
          }),
        },
      ],
    },
    schema: {
      account: { fields: { [AVATAR_FIELD]: { type: "string", required: false } } },
    },
    $ERROR_CODES: TRAKT_PLUGIN_ERROR_CODES,
    /** For `traktClient`: the plugin's engine and options. */
    $trakt: state,
  } satisfies BetterAuthPlugin & { $trakt: TraktPluginState }
}

/**
 * A token as the account row holds it: decrypted when Better Auth's
 * `account.encryptOAuthTokens` is on. A row saved before that was turned on
 * cannot be read (Better Auth takes Trakt's hex tokens for its own ciphertext).
 */
export async function readToken(stored: string, context: AuthContext): Promise<string> {
  try {
    return await decryptOAuthToken(stored, context)
  } catch (cause) {
    throw new TraktError(
      "DATABASE_ERROR",
      "the account's Trakt token cannot be read (saved before account.encryptOAuthTokens was on?): sign in with Trakt again",
      { cause },
    )
  }
}
