/**
 * The entry `authjs-trakt/testing`: a stand-in for Trakt (its OAuth server and
 * the API endpoints apps use) to test an app without Trakt, a Trakt app or the
 * network. **Node only** (it uses `node:http` and `node:crypto`); never import
 * it from app code, only from tests and scripts.
 *
 * It is strict where Trakt is: JSON token bodies with the credentials in them
 * (HTTP Basic refused), exact redirect URIs, S256 PKCE, single-use codes and
 * refresh tokens, expiring access tokens, `trakt-api-key` and
 * `trakt-api-version: 2` on API calls, Cloudflare's HTML 403 without a
 * `User-Agent`, per-user rate limits, and images that refuse to be hot-linked.
 * Giving the provider `baseUrl: standIn.url` is all an app needs.
 *
 * For unit tests without a server, `authjs-trakt/testing/msw` puts the same
 * stand-in behind msw.
 *
 * @example
 * ```ts
 * import { startTraktStandIn } from "authjs-trakt/testing"
 * import Trakt from "authjs-trakt"
 *
 * const trakt = await startTraktStandIn({
 *   clients: [{ id: "my-app", secret: "shh", redirectUris: ["http://localhost:3000/api/auth/callback/trakt"] }],
 *   approve: "auto",
 * })
 * const provider = Trakt({ clientId: "my-app", clientSecret: "shh", baseUrl: trakt.url })
 * // ... sign in, then:
 * await trakt.stop()
 * ```
 * @module
 */
export { createTraktStandIn, DEFAULT_TOKEN_LIFETIME, TraktStandIn, type TraktStandInOptions } from "./testing/stand-in.js"
export type { Approval, TraktStandInClient } from "./testing/context.js"
export type { FailureSpec, RateLimit, TraktStandInRateLimits } from "./testing/limits.js"
export type { TraktStandInRequest } from "./testing/requests.js"
export type { TokenSelector, TraktStandInIssuedTokens, TraktStandInTokens } from "./testing/tokens.js"
export {
  defaultStandInUser,
  sampleWatchlist,
  type MediaItem,
  type TraktStandInSettings,
  type TraktStandInUser,
  type WatchlistItem,
} from "./testing/users.js"
export { CLOUDFLARE_BLOCK_PAGE } from "./testing/responses.js"
export { startTraktStandIn, type RunningTraktStandIn, type StartTraktStandInOptions } from "./testing/start.js"
