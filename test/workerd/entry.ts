/**
 * What workerd.test.ts bundles: the Worker of docs/edge.md (worker.ts), and one
 * route of the test's own that says which runtime answers and what of
 * `process` the compatibility settings gave it.
 */
import worker, { type Env } from "./worker.js"

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname === "/runtime") {
      const { process } = globalThis as { process?: { env?: object } }
      return Promise.resolve(
        Response.json({ userAgent: navigator.userAgent, processEnv: process ? Object.keys(process.env ?? {}).sort() : null }),
      )
    }
    return worker.fetch(request, env)
  },
}
