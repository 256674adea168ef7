/** msw handlers that put a Trakt stand-in behind Trakt's own URLs (the entry `authjs-trakt/testing/msw`). */
import { http, type HttpHandler } from "msw"
import type { TraktStandIn } from "./stand-in.js"

/** Options of {@link traktHandlers}. */
export interface TraktHandlersOptions {
  /**
   * The provider's `baseUrl`: `https://api-staging.trakt.tv` answers on Trakt's
   * staging hosts, any other base serves OAuth and the API under itself.
   * @default Trakt's production hosts: OAuth on `https://auth.trakt.tv`, the API on `https://api.trakt.tv`
   */
  baseUrl?: string | URL
}

/** The hosts of Trakt's contract (`trakt-contract.md`, "Hosts"). */
function hosts(baseUrl: string | URL | undefined): { authorize: string; token: string; api: string; images: string } {
  const base = baseUrl ? String(baseUrl).replace(/\/+$/, "") : "https://api.trakt.tv"
  // Avatars from Trakt's API hosts live on its image host (walter-r2.trakt.tv).
  const images = "https://walter-r2.trakt.tv"
  if (base === "https://api.trakt.tv") return { authorize: "https://auth.trakt.tv", token: "https://auth.trakt.tv", api: base, images }
  if (base === "https://api-staging.trakt.tv") return { authorize: "https://staging.trakt.tv", token: base, api: base, images }
  return { authorize: base, token: base, api: base, images: base }
}

/**
 * msw handlers for Trakt's OAuth endpoints, the API (`/users/*`, `/sync/*`) and
 * the avatars (`/images/*`: on `walter-r2.trakt.tv` for production and
 * staging, under the base otherwise), answered by `standIn`. Only those URLs: an OAuth
 * request sent to the API host is left unhandled, so a test with
 * `onUnhandledFrame: "error"` (msw 2: `onUnhandledRequest`) fails on it, as Trakt would.
 * @example
 * ```ts
 * import { setupServer } from "msw/node"
 * import { createTraktStandIn } from "authjs-trakt/testing"
 * import { traktHandlers } from "authjs-trakt/testing/msw"
 *
 * const trakt = createTraktStandIn()
 * const server = setupServer(...traktHandlers(trakt, { baseUrl: "https://api-staging.trakt.tv" }))
 * ```
 */
export function traktHandlers(standIn: TraktStandIn, options: TraktHandlersOptions = {}): HttpHandler[] {
  const { authorize, token, api, images } = hosts(options.baseUrl)
  const answer = ({ request }: { request: Request }) => standIn.handle(request)
  return [
    http.get(`${authorize}/oauth/authorize`, answer),
    http.post(`${authorize}/oauth/authorize`, answer),
    http.post(`${token}/oauth/token`, answer),
    http.post(`${token}/oauth/revoke`, answer),
    http.all(`${api}/users/*`, answer),
    http.all(`${api}/sync/*`, answer),
    http.get(`${images}/images/*`, answer),
  ]
}
