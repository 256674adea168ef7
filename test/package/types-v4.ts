/**
 * What a next-auth v4 app on TypeScript 7 writes with `authjs-trakt/next-auth-v4`
 * (no @auth/core installed): never run, only type-checked by
 * scripts/check-package.mjs as types.ts is, with the same rules: every export
 * named and used, and `@ts-expect-error` lines that fail if a type decays to `any`.
 */
import type { NextAuthOptions, Session } from "next-auth"
import TraktProvider, {
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
} from "authjs-trakt/next-auth-v4"
import { pgAdapterAccounts } from "authjs-trakt/adapters"
import { postgresTokenStore } from "authjs-trakt/postgres"

declare const env: Record<string, string | undefined>

const traktOptions: TraktOptions = {
  accountId: "uuid",
  baseUrl: env.TRAKT_BASE_URL,
  userAgent: "my-app/1.0",
  timeout: 10_000,
  avatarUrl: "/api/avatar",
}

const memory = new Map<string, string>()
const store: TraktStore = {
  getItem: (key) => memory.get(key),
  setItem: (key, value, { ttl }) => {
    memory.set(key, value)
    setTimeout(() => memory.delete(key), ttl * 1000)
  },
}

const refreshOptions: TraktRefreshOptions = {
  store,
  clientId: env.TRAKT_CLIENT_ID,
  clientSecret: env.TRAKT_CLIENT_SECRET,
  onError(error) {
    const code: TraktErrorCode = error.code
    console.warn(code, error.status)
  },
}
const keepTraktTokenFresh = traktJwt(refreshOptions)

export const authOptions: NextAuthOptions = {
  providers: [
    TraktProvider({ clientId: env.TRAKT_CLIENT_ID, clientSecret: env.TRAKT_CLIENT_SECRET, ...traktOptions }),
    TraktProvider<TraktUser>({
      id: "trakt-slug",
      accountId: "slug",
      profile: (profile) => ({ id: profile.ids.slug, name: profile.name ?? profile.username, image: profile.images.avatar.full }),
    }),
  ],
  callbacks: {
    async jwt({ token, account }) {
      const fresh = await keepTraktTokenFresh({ token, account })
      const fields: TraktJwtFields = fresh
      const expiresAt: number | undefined = fields.expires_at
      return { ...fresh, expires_at: expiresAt }
    },
    session({ session, token }): Session {
      // The package's augmentation of next-auth v4: the JWT carries Trakt's fields, the session the refresh error.
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
  const tokens: TraktTokenSet = await refreshTraktToken({
    ...refreshOptions,
    refreshToken: "r",
    redirectUri: "https://app.example/api/auth",
  })
  await revokeTraktToken({ ...refreshOptions, token: tokens.access_token })
  return refreshTraktAccount(stored, { ...refreshOptions, reload: async () => stored })
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
// The adapters' and PostgreSQL's entries need nothing of @auth/core either.
declare const pool: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> }
export const pgAccounts = traktDatabaseSessions({ ...pgAdapterAccounts(pool), store: postgresTokenStore(pool) })
export const databaseConfig: NextAuthOptions = {
  providers: [TraktProvider({ clientId: env.TRAKT_CLIENT_ID, clientSecret: env.TRAKT_CLIENT_SECRET })],
  session: { strategy: "database" },
  ...traktDatabaseSessions(databaseOptions),
}

/** What an app branches on when a Trakt call fails. */
export function describe(error: unknown): string {
  const traktError = findTraktError(error)
  if (traktError?.code === "invalid_grant") return "sign in again"
  return new TraktError("HTTP_ERROR", "Trakt failed", { status: traktError?.status, cause: error }).message
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
TraktProvider({ accountId: "id" })
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
