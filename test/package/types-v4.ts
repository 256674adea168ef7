/**
 * What a next-auth v4 app on TypeScript 7 writes with `authjs-trakt/next-auth-v4`
 * (no @auth/core installed): never run, only type-checked by
 * scripts/check-package.mjs as types.ts is, with the same rules: every export
 * named and used, and `@ts-expect-error` lines that fail if a type decays to `any`.
 */
import type { NextAuthOptions, Session } from "next-auth"
import type { JWT } from "next-auth/jwt"
import TraktProvider, {
  findTraktError,
  refreshTraktAccount,
  refreshTraktToken,
  revokeTraktToken,
  TraktError,
  traktJwt,
  TraktProvider as NamedTraktProvider,
  type OAuthErrorCode,
  type RefreshTraktAccountOptions,
  type RefreshTraktTokenOptions,
  type RevokeTraktTokenOptions,
  type StoredTraktTokens,
  type TraktAccountId,
  type TraktClientOptions,
  type TraktEndpointOptions,
  type TraktErrorCode,
  type TraktErrorDetails,
  type TraktJwtFields,
  type TraktJwtOptions,
  type TraktJwtParams,
  type TraktOptions,
  type TraktProviderOptions,
  type TraktRefreshOptions,
  type TraktRequestOptions,
  type TraktTokenSet,
  type TraktTokenStore,
  type TraktUser,
} from "authjs-trakt/next-auth-v4"

declare const env: Record<string, string | undefined>

const accountId: TraktAccountId = "uuid"
const endpoints: TraktEndpointOptions = { baseUrl: env.TRAKT_BASE_URL, oauthBaseUrl: new URL("https://trakt.tv") }
const transport: TraktRequestOptions = { userAgent: "my-app/1.0", timeout: 10_000 }
const traktOptions: TraktOptions = { accountId, ...endpoints, ...transport }
const providerOptions: TraktProviderOptions = { clientId: env.TRAKT_CLIENT_ID, clientSecret: env.TRAKT_CLIENT_SECRET, ...traktOptions }

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
  onError(error) {
    const code: TraktErrorCode = error.code
    console.warn(code, error.status)
  },
}
const jwtOptions: TraktJwtOptions = { ...refreshOptions, clientId: env.TRAKT_CLIENT_ID, clientSecret: env.TRAKT_CLIENT_SECRET }
const keepTraktTokenFresh = traktJwt(jwtOptions)

export const authOptions: NextAuthOptions = {
  providers: [
    TraktProvider(providerOptions),
    NamedTraktProvider<TraktUser>({
      id: "trakt-slug",
      accountId: "slug",
      profile: (profile) => ({ id: profile.ids.slug, name: profile.name ?? profile.username, image: profile.images.avatar.full }),
    }),
  ],
  callbacks: {
    async jwt({ token, account }) {
      const params: TraktJwtParams<JWT> = { token, account }
      const fresh = await keepTraktTokenFresh(params)
      const fields: TraktJwtFields = fresh
      return { ...fresh, expires_at: fields.expires_at }
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
export async function manageTokens(stored: StoredTraktTokens): Promise<TraktTokenSet | null> {
  const client: TraktClientOptions = { clientId: "id", clientSecret: "secret", fetch, ...endpoints, ...transport }
  const refresh: RefreshTraktTokenOptions = { ...client, refreshToken: "r", redirectUri: "https://app.example/api/auth/callback/trakt" }
  const tokens: TraktTokenSet = await refreshTraktToken(refresh)
  const revoke: RevokeTraktTokenOptions = { ...client, token: tokens.access_token }
  await revokeTraktToken(revoke)
  const account: RefreshTraktAccountOptions = { ...refreshOptions, reload: async () => stored }
  return refreshTraktAccount(stored, account)
}

/** What an app branches on when a Trakt call fails. */
export function describe(error: unknown): string {
  const traktError = findTraktError(error)
  const refused: OAuthErrorCode = "invalid_grant"
  if (traktError?.code === refused) return "sign in again"
  const details: TraktErrorDetails = { status: traktError?.status, cause: error }
  return new TraktError("HTTP_ERROR", "Trakt failed", details).message
}

// The types are the package's, not `any`: each line below must stay an error.
// @ts-expect-error accountId is "slug" | "uuid"
TraktProvider({ accountId: "id" })
// @ts-expect-error a TraktErrorCode is one of the documented codes
export const unknownCode: TraktErrorCode = "NOT_A_CODE"
// @ts-expect-error refreshTraktToken needs the refresh token
export const missing = () => refreshTraktToken({ clientId: "id", redirectUri: "https://app.example/cb" })
