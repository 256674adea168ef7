/** Codes and tokens the stand-in issued, and what it still accepts: codes and refresh tokens are single-use, access tokens expire. */
import { randomBytes } from "node:crypto"

/** Trakt's token response (`POST /oauth/token`). */
export interface TraktStandInTokens {
  access_token: string
  token_type: "bearer"
  /** Seconds. */
  expires_in: number
  refresh_token: string
  scope: string
  /** Epoch seconds. */
  created_at: number
}

/**
 * What {@link TraktStandIn.issueTokens} returns: Trakt's token response, plus
 * the `expires_at` an app keeps. (Trakt's own answer has no `expires_at`;
 * Auth.js computes it, and the stand-in's token endpoint answers as Trakt does.)
 */
export interface TraktStandInIssuedTokens extends TraktStandInTokens {
  /**
   * Epoch seconds when the access token expires, `created_at + expires_in`: the
   * field Auth.js keeps in the JWT and the account, and what `createTraktClient`
   * and the refresh helpers read. Spread the pair into a token as it is.
   */
  expires_at: number
}

/** Chooses tokens for {@link TraktStandIn.expire} and {@link TraktStandIn.revoke}: all of them when empty. */
export interface TokenSelector {
  /** One access token (or the refresh token of its pair). */
  token?: string
  /** Every token of the user with this username or slug. */
  user?: string
  /** Every token of this app. */
  client?: string
}

export interface Grant {
  clientId: string
  user: string
  redirectUri: string
  challenge?: string
  expiresAt: number
}

interface Pair {
  clientId: string
  /** The user's slug. */
  user: string
  accessToken: string
  refreshToken: string
  expiresAt: number
  /** The access token stops working; the refresh token is gone from `refresh`. */
  revoked: boolean
}

const secret = () => randomBytes(32).toString("hex")

export class TokenBook {
  private codes = new Map<string, Grant>()
  private byAccess = new Map<string, Pair>()
  /** Only refresh tokens that can still be spent. */
  private byRefresh = new Map<string, Pair>()

  /** An authorization code, valid for `lifetime` seconds and once. */
  code(grant: Omit<Grant, "expiresAt">, lifetime: number): string {
    const code = randomBytes(16).toString("hex")
    this.codes.set(code, { ...grant, expiresAt: Date.now() + lifetime * 1000 })
    return code
  }

  /** Takes a code out: a second exchange of the same code finds nothing. */
  spendCode(code: unknown): Grant | undefined {
    if (typeof code !== "string") return undefined
    const grant = this.codes.get(code)
    this.codes.delete(code)
    return grant && grant.expiresAt > Date.now() ? grant : undefined
  }

  issue(clientId: string, user: string, lifetime: number): TraktStandInTokens {
    const pair: Pair = {
      clientId,
      user,
      accessToken: secret(),
      refreshToken: secret(),
      expiresAt: Date.now() + lifetime * 1000,
      revoked: false,
    }
    this.byAccess.set(pair.accessToken, pair)
    this.byRefresh.set(pair.refreshToken, pair)
    return {
      access_token: pair.accessToken,
      token_type: "bearer",
      expires_in: lifetime,
      refresh_token: pair.refreshToken,
      scope: "public",
      created_at: Math.floor(Date.now() / 1000),
    }
  }

  /**
   * Spends a refresh token of `clientId`: the pair it belonged to dies (Trakt
   * "returns a new pair and kills the old one"). Undefined when it was already
   * spent, revoked, unknown, or another app's.
   */
  spendRefresh(refreshToken: unknown, clientId: string): Pair | undefined {
    if (typeof refreshToken !== "string") return undefined
    const pair = this.byRefresh.get(refreshToken)
    if (!pair || pair.clientId !== clientId) return undefined
    this.byRefresh.delete(refreshToken)
    pair.revoked = true
    return pair
  }

  /** The live pair of an access token, or undefined when unknown, expired or revoked. */
  access(accessToken: string): Pair | undefined {
    const pair = this.byAccess.get(accessToken)
    return pair && !pair.revoked && pair.expiresAt > Date.now() ? pair : undefined
  }

  canRefresh(refreshToken: string): boolean {
    return this.byRefresh.has(refreshToken)
  }

  private select(selector: TokenSelector): Pair[] {
    const { token, user, client } = selector
    return [...this.byAccess.values()].filter(
      (pair) =>
        (token === undefined || pair.accessToken === token || pair.refreshToken === token) &&
        (user === undefined || pair.user === user) &&
        (client === undefined || pair.clientId === client),
    )
  }

  /** Makes the selected access tokens expired now (their refresh tokens still work). */
  expire(selector: TokenSelector): number {
    const pairs = this.select(selector).filter((pair) => !pair.revoked && pair.expiresAt > Date.now())
    for (const pair of pairs) pair.expiresAt = Date.now() - 1
    return pairs.length
  }

  /** Kills the selected pairs: the access token answers 401, the refresh token `invalid_grant`. */
  revoke(selector: TokenSelector): number {
    const pairs = this.select(selector).filter((pair) => !pair.revoked || this.byRefresh.has(pair.refreshToken))
    for (const pair of pairs) {
      pair.revoked = true
      this.byRefresh.delete(pair.refreshToken)
    }
    return pairs.length
  }
}
