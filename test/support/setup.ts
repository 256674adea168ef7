import { setupServer } from "msw/node"
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest"
import { forgetRotations } from "../../src/core/refresh/rotation.js"
import { handlers, resetTrakt } from "./handlers.js"

export const server = setupServer(...handlers)

/** Requests no handler answered: proof that nothing tried to reach the internet. */
const unhandled: string[] = []

beforeAll(() =>
  server.listen({
    onUnhandledRequest(request, print) {
      unhandled.push(`${request.method} ${request.url}`)
      print.error()
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
