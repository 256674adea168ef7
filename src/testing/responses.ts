/** The answers the stand-in gives, shaped as Trakt (and Cloudflare in front of it) gives them. */

export const json = (body: unknown, status = 200, headers?: HeadersInit) => Response.json(body, { status, headers })

/** RFC 6749's error body, which auth.trakt.tv uses: `{ error, error_description }`. */
export const oauthError = (status: number, error: string, description: string) => json({ error, error_description: description }, status)

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]!)

export const html = (body: string, status = 200, headers?: Record<string, string>) =>
  new Response(body, { status, headers: { "content-type": "text/html; charset=UTF-8", ...headers } })

/**
 * The page Cloudflare answers blocked requests with (a missing User-Agent, say):
 * HTML, not JSON, so an app that parses every Trakt answer as JSON breaks on it.
 */
export const CLOUDFLARE_BLOCK_PAGE =
  '<!DOCTYPE html><html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>' +
  '<body><div id="cf-wrapper"><h1>Sorry, you have been blocked</h1>' +
  "<h2>You are unable to access trakt.tv</h2></div></body></html>"

export const cloudflareBlock = (status = 403) => html(CLOUDFLARE_BLOCK_PAGE, status, { server: "cloudflare" })
