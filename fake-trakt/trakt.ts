/**
 * A stand-in for Trakt's OAuth server and the one API call sign-in makes, as
 * `../shared/trakt-contract.md` describes them. It is a plain
 * `(Request) => Promise<Response>` so that msw (tests), a Node HTTP server (the
 * demo) and the benchmark can all put it behind their own transport.
 *
 * It is strict where Trakt is: JSON token bodies, credentials in the body (HTTP
 * Basic is rejected), exact redirect URIs, S256 PKCE, single-use codes and
 * refresh tokens, the API headers, and Cloudflare's HTML 403 without a User-Agent.
 */
import { createHash, randomBytes } from "node:crypto"
import fixture from "./users-settings.json" with { type: "json" }

/** A realistic `/users/settings` body (synthetic values, documented shape). */
export const settingsFixture = fixture as { user: Record<string, any> } & Record<string, unknown>

/** One OAuth app registered at the stand-in. */
export interface FakeClient {
  id: string
  /** Undefined for a PKCE-only app. */
  secret?: string
  name?: string
  /** Redirect URIs the app registered; matched exactly, case-sensitively. */
  redirectUris: string[]
}

/** A request the stand-in received, for assertions. */
export interface ReceivedRequest {
  method: string
  url: string
  headers: Record<string, string>
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body?: any
}

interface Grant {
  clientId: string
  redirectUri: string
  challenge?: string
}

interface Issued {
  clientId: string
  /** Epoch milliseconds. */
  expiresAt: number
}

const TOKEN_LIFETIME = 7 * 24 * 60 * 60 // seconds, as Trakt documents it since 2026

const json = (body: unknown, status = 200, headers?: Record<string, string>) =>
  Response.json(body, { status, headers })
const oauthError = (status: number, error: string, description: string) =>
  json({ error, error_description: description }, status)
const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url")
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The page Cloudflare serves Trakt's blocked requests. */
export const CLOUDFLARE_PAGE =
  "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body>Sorry, you have been blocked</body></html>"

/** Reads a form body and HTTP Basic credentials into the JSON shape Trakt takes now. */
function legacyCredentials(request: Request, body: any): any {
  const form = typeof body === "string" ? Object.fromEntries(new URLSearchParams(body)) : body
  const basic = /^Basic (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1]
  if (!basic) return form
  const [id, secret] = atob(basic).split(":").map((part) => decodeURIComponent(part.replace(/\+/g, " ")))
  return { ...form, client_id: id, client_secret: secret }
}

export class FakeTrakt {
  readonly clients = new Map<string, FakeClient>()
  /** Every request received, oldest first. */
  readonly received: ReceivedRequest[] = []
  /** The `/users/settings` body the stand-in answers with. */
  settings: Record<string, any> = structuredClone(settingsFixture)
  private codes = new Map<string, Grant>()
  private accessTokens = new Map<string, Issued>()
  private refreshTokens = new Map<string, string>() // refresh token -> client id
  private revoked = new Set<string>()

  /**
   * Also answer as api.trakt.tv did before July 2026: HTTP Basic or form-encoded
   * client credentials, `/users/me`, no User-Agent required. Only the benchmark
   * turns this on, to run @auth/core's built-in provider against the same stand-in.
   */
  legacy = false

  /**
   * Seconds the tokens issued from now on live (7 days, as at Trakt). Browser
   * tests shorten it to see a session's token expire without waiting a week.
   */
  tokenLifetime = TOKEN_LIFETIME

  constructor(clients: FakeClient[] = [], options: { legacy?: boolean } = {}) {
    for (const client of clients) this.register(client)
    this.legacy = options.legacy ?? false
  }

  register(client: FakeClient): this {
    this.clients.set(client.id, client)
    return this
  }

  /** The requests received whose path ends with `path`. */
  requests(path: string): ReceivedRequest[] {
    return this.received.filter((r) => new URL(r.url).pathname.endsWith(path))
  }

  /** Issues a token pair directly, as if a user had signed in. */
  issueTokens(clientId: string, lifetime = this.tokenLifetime) {
    const access_token = randomBytes(24).toString("hex")
    const refresh_token = randomBytes(24).toString("hex")
    this.accessTokens.set(access_token, { clientId, expiresAt: Date.now() + lifetime * 1000 })
    this.refreshTokens.set(refresh_token, clientId)
    return {
      access_token,
      token_type: "bearer",
      expires_in: lifetime,
      refresh_token,
      scope: "public",
      created_at: Math.floor(Date.now() / 1000),
    }
  }

  /** Whether a refresh token can still be spent (single-use: a refresh kills it). */
  canRefresh(refreshToken: string): boolean {
    return this.refreshTokens.has(refreshToken)
  }

  /** Whether an access token is still accepted by the API. */
  isValid(accessToken: string): boolean {
    const issued = this.accessTokens.get(accessToken)
    return !!issued && issued.expiresAt > Date.now() && !this.revoked.has(accessToken)
  }

  /** Answers one request as Trakt would. Paths may sit under any base path. */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const text = request.method === "GET" ? "" : await request.text()
    let body: any = text || undefined
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {}
    this.received.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body,
    })
    const path = url.pathname
    if (path.endsWith("/oauth/authorize")) {
      return request.method === "POST" ? this.decide(url, new URLSearchParams(text)) : this.authorizePage(url)
    }
    if (path.endsWith("/oauth/token")) return this.token(request, body)
    if (path.endsWith("/oauth/revoke")) return this.revoke(request, body)
    if (path.endsWith("/users/settings")) return this.userSettings(request)
    if (path.startsWith("/images/")) return this.image(request)
    if (this.legacy && path.endsWith("/users/me")) {
      const settings = await this.userSettings(request)
      if (!settings.ok) return settings
      const { ids, ...user } = this.settings.user
      return json({ ...user, ids: { slug: ids?.slug, trakt: ids?.trakt } })
    }
    return json({ error: "not_found" }, 404)
  }

  private checkAuthorize(params: URLSearchParams): FakeClient | string {
    const client = this.clients.get(params.get("client_id") ?? "")
    if (!client) return "Unknown client_id."
    if (params.get("response_type") !== "code") return "response_type must be code."
    if (!client.redirectUris.includes(params.get("redirect_uri") ?? "")) {
      return "The redirect uri does not match the one registered for this application."
    }
    const method = params.get("code_challenge_method")
    if (params.has("code_challenge") && method !== "S256") return "Only S256 PKCE is supported."
    return client
  }

  /** GET /oauth/authorize: the consent page, with Approve and Deny. */
  private authorizePage(url: URL): Response {
    const client = this.checkAuthorize(url.searchParams)
    if (typeof client === "string") {
      return new Response(`<!DOCTYPE html><h1>OAuth error</h1><p>${escapeHtml(client)}</p>`, {
        status: 400,
        headers: { "content-type": "text/html; charset=utf-8" },
      })
    }
    const hidden = [...url.searchParams]
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join("")
    const user = escapeHtml(this.settings.user?.username ?? "")
    const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Authorize ${escapeHtml(client.name ?? client.id)} | Trakt (stand-in)</title>
<style>body{font-family:system-ui,sans-serif;background:#1d1d1d;color:#fff;display:grid;place-items:center;min-height:90vh}main{background:#2b2b2b;padding:2rem;border-radius:12px;max-width:28rem}button{font-size:1rem;padding:.6rem 1.4rem;margin-right:.6rem;border-radius:6px;border:0;cursor:pointer}.approve{background:#ed2224;color:#fff}</style></head>
<body><main><p>Local Trakt stand-in: no real Trakt account is involved.</p>
<h1>Authorize <span id="app-name">${escapeHtml(client.name ?? client.id)}</span>?</h1>
<p>It will be able to read the profile of <b>${user}</b>.</p>
<form method="post">${hidden}<button class="approve" name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button></form>
</main></body></html>`
    return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } })
  }

  /** POST /oauth/authorize: the user's decision, sent back to the app. */
  private decide(url: URL, form: URLSearchParams): Response {
    const params = new URLSearchParams(url.search)
    for (const [k, v] of form) if (k !== "decision") params.set(k, v)
    const client = this.checkAuthorize(params)
    if (typeof client === "string") return oauthError(400, "invalid_request", client)
    const back = new URL(params.get("redirect_uri")!)
    if (form.get("decision") === "approve") {
      const code = randomBytes(16).toString("hex")
      this.codes.set(code, {
        clientId: client.id,
        redirectUri: params.get("redirect_uri")!,
        challenge: params.get("code_challenge") ?? undefined,
      })
      back.searchParams.set("code", code)
    } else {
      back.searchParams.set("error", "access_denied")
      back.searchParams.set("error_description", "The resource owner or authorization server denied the request.")
    }
    if (params.has("state")) back.searchParams.set("state", params.get("state")!)
    return new Response(null, { status: 302, headers: { location: back.href } })
  }

  /** Checks what every token and revoke request needs; returns the client or an error answer. */
  private authenticate(request: Request, body: any): FakeClient | Response {
    if (this.legacy) body = legacyCredentials(request, body)
    if (request.headers.has("authorization") && !this.legacy) {
      // auth.trakt.tv rejects HTTP Basic client authentication.
      return oauthError(401, "invalid_client", "Client authentication must be sent in the request body.")
    }
    const json = request.headers.get("content-type")?.startsWith("application/json") || this.legacy
    if (!json || typeof body !== "object") {
      return oauthError(400, "invalid_request", "client_id is required")
    }
    const client = this.clients.get(body.client_id)
    if (!client) return oauthError(401, "invalid_client", "Unknown client.")
    if (client.secret !== undefined && body.client_secret !== client.secret) {
      return oauthError(401, "invalid_client", "Client authentication failed.")
    }
    return client
  }

  /** POST /oauth/token: code exchange and refresh. */
  private token(request: Request, body: any): Response {
    if (this.legacy) body = legacyCredentials(request, body)
    const client = this.authenticate(request, body)
    if (client instanceof Response) return client
    if (body.grant_type === "authorization_code") {
      const grant = this.codes.get(body.code)
      this.codes.delete(body.code) // codes are single-use
      if (!grant || grant.clientId !== client.id) {
        return oauthError(400, "invalid_grant", "The provided authorization grant is invalid.")
      }
      if (body.redirect_uri !== grant.redirectUri) {
        return oauthError(400, "invalid_grant", "The redirect uri does not match.")
      }
      if (grant.challenge !== undefined) {
        if (typeof body.code_verifier !== "string" || s256(body.code_verifier) !== grant.challenge) {
          return oauthError(400, "invalid_grant", "The code verifier does not match the challenge.")
        }
      } else if (client.secret === undefined) {
        return oauthError(400, "invalid_request", "PKCE is required for apps without a client secret.")
      }
      return json(this.issueTokens(client.id))
    }
    if (body.grant_type === "refresh_token") {
      if (!client.redirectUris.includes(body.redirect_uri)) {
        return oauthError(400, "invalid_grant", "The redirect uri does not match.")
      }
      const owner = this.refreshTokens.get(body.refresh_token)
      // Refresh tokens are single-use: each refresh kills the one it used.
      this.refreshTokens.delete(body.refresh_token)
      if (owner !== client.id) {
        return oauthError(400, "invalid_grant", "The provided authorization grant is invalid, expired or revoked.")
      }
      return json(this.issueTokens(client.id))
    }
    return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported.")
  }

  /** POST /oauth/revoke */
  private revoke(request: Request, body: any): Response {
    const client = this.authenticate(request, body)
    if (client instanceof Response) return client
    this.revoked.add(body.token)
    this.refreshTokens.delete(body.token)
    return json({})
  }

  /**
   * GET /images/...: an avatar. Like Trakt, it refuses to be hot-linked: a
   * browser loading it into another site's page (Sec-Fetch-Dest: image) gets a 403.
   */
  private image(request: Request): Response {
    if (request.headers.get("sec-fetch-dest") === "image") {
      return new Response("Hot-linking is not allowed: cache the image on your server.", { status: 403 })
    }
    const initial = escapeHtml((this.settings.user?.username ?? "?").slice(0, 1).toUpperCase())
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128"><rect width="128" height="128" rx="64" fill="#ed2224"/><text x="64" y="84" font-family="sans-serif" font-size="64" font-weight="700" fill="#fff" text-anchor="middle">${initial}</text></svg>`
    return new Response(svg, { headers: { "content-type": "image/svg+xml", "cache-control": "no-store" } })
  }

  /** GET /users/settings, with the headers every Trakt API call needs. */
  private userSettings(request: Request): Response {
    const h = request.headers
    if (!h.get("user-agent") && !this.legacy) {
      return new Response(CLOUDFLARE_PAGE, { status: 403, headers: { "content-type": "text/html" } })
    }
    if (!this.clients.has(h.get("trakt-api-key") ?? "")) return new Response(null, { status: 403 })
    if (h.get("trakt-api-version") !== "2") return json({ error: "api version must be 2" }, 400)
    const token = /^Bearer (.+)$/.exec(h.get("authorization") ?? "")?.[1]
    if (!token || !this.isValid(token)) return new Response(null, { status: 401 })
    return json(this.settings)
  }
}
