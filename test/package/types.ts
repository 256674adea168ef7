/**
 * What an app on TypeScript 7 writes with `authjs-trakt`: never run, only
 * type-checked by scripts/check-package.mjs against the packed tarball, strict,
 * with skipLibCheck off, as ESM and as CommonJS (moduleResolution bundler and
 * nodenext). It imports every export of the entry (the script fails on one it
 * does not name) and uses each (noUnusedLocals fails an unused import). The
 * `@ts-expect-error` lines fail if a type decays to `any`.
 */
import { Auth, type AuthConfig } from "@auth/core"
import type { JWT } from "@auth/core/jwt"
import type { Session } from "@auth/core/types"
import Trakt, {
  findTraktError,
  refreshTraktAccount,
  refreshTraktToken,
  revokeTraktToken,
  trakt,
  TraktError,
  traktJwt,
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
  type TraktRefreshOptions,
  type TraktRequestOptions,
  type TraktTokenSet,
  type TraktTokenStore,
  type TraktUser,
} from "authjs-trakt"

declare const env: Record<string, string | undefined>

const accountId: TraktAccountId = "uuid"
const endpoints: TraktEndpointOptions = { baseUrl: env.TRAKT_BASE_URL, oauthBaseUrl: new URL("https://trakt.tv") }
const transport: TraktRequestOptions = { userAgent: "my-app/1.0", timeout: 10_000 }
const traktOptions: TraktOptions = { accountId, ...endpoints, ...transport }

// A profile type of the app's own, with a field TraktUser leaves open.
interface MyTraktUser extends TraktUser {
  vip_cover_image?: string | null
}

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
  clockSkew: 60,
  onError(error) {
    const code: TraktErrorCode = error.code
    console.warn(code, error.status, error.retryAfter)
  },
}
const jwtOptions: TraktJwtOptions = { ...refreshOptions, clientId: env.AUTH_TRAKT_ID }
const keepTraktTokenFresh = traktJwt(jwtOptions)

export const config: AuthConfig = {
  providers: [
    Trakt,
    trakt({ clientId: env.AUTH_TRAKT_ID, clientSecret: env.AUTH_TRAKT_SECRET, ...traktOptions }),
    Trakt<MyTraktUser>({
      id: "trakt-custom",
      profile(profile) {
        const user: MyTraktUser = profile
        return { id: user.ids.uuid ?? user.ids.slug, name: user.name ?? user.username, image: user.vip_cover_image ?? user.images.avatar.full }
      },
    }),
  ],
  callbacks: {
    async jwt({ token, account, profile }) {
      if (profile) token.username = (profile as TraktUser).username
      const params: TraktJwtParams<JWT> = { token, account }
      const fresh = await keepTraktTokenFresh(params)
      const fields: TraktJwtFields = fresh
      return { ...fresh, expires_at: fields.expires_at }
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
export async function manageTokens(stored: StoredTraktTokens): Promise<TraktTokenSet | null> {
  const client: TraktClientOptions = { clientId: "id", clientSecret: "secret", fetch, ...endpoints, ...transport }
  const refresh: RefreshTraktTokenOptions = { ...client, refreshToken: "r", redirectUri: "https://app.example/api/auth/callback/trakt" }
  const tokens: TraktTokenSet = await refreshTraktToken(refresh)
  const expiresAt: number | undefined = tokens.expires_at
  const revoke: RevokeTraktTokenOptions = { ...client, token: tokens.access_token }
  await revokeTraktToken(revoke)
  const account: RefreshTraktAccountOptions = { ...refreshOptions, reload: async () => stored }
  return expiresAt === undefined ? null : refreshTraktAccount(stored, account)
}

/** What an app branches on when a Trakt call fails. */
export async function signInPage(request: Request): Promise<Response> {
  try {
    return await Auth(request, config)
  } catch (error) {
    const traktError = findTraktError(error)
    if (traktError?.code === "RATE_LIMITED") return new Response(null, { status: 429, headers: { "retry-after": `${traktError.retryAfter ?? 60}` } })
    const refused: OAuthErrorCode = "invalid_grant"
    if (error instanceof TraktError && error.code === refused) return Response.redirect("https://app.example/signin")
    const details: TraktErrorDetails = { status: 502, description: "upstream", cause: error }
    throw new TraktError("SERVER_ERROR", "Trakt failed", details)
  }
}

// The types are the package's, not `any`: each line below must stay an error.
// @ts-expect-error accountId is "slug" | "uuid"
Trakt({ accountId: "id" })
// @ts-expect-error a TraktErrorCode is one of the documented codes
export const unknownCode: TraktErrorCode = "NOT_A_CODE"
// @ts-expect-error refreshTraktToken needs the refresh token
export const missing = () => refreshTraktToken({ clientId: "id", redirectUri: "https://app.example/cb" })
