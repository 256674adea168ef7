/**
 * What an app on TypeScript 7 writes with `authjs-trakt`: never run, only
 * type-checked by scripts/check-package.mjs against the packed tarball, strict,
 * with skipLibCheck off, as ESM and as CommonJS (moduleResolution bundler and
 * nodenext). It imports every export of the entry (the script fails on one it
 * does not name) and uses each (noUnusedLocals fails an unused import). The
 * `@ts-expect-error` lines fail if a type decays to `any`.
 */
import { Auth, type AuthConfig } from "@auth/core"
import type { Session } from "@auth/core/types"
import Trakt, {
  createTraktClient,
  findTraktError,
  refreshTraktAccount,
  refreshTraktToken,
  revokeTraktToken,
  TraktError,
  traktJwt,
  traktDatabaseSessions,
  type TraktAccounts,
  type TraktDatabaseOptions,
  traktAvatar,
  type TraktAvatarOptions,
  type TraktClient,
  type TraktClientOptions,
  type TraktErrorCode,
  type TraktJwtFields,
  type TraktOptions,
  type TraktRefreshOptions,
  type TraktTokenSet,
  type TraktStore,
  type TraktUser,
  type RefreshTraktAccountOptions,
  type StoredTraktTokens,
  type TraktAccountId,
  type TraktCallInit,
  type TraktDatabaseSessions,
  type TraktJwtParams,
  type TraktQuery,
  type TraktSessionFields,
  type TraktTokenStore,
} from "authjs-trakt"

declare const env: Record<string, string | undefined>

const traktOptions: TraktOptions = {
  accountId: "uuid",
  baseUrl: env.TRAKT_BASE_URL,
  userAgent: "my-app/1.0",
  timeout: 10_000,
  avatarUrl: "/api/avatar",
}

// A profile type of the app's own, with a field TraktUser leaves open.
interface MyTraktUser extends TraktUser {
  favorite_genre?: string
}

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

const refreshOptions: TraktRefreshOptions = {
  store,
  clockSkew: 60,
  clientId: env.AUTH_TRAKT_ID,
  onError(error) {
    const code: TraktErrorCode = error.code
    console.warn(code, error.status, error.retryAfter)
  },
}
const keepTraktTokenFresh = traktJwt(refreshOptions)

export const config: AuthConfig = {
  providers: [
    Trakt,
    Trakt({ clientId: env.AUTH_TRAKT_ID, clientSecret: env.AUTH_TRAKT_SECRET, ...traktOptions }),
    Trakt<MyTraktUser>({
      id: "trakt-custom",
      profile(profile) {
        const user: MyTraktUser = profile
        return { id: user.ids.uuid ?? user.ids.slug, name: user.favorite_genre ?? user.username, image: user.images.avatar.full }
      },
    }),
  ],
  callbacks: {
    async jwt({ token, account, profile }) {
      if (profile) token.username = (profile as TraktUser).username
      const fresh = await keepTraktTokenFresh({ token, account })
      const fields: TraktJwtFields = fresh
      const expiresAt: number | undefined = fields.expires_at
      return { ...fresh, expires_at: expiresAt }
    },
    session({ session, token }): Session {
      // The package's augmentation: the JWT carries Trakt's fields, the session the refresh error.
      session.error = token.error
      session.avatar = token.avatar
      const accessToken: string | undefined = token.access_token
      return accessToken ? session : { ...session, error: "RefreshTokenError" }
    },
  },
}

/** The app's own Trakt calls: refresh, revoke, refresh a stored account (database sessions). */
export async function manageTokens(stored: {
  access_token?: string
  refresh_token?: string
  expires_at?: number
}): Promise<TraktTokenSet | null> {
  const tokens: TraktTokenSet = await refreshTraktToken({ ...traktOptions, refreshToken: "r", redirectUri: "https://app.example/api/auth" })
  const expiresAt: number | undefined = tokens.expires_at
  await revokeTraktToken({ clientId: "id", clientSecret: "secret", fetch, token: tokens.access_token })
  return expiresAt === undefined ? null : refreshTraktAccount(stored, { ...refreshOptions, reload: async () => stored })
}

/** Database sessions: the app's own accounts table, read and written through TraktAccounts. */
interface AccountRow {
  provider: string
  providerAccountId: string
  access_token: string | null
  refresh_token: string | null
  expires_at: number | null
}
declare const accountsTable: {
  find(userId: string, provider: string): Promise<AccountRow | null>
  update(provider: string, providerAccountId: string, tokens: Partial<AccountRow>): Promise<void>
}
const accounts: TraktAccounts<AccountRow> = {
  getAccount: (userId, provider) => accountsTable.find(userId, provider),
  saveTokens: ({ provider, providerAccountId }, { access_token, refresh_token, expires_at }) =>
    accountsTable.update(provider, providerAccountId, { access_token, refresh_token, expires_at }),
}
const databaseOptions: TraktDatabaseOptions<AccountRow> = { ...refreshOptions, ...accounts }
export const databaseConfig: AuthConfig = {
  providers: [Trakt],
  session: { strategy: "database" },
  ...traktDatabaseSessions(databaseOptions),
}

/** What an app branches on when a Trakt call fails. */
export async function signInPage(request: Request): Promise<Response> {
  try {
    return await Auth(request, config)
  } catch (error) {
    const traktError = findTraktError(error)
    if (traktError?.code === "RATE_LIMITED")
      return new Response(null, { status: 429, headers: { "retry-after": `${traktError.retryAfter ?? 60}` } })
    if (error instanceof TraktError && error.code === "invalid_grant") return Response.redirect("https://app.example/signin")
    throw new TraktError("SERVER_ERROR", "Trakt failed", { status: 502, description: "upstream", cause: error })
  }
}

/** The route `avatarUrl` names: the avatar URL comes from the session (the augmentation types it), never from the request. */
export async function avatarRoute(request: Request, session: Session | null): Promise<Response> {
  const options: TraktAvatarOptions = {
    request,
    name: session?.user?.name,
    store,
    maxBytes: 1 << 20,
    onError: (error) => console.warn(error.code),
  }
  const avatar: string | null | undefined = session?.avatar
  return traktAvatar(avatar, options)
}

// The types are the package's, not `any`: each line below must stay an error.
// @ts-expect-error accountId is "slug" | "uuid"
Trakt({ accountId: "id" })
// @ts-expect-error a TraktErrorCode is one of the documented codes
export const unknownCode: TraktErrorCode = "NOT_A_CODE"
// @ts-expect-error refreshTraktToken needs the refresh token
export const missing = () => refreshTraktToken({ clientId: "id", redirectUri: "https://app.example/cb" })

/** The app's own API calls, on the server, with the tokens from the JWT or the account. */
export async function watchlist(token: TraktClientOptions["token"]): Promise<string[]> {
  const options: TraktClientOptions = {
    ...refreshOptions,
    token,
    maxRetryWait: 2,
    onTokens: (tokens: TraktTokenSet) => void tokens.refresh_token,
  }
  const trakt: TraktClient = createTraktClient(options)
  const stats = await trakt.get<{ movies: { watched: number } }>("/users/me/stats", { query: { extended: "full" } })
  const titles: string[] = [`${stats.movies.watched}`]
  for await (const item of trakt.paginate<{ movie: { title: string } }>("/users/me/watchlist/movies", { limit: 100 }))
    titles.push(item.movie.title)
  await trakt.post("/sync/history", { movies: [] }, { retry: false })
  await trakt.put("/users/me/lists/1", { name: "n" })
  const deleted: unknown = await trakt.delete("/users/me/lists/1")
  const response: Response = await trakt.request("/users/me/stats", { method: "GET" })
  return deleted === null && response.ok ? titles : []
}
/** A token set fresh from refreshTraktToken is a token the client takes as it is. */
export const fromRefresh = async (refreshToken: string) =>
  createTraktClient({ token: await refreshTraktToken({ refreshToken, redirectUri: "https://app.example/api/auth" }) })
// @ts-expect-error the client needs the token (null when nobody is signed in)
export const noToken = () => createTraktClient({})
// @ts-expect-error traktDatabaseSessions needs saveTokens as well as getAccount
export const halfDatabase = () => traktDatabaseSessions({ getAccount: async () => null })

// The names an app meets in the types above, each usable on its own (0.2).
const accountId: TraktAccountId = "uuid"
export const byUuid: TraktOptions = { accountId }
/** A store written against 0.1, under the name it had: still a store. */
export const legacyStore: TraktTokenStore = store
export async function refreshStored(stored: StoredTraktTokens): Promise<TraktTokenSet | null> {
  const options: RefreshTraktAccountOptions = { ...refreshOptions, reload: async () => stored }
  return refreshTraktAccount(stored, options)
}
export const watchlistCall: TraktCallInit = { method: "GET", query: { page: 1, limit: 10, extended: undefined } satisfies TraktQuery }
export const jwtOf = (params: TraktJwtParams) => traktJwt()(params)
export const sessionFields = (fields: TraktSessionFields): string => fields.error ?? fields.avatar ?? ""
export const databasePieces = (accounts: TraktAccounts): TraktDatabaseSessions => traktDatabaseSessions(accounts)
