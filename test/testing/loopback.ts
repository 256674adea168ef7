/** Lets requests to a stand-in on 127.0.0.1 through msw (test/support/setup.ts fails a test on any unhandled request). */
import { http, passthrough } from "msw"
import { beforeEach } from "vitest"
import { server } from "../support/setup.js"

export function allowLoopback() {
  beforeEach(() => server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough())))
}
