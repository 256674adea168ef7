/**
 * Trakt as one of Better Auth's own social providers (an `OAuthProvider`): a
 * translation of the Trakt core onto Better Auth's shapes. Trakt's rules (hosts,
 * JSON token bodies, PKCE, the profile and its checks, the rotation of
 * single-use refresh tokens) are the core's; this file only maps them.
 */
import type { AuthContext } from "better-auth"
import { APIError } from "better-auth/api"
import { createAuthorizationURL, type OAuth2Tokens, type OAuthProvider } from "better-auth/oauth2"
import { findTraktError, type TraktError } from "../core/errors.js"
import type { TraktUser } from "../core/profile.js"
import type { Refresher } from "../core/refresh/refresher.js"
import { TRAKT, type TraktSignIn } from "../core/sign-in.js"
import type { TraktTokenSet } from "../core/tokens.js"
import { BoundedCache } from "../core/util/memory.js"

/** What the provider needs of the plugin that registers it. */
export interface ProviderParts {
  signIn: TraktSignIn
  refresher: Refresher
  /** Hands a failure to `onError` and Better Auth's logger. */
  report(error: unknown): void
  /** The app's Better Auth context, once the plugin's `init` has run. */
  context(): AuthContext
  /** What `user.image` is: the avatar route's path. */
  avatarPath(): string
  /** Seconds the stored expiry is brought forward (see {@link toOAuth2Tokens}). */
  early: number
  /** The Trakt code that failed a callback, by the callback's authorization code, for the error page. */
  failures: BoundedCache<string>
  /** Keeps the failure of this request's refresh, for the answer to tell a refusal from a passing failure. */
  keepRefreshFailure(error: TraktError): Promise<void>
  /** No new user signs up with Trakt; existing ones still sign in. */
  disableSignUp?: boolean
}

/** The Trakt account's extra column: the Trakt avatar URL the avatar route fetches (Better Auth's `user.image` is the route). */
export const AVATAR_FIELD = "traktAvatar"

/**
 * Better Auth's placeholder for a user with no e-mail address (the convention
 * of its own Twitter and Reddit providers): `<id>@trakt.placeholder.invalid`.
 * RFC 6761's `.invalid` is never delivered and never owned, and the account
 * id makes it unique; Better Auth needs an e-mail, Trakt gives none.
 */
export const placeholderEmail = (id: string) => `${id.toLowerCase()}@${PLACEHOLDER_DOMAIN}`
export const PLACEHOLDER_DOMAIN = `${TRAKT.id}.placeholder.invalid`

/**
 * A Trakt token set as Better Auth stores it. `accessTokenExpiresAt` is brought
 * forward by `early` seconds: Better Auth's `getAccessToken` refreshes only
 * within 5 s of it, and a token that close to its end may die on the way to
 * Trakt (clocks disagree); so it refreshes `clockSkew` early, as `traktJwt` does.
 */
export function toOAuth2Tokens(tokens: TraktTokenSet, early: number): OAuth2Tokens {
  return {
    tokenType: tokens.token_type,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    accessTokenExpiresAt: tokens.expires_at === undefined ? undefined : new Date((tokens.expires_at - early) * 1000),
    scopes: tokens.scope?.split(" ").filter(Boolean),
  }
}

/** The code a failure is known by on the error page. */
const codeOf = (error: unknown) => findTraktError(error)?.code ?? "HTTP_ERROR"

/** Trakt as a Better Auth `OAuthProvider`. */
export function traktProvider(parts: ProviderParts): OAuthProvider<TraktUser> {
  const { signIn, refresher, report, failures, early } = parts
  const credentials = () => refresher.connection.credentials()
  // The authorization code of a sign-in, by the access token it gave: a
  // profile that fails later is told to the error page by the callback's code.
  const codes = new BoundedCache<string>(1_000)

  return {
    id: TRAKT.id,
    name: TRAKT.name,
    // Better Auth makes the state and the PKCE verifier, and its helper sends the S256 challenge.
    async createAuthorizationURL({ state, codeVerifier, redirectURI }) {
      try {
        const { clientId } = credentials()
        const { authorize } = signIn.endpoints()
        return await createAuthorizationURL({
          id: TRAKT.id,
          options: { clientId },
          authorizationEndpoint: authorize,
          state,
          codeVerifier,
          scopes: [TRAKT.scope],
          redirectURI,
        })
      } catch (error) {
        // Thrown as it is, Better Auth answers an empty 500; as an APIError the app gets the code.
        report(error)
        throw APIError.from("INTERNAL_SERVER_ERROR", { code: codeOf(error), message: (error as Error).message })
      }
    },
    async validateAuthorizationCode({ code, redirectURI, codeVerifier }) {
      try {
        const tokens = await signIn.exchangeCode({ code, redirect_uri: redirectURI, code_verifier: codeVerifier }, credentials())
        codes.set(tokens.access_token, code, 60)
        return toOAuth2Tokens(tokens, early)
      } catch (error) {
        // Better Auth answers ?error=invalid_code, and logs only its own words.
        report(error)
        failures.set(code, codeOf(error), 60)
        throw error
      }
    },
    async getUserInfo(tokens) {
      try {
        const profile = await signIn.loadProfile(credentials().clientId, tokens.accessToken)
        const { id, name } = signIn.user(profile)
        const user = {
          name,
          email: placeholderEmail(id),
          emailVerified: false,
          image: parts.avatarPath(),
          [AVATAR_FIELD]: profile.avatar.full,
        }
        return { user, data: profile }
      } catch (error) {
        // Thrown, it would escape Better Auth's callback as an empty 500; null
        // makes it ?error=unable_to_get_user_info, and the code says why.
        report(error)
        const code = tokens.accessToken && codes.get(tokens.accessToken)
        if (code) failures.set(code, codeOf(error), 60)
        return null
      }
    },
    accountSubject: ({ profile }) => signIn.user(profile as TraktUser).id,
    async refreshAccessToken(refreshToken, ctx) {
      // Better Auth hands over its endpoint's context, whose baseURL is this request's.
      const baseURL = (ctx as { context?: { baseURL?: string } } | undefined)?.context?.baseURL || parts.context().baseURL
      try {
        return toOAuth2Tokens(await refresher.rotate(refreshToken, { redirect_uri: `${baseURL}/callback/${TRAKT.id}` }), early)
      } catch (error) {
        report(error)
        await parts.keepRefreshFailure(error as TraktError)
        throw error
      }
    },
    options: {
      disableSignUp: parts.disableSignUp,
      // The Trakt avatar URL, kept on the account at every sign-in for the avatar route.
      getAccountFields: (_tokens, user) => ({ [AVATAR_FIELD]: (user as { [AVATAR_FIELD]?: string | null })[AVATAR_FIELD] ?? null }),
    },
  }
}
