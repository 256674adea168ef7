/** Serves the Trakt stand-in over real HTTP on loopback, for the demo and the browser test. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"
import type { FakeTrakt } from "./trakt.js"

export interface RunningStandIn {
  /** Where it listens, e.g. `http://127.0.0.1:43123`: the provider's `baseUrl`. */
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
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
}

/** Listens on 127.0.0.1 (port 0: any free port) and answers every request with `fake`. */
export function serveFakeTrakt(fake: FakeTrakt, port = 0): Promise<RunningStandIn> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      fake
        .handle(toRequest(req, url))
        .then((response) => send(response, res))
        .catch((error: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" })
          res.end(`stand-in error: ${(error as Error).message}`)
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
