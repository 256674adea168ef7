/** Serves the Trakt stand-in (or any fetch-style handler) over real HTTP on loopback. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"
import type { FakeTrakt } from "./trakt.js"

export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:43123`. */
  url: string
  close(): Promise<void>
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value)
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD"
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // Node's fetch needs this for a streamed request body.
    ...(hasBody && { duplex: "half" }),
  } as RequestInit)
}

async function send(response: Response, res: ServerResponse) {
  const headers: Record<string, string | string[]> = Object.fromEntries(response.headers)
  // Several Set-Cookie headers must stay several, not one comma-joined line.
  if (response.headers.has("set-cookie")) headers["set-cookie"] = response.headers.getSetCookie()
  res.writeHead(response.status, headers)
  res.end(Buffer.from(await response.arrayBuffer()))
}

/** Listens on 127.0.0.1 (port 0: any free port) and answers every request with `handle`. */
export function serveHandler(handle: (request: Request) => Promise<Response>, port = 0): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      handle(toRequest(req, url))
        .then((response) => send(response, res))
        .catch((error: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" })
          res.end(`server error: ${(error as Error).message}`)
        })
    })
    let url = ""
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => {
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      resolve({
        url,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
  })
}

/** Where the stand-in listens is the provider's `baseUrl`. */
export type RunningStandIn = RunningServer

/** Serves the Trakt stand-in on loopback, for the demo, the examples and the browser tests. */
export const serveFakeTrakt = (fake: FakeTrakt, port = 0) => serveHandler((request) => fake.handle(request), port)
