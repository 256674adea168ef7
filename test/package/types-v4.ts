/**
 * What a next-auth v4 app on TypeScript 7 writes with `authjs-trakt/next-auth-v4`
 * (no @auth/core installed): never run, only type-checked by
 * scripts/check-package.mjs as types.ts is, with the same rules: every export
 * named and used, and `@ts-expect-error` lines that fail if a type decays to `any`.
 */
import type { NextAuthOptions, Session } from "next-auth"
import TraktProvider, {
  findTraktError,
  refreshTraktAccount,
  refreshTraktToken,
  revokeTraktToken,
  TraktError,
  traktJwt,
  traktDatabaseSessions,
  type TraktAccounts,
  type TraktDatabaseOptions,
  type TraktErrorCode,
  type TraktOptions,
  type TraktRefreshOptions,
  type TraktTokenSet,
  type TraktTokenStore,
  type TraktUser,
} from "authjs-trakt/next-auth-v4"
import { pgAdapterAccounts } from "authjs-trakt/adapters"
import { postgresTokenStore } from "authjs-trakt/postgres"

declare const env: Record<string, string | undefined>

const traktOptions: TraktOptions = { accountId: "uuid", baseUrl: env.TRAKT_BASE_URL, userAgent: "my-app/1.0", timeout: 10_000 }

const memory = new Map<string, string>()
const store: TraktTokenStore = {
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
      const expiresAt: number | undefined = fresh.expires_at
      return { ...fresh, expires_at: expiresAt }
    },
    session({ session, token }): Session {
      // The package's augmentation of next-auth v4: the JWT carries Trakt's fields, the session the refresh error.
      session.error = token.error
      const accessToken: string | undefined = token.access_token
      return accessToken ? session : { ...session, error: "RefreshTokenError" }
    },
  },
}

/** The app's own Trakt calls: refresh, revoke, refresh a stored account (database sessions). */
export async function manageTokens(stored: { access_token?: string; refresh_token?: string; expires_at?: number }): Promise<TraktTokenSet | null> {
  const tokens: TraktTokenSet = await refreshTraktToken({ ...refreshOptions, refreshToken: "r", redirectUri: "https://app.example/api/auth" })
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

// The types are the package's, not `any`: each line below must stay an error.
// @ts-expect-error accountId is "slug" | "uuid"
TraktProvider({ accountId: "id" })
// @ts-expect-error a TraktErrorCode is one of the documented codes
export const unknownCode: TraktErrorCode = "NOT_A_CODE"
// @ts-expect-error refreshTraktToken needs the refresh token
export const missing = () => refreshTraktToken({ clientId: "id", redirectUri: "https://app.example/cb" })
// @ts-expect-error traktDatabaseSessions needs saveTokens as well as getAccount
export const halfDatabase = () => traktDatabaseSessions({ getAccount: async () => null })
