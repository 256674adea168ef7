import { setupServer } from "msw/node"
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest"
import { forgetRotations } from "../../src/core/refresh/rotation.js"
import { handlers, resetTrakt } from "./handlers.js"

export const server = setupServer(...handlers)

/** Requests no handler answered: proof that nothing tried to reach the internet. */
const unhandled: string[] = []

beforeAll(() =>
  server.listen({
    onUnhandledFrame({ frame, defaults }) {
      const { request } = frame.data as { request?: Request }
      unhandled.push(request ? `${request.method} ${request.url}` : `a ${frame.protocol} connection`)
      defaults.error()
      // msw 3's defaults.error() only prints (msw 2's also failed the request). A
      // Response thrown here is what the request gets: a network error, as for a host
      // that does not exist, so nothing goes out. Code under test may catch that
      // failure, so afterEach fails the test as well.
      throw Response.error()
    },
  }),
)
beforeEach(() => {
  resetTrakt()
  // Each test starts with no refresh remembered by the process.
  forgetRotations()
})
afterEach(() => {
  server.resetHandlers()
  const leaked = unhandled.splice(0)
  expect(leaked, "requests that no msw handler answered").toEqual([])
})
afterAll(() => server.close())
