/**
 * Who the app is at Trakt and how to reach it: the options every helper takes
 * besides its own, their defaults from the environment, and when each is
 * checked. The one place these defaults are set.
 */
import { lazyEndpoints, type TraktEndpointOptions, type TraktEndpoints } from "./endpoints.js"
import { missingClientId } from "./errors.js"
import { readEnv } from "./util/env.js"
import { createTransport, type TraktCredentials, type TraktRequestOptions, type Transport } from "./transport.js"

/** The options every helper takes to reach Trakt. */
export interface TraktConnectionOptions extends TraktEndpointOptions, TraktRequestOptions {
  /** Your Trakt app's client id. @default process.env.AUTH_TRAKT_ID */
  clientId?: string
  /**
   * Your Trakt app's secret; none for a PKCE-only app.
   * @default process.env.AUTH_TRAKT_SECRET, unless `clientId` is given
   */
  clientSecret?: string
  /** The fetch to send requests with. @default globalThis.fetch */
  fetch?: typeof fetch
}

/** A validated connection: what is wrong whatever the environment has thrown already; the rest is checked on use. */
export interface Connection {
  transport: Transport
  /** Throws `INVALID_OPTION` for a bad `baseUrl` or `oauthBaseUrl`. */
  endpoints: () => TraktEndpoints
  /** Throws `MISSING_CLIENT_ID` when there is no client id. */
  credentials: () => TraktCredentials & { clientId: string }
}

export function connect(options: TraktConnectionOptions): Connection {
  return {
    transport: createTransport(options),
    endpoints: lazyEndpoints(options),
    credentials() {
      const clientId = options.clientId || readEnv("AUTH_TRAKT_ID")
      if (!clientId) throw missingClientId()
      // A secret from the environment belongs to the id from the environment.
      const clientSecret = options.clientSecret ?? (options.clientId ? undefined : readEnv("AUTH_TRAKT_SECRET"))
      return { clientId, clientSecret }
    },
  }
}
