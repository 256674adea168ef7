/** What the stand-in's endpoints share: its apps, users, tokens and settings. */
import type { RateLimiter } from "./limits.js"
import type { TokenBook } from "./tokens.js"
import type { TraktStandInUser } from "./users.js"

/** One OAuth app registered at the stand-in. */
export interface TraktStandInClient {
  /** The client id (also the `trakt-api-key`). */
  id: string
  /** Left out for a PKCE-only app, as Trakt creates some new apps now. */
  secret?: string
  /** Shown on the consent page. */
  name?: string
  /** Redirect URIs the app registered; matched exactly, case-sensitively. */
  redirectUris: string[]
}

/** How `/oauth/authorize` answers: redirect back at once with a code, or with `access_denied`, or show the consent page. */
export type Approval = "auto" | "deny" | "page"

export interface Context {
  clients: Map<string, TraktStandInClient>
  /** By slug. */
  users: Map<string, TraktStandInUser>
  tokens: TokenBook
  limiter: RateLimiter
  approve: Approval
  /** Who signs in at `/oauth/authorize` (a slug). */
  signedIn: string
  /** Seconds. */
  tokenLifetime: number
  legacy: boolean
  refreshes: { requested: number; granted: number }
}

/** A user by username or slug. */
export function findUser(context: Context, name: string): TraktStandInUser | undefined {
  return context.users.get(name) ?? [...context.users.values()].find((u) => u.user.username === name)
}
