/** Serves a fetch-style handler over HTTP on 127.0.0.1, with Node's `http` and nothing else. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** Stops listening and closes every connection, idle or not; resolves once the port is free. */
  close(): Promise<void>
}

function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value)
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD"
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    signal,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // Node's fetch needs this for a streamed request body.
    ...(hasBody && { duplex: "half" }),
  } as RequestInit)
}

async function send(response: Response, res: ServerResponse) {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  if (response.headers.has("set-cookie")) headers["set-cookie"] = response.headers.getSetCookie()
  const body = Buffer.from(await response.arrayBuffer())
  if (!res.destroyed) res.writeHead(response.status, headers).end(body)
}

/** Listens on 127.0.0.1 only (port 0: any free port) and answers every request with `handle`. */
export function serveOnLoopback(handle: (request: Request) => Promise<Response>, port = 0): Promise<LoopbackServer> {
  return new Promise((resolve, reject) => {
    let origin = ""
    const server = createServer((req, res) => {
      // The request's signal aborts when the client goes away, which ends a hang.
      const aborted = new AbortController()
      res.once("close", () => aborted.abort())
      handle(toRequest(req, origin, aborted.signal))
        .then((response) => send(response, res))
        .catch(() => {
          if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" })
          res.end('{"error":"server_error"}')
        })
    })
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      resolve({
        url: origin,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}
