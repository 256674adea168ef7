/**
 * `/oauth/authorize`, `/oauth/token` and `/oauth/revoke`, as auth.trakt.tv
 * serves them since July 2026: JSON bodies with the credentials in them (HTTP
 * Basic refused), exact redirect URIs, S256 PKCE, single-use codes and refresh
 * tokens.
 */
import { createHash } from "node:crypto"
import { findUser, type Context, type TraktStandInClient } from "./context.js"
import { escapeHtml, html, json, oauthError } from "./responses.js"

const CODE_LIFETIME = 600 // seconds

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url")

/** The client, or why the authorize request is refused (shown as a page: the redirect URI is not trusted yet). */
function checkAuthorize(context: Context, params: URLSearchParams): TraktStandInClient | string {
  const client = context.clients.get(params.get("client_id") ?? "")
  if (!client) return "Unknown client_id."
  if (!client.redirectUris.includes(params.get("redirect_uri") ?? "")) {
    return "The redirect uri included is not valid."
  }
  return client
}

/** Errors after the redirect URI is known go back to the app, as RFC 6749 §4.1.2.1 says. */
function redirectBack(params: URLSearchParams, answer: Record<string, string>): Response {
  const back = new URL(params.get("redirect_uri")!)
  for (const [k, v] of Object.entries(answer)) back.searchParams.set(k, v)
  if (params.has("state")) back.searchParams.set("state", params.get("state")!)
  return new Response(null, { status: 302, headers: { location: back.href } })
}

function requestError(params: URLSearchParams): Record<string, string> | undefined {
  if (params.get("response_type") !== "code")
    return { error: "unsupported_response_type", error_description: "response_type must be code." }
  const method = params.get("code_challenge_method")
  if (params.has("code_challenge") && method !== "S256") {
    return { error: "invalid_request", error_description: "Only the S256 code_challenge_method is supported." }
  }
  if (!params.has("code_challenge") && method) return { error: "invalid_request", error_description: "code_challenge is required." }
  return undefined
}

function decide(context: Context, client: TraktStandInClient, params: URLSearchParams, approved: boolean): Response {
  if (!approved) {
    return redirectBack(params, {
      error: "access_denied",
      error_description: "The resource owner or authorization server denied the request.",
    })
  }
  const code = context.tokens.code(
    {
      clientId: client.id,
      user: context.signedIn,
      redirectUri: params.get("redirect_uri")!,
      ...(params.has("code_challenge") && { challenge: params.get("code_challenge")! }),
    },
    CODE_LIFETIME,
  )
  return redirectBack(params, { code })
}

/** GET and POST `/oauth/authorize`. */
export function authorize(context: Context, request: Request, url: URL, form: URLSearchParams): Response {
  const params = new URLSearchParams(url.search)
  if (request.method === "POST") for (const [k, v] of form) if (k !== "decision") params.set(k, v)
  const client = checkAuthorize(context, params)
  if (typeof client === "string")
    return html(`<!DOCTYPE html><title>OAuth error</title><h1>OAuth error</h1><p>${escapeHtml(client)}</p>`, 400)
  const invalid = requestError(params)
  if (invalid) return redirectBack(params, invalid)
  if (request.method === "POST") return decide(context, client, params, form.get("decision") === "approve")
  if (context.approve !== "page") return decide(context, client, params, context.approve === "auto")
  return consentPage(context, client, params)
}

function consentPage(context: Context, client: TraktStandInClient, params: URLSearchParams): Response {
  const hidden = [...params].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join("")
  const name = escapeHtml(client.name ?? client.id)
  const user = escapeHtml(findUser(context, context.signedIn)?.user.username ?? context.signedIn)
  return html(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Authorize ${name} | Trakt (stand-in)</title>
<style>body{font-family:system-ui,sans-serif;background:#1d1d1d;color:#fff;display:grid;place-items:center;min-height:90vh}main{background:#2b2b2b;padding:2rem;border-radius:12px;max-width:28rem}button{font-size:1rem;padding:.6rem 1.4rem;margin-right:.6rem;border-radius:6px;border:0;cursor:pointer}.approve{background:#ed2224;color:#fff}</style></head>
<body><main><p>Local Trakt stand-in: no real Trakt account is involved.</p>
<h1>Authorize <span id="app-name">${name}</span>?</h1>
<p>It will be able to use the Trakt account of <b id="username">${user}</b>.</p>
<form method="post">${hidden}<button class="approve" name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button></form>
</main></body></html>`)
}

/** Reads a form body and HTTP Basic credentials into Trakt's JSON shape: only in legacy mode (api.trakt.tv before July 2026). */
function legacyBody(request: Request, text: string, body: unknown): Record<string, unknown> | undefined {
  let fields = body && typeof body === "object" ? (body as Record<string, unknown>) : undefined
  if (!fields && text) fields = Object.fromEntries(new URLSearchParams(text))
  const basic = /^Basic (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1]
  if (!basic) return fields
  const [id = "", secret = ""] = atob(basic)
    .split(":")
    .map((part) => decodeURIComponent(part.replace(/\+/g, " ")))
  return { ...fields, client_id: id, client_secret: secret }
}

/** What token and revoke requests need: a JSON body carrying the app's credentials. The client and the body, or the refusal. */
function authenticate(
  context: Context,
  request: Request,
  text: string,
  parsed: unknown,
): { client: TraktStandInClient; body: Record<string, any> } | Response {
  let body: Record<string, any> | undefined
  if (context.legacy) body = legacyBody(request, text, parsed)
  else {
    if (request.headers.has("authorization")) {
      // auth.trakt.tv refuses HTTP Basic client authentication (trakt-api PR #903).
      return oauthError(401, "invalid_client", "Client authentication must be sent in the request body, not in an Authorization header.")
    }
    const isJson = /^application\/json\b/i.test(request.headers.get("content-type") ?? "")
    body = isJson && parsed && typeof parsed === "object" ? (parsed as Record<string, any>) : undefined
  }
  // A form body reads as no body at all: what Trakt answers since July 2026.
  if (!body || typeof body.client_id !== "string" || !body.client_id) return oauthError(400, "invalid_request", "client_id is required")
  const client = context.clients.get(body.client_id)
  if (!client) return oauthError(401, "invalid_client", "Client authentication failed due to unknown client.")
  if (client.secret !== undefined && body.client_secret !== client.secret) {
    return oauthError(401, "invalid_client", "Client authentication failed.")
  }
  return { client, body }
}

const INVALID_GRANT =
  "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."

/** POST `/oauth/token`: the code exchange and the refresh. */
export function token(context: Context, request: Request, text: string, parsed: unknown): Response {
  const auth = authenticate(context, request, text, parsed)
  if (auth instanceof Response) return auth
  const { client, body } = auth
  if (body.grant_type === "authorization_code") {
    const grant = context.tokens.spendCode(body.code)
    if (!grant || grant.clientId !== client.id || body.redirect_uri !== grant.redirectUri) {
      return oauthError(400, "invalid_grant", INVALID_GRANT)
    }
    if (grant.challenge !== undefined) {
      if (typeof body.code_verifier !== "string" || s256(body.code_verifier) !== grant.challenge) {
        return oauthError(400, "invalid_grant", "The code_verifier does not match the code_challenge.")
      }
    } else if (client.secret === undefined) {
      return oauthError(400, "invalid_request", "PKCE is required for apps without a client secret.")
    }
    return json(context.tokens.issue(client.id, grant.user, context.tokenLifetime))
  }
  if (body.grant_type === "refresh_token") {
    context.refreshes.requested++
    // Trakt wants the app's redirect URI on a refresh too.
    if (!client.redirectUris.includes(body.redirect_uri)) return oauthError(400, "invalid_grant", INVALID_GRANT)
    const spent = context.tokens.spendRefresh(body.refresh_token, client.id)
    if (!spent) return oauthError(400, "invalid_grant", INVALID_GRANT)
    context.refreshes.granted++
    return json(context.tokens.issue(client.id, spent.user, context.tokenLifetime))
  }
  return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
}

/** POST `/oauth/revoke`: 200 whether or not the token was live, as RFC 7009 says. */
export function revoke(context: Context, request: Request, text: string, parsed: unknown): Response {
  const auth = authenticate(context, request, text, parsed)
  if (auth instanceof Response) return auth
  const { client, body } = auth
  if (typeof body.token === "string" && body.token) context.tokens.revoke({ token: body.token, client: client.id })
  return json({})
}
