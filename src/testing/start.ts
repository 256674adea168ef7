/** A stand-in for Trakt on loopback, for the entry `authjs-trakt/testing` and the `authjs-trakt-standin` command. */
import { serveOnLoopback } from "./node-server.js"
import { TraktStandIn, type TraktStandInOptions } from "./stand-in.js"

/** A stand-in listening on loopback, as {@link startTraktStandIn} resolves it. */
export interface RunningTraktStandIn extends TraktStandIn {
  /** Where it listens, e.g. `http://127.0.0.1:43123`: the provider's `baseUrl`. */
  readonly url: string
  /** Answers what still hangs, closes every connection and frees the port. */
  stop(): Promise<void>
}

/** Options of {@link startTraktStandIn}. */
export interface StartTraktStandInOptions extends TraktStandInOptions {
  /** The port on 127.0.0.1. @default 0 (any free port) */
  port?: number
}

/**
 * Starts a Trakt stand-in on 127.0.0.1 (a free port unless `port` is given).
 * Its `url` is the provider's `baseUrl`: OAuth and the API both live there.
 * @example
 * ```ts
 * import { startTraktStandIn } from "authjs-trakt/testing"
 *
 * const trakt = await startTraktStandIn({ approve: "auto", tokenLifetime: 60 })
 * process.env.TRAKT_BASE_URL = trakt.url
 * // ... run the app's tests, then:
 * await trakt.stop()
 * ```
 */
export async function startTraktStandIn(options: StartTraktStandInOptions = {}): Promise<RunningTraktStandIn> {
  const { port, ...standInOptions } = options
  const standIn = new TraktStandIn(standInOptions)
  const server = await serveOnLoopback(standIn.handle, port)
  return Object.assign(standIn, {
    url: server.url,
    async stop() {
      standIn.releaseHanging()
      await server.close()
    },
  })
}
