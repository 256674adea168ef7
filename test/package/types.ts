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
} from "authjs-trakt"

declare const env: Record<string, string | undefined>

const traktOptions: TraktOptions = { accountId: "uuid", baseUrl: env.TRAKT_BASE_URL, userAgent: "my-app/1.0", timeout: 10_000 }

// A profile type of the app's own, with a field TraktUser leaves open.
interface MyTraktUser extends TraktUser {
  favorite_genre?: string
}

const memory = new Map<string, string>()
const store: TraktTokenStore = {
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
      const expiresAt: number | undefined = fresh.expires_at
      return { ...fresh, expires_at: expiresAt }
    },
    session({ session, token }): Session {
      // The package's augmentation: the JWT carries Trakt's fields, the session the refresh error.
      session.error = token.error
      const accessToken: string | undefined = token.access_token
      return accessToken ? session : { ...session, error: "RefreshTokenError" }
    },
  },
}

/** The app's own Trakt calls: refresh, revoke, refresh a stored account (database sessions). */
export async function manageTokens(stored: { access_token?: string; refresh_token?: string; expires_at?: number }): Promise<TraktTokenSet | null> {
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
    if (traktError?.code === "RATE_LIMITED") return new Response(null, { status: 429, headers: { "retry-after": `${traktError.retryAfter ?? 60}` } })
    if (error instanceof TraktError && error.code === "invalid_grant") return Response.redirect("https://app.example/signin")
    throw new TraktError("SERVER_ERROR", "Trakt failed", { status: 502, description: "upstream", cause: error })
  }
}

// The types are the package's, not `any`: each line below must stay an error.
// @ts-expect-error accountId is "slug" | "uuid"
Trakt({ accountId: "id" })
// @ts-expect-error a TraktErrorCode is one of the documented codes
export const unknownCode: TraktErrorCode = "NOT_A_CODE"
// @ts-expect-error refreshTraktToken needs the refresh token
export const missing = () => refreshTraktToken({ clientId: "id", redirectUri: "https://app.example/cb" })
// @ts-expect-error traktDatabaseSessions needs saveTokens as well as getAccount
export const halfDatabase = () => traktDatabaseSessions({ getAccount: async () => null })
