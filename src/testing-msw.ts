/**
 * The entry `authjs-trakt/testing/msw`: msw handlers that put a Trakt stand-in
 * (from `authjs-trakt/testing`) behind Trakt's own URLs, for unit tests with no
 * server. msw is an optional peer dependency: only this entry imports it.
 *
 * @example
 * ```ts
 * import { setupServer } from "msw/node"
 * import { createTraktStandIn } from "authjs-trakt/testing"
 * import { traktHandlers } from "authjs-trakt/testing/msw"
 *
 * const trakt = createTraktStandIn({ approve: "auto" })
 * export const server = setupServer(...traktHandlers(trakt))
 * server.listen({ onUnhandledFrame: "error" }) // msw 2: onUnhandledRequest
 * ```
 * @module
 */
export { traktHandlers, type TraktHandlersOptions } from "./testing/msw.js"
