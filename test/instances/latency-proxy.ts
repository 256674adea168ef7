/**
 * A TCP proxy on loopback that delays every chunk, each way, by half of
 * `latency`: put in front of Redis, each command takes one `latency` more.
 * `latency` can change between trials; chunks keep their order.
 */
import { createServer, connect, type Socket } from "node:net"
import type { AddressInfo } from "node:net"

export interface LatencyProxy {
  url: string
  /** Milliseconds added to each round trip. */
  latency: number
  stop(): Promise<void>
}

export async function startLatencyProxy(target: string): Promise<LatencyProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<Socket>()
  const proxy = { url: "", latency: 0, stop: async () => {} }

  /** Copies `from` to `to`, each chunk held for half the latency, in order. */
  function delayed(from: Socket, to: Socket) {
    const queue: { due: number; chunk?: Buffer }[] = []
    let timer: ReturnType<typeof setTimeout> | undefined
    const drain = () => {
      timer = undefined
      while (queue.length && queue[0]!.due <= performance.now()) {
        const { chunk } = queue.shift()!
        if (chunk) to.write(chunk)
        else to.end()
      }
      if (queue.length) timer = setTimeout(drain, queue[0]!.due - performance.now())
    }
    const push = (chunk?: Buffer) => {
      const due = Math.max(performance.now() + proxy.latency / 2, queue.at(-1)?.due ?? 0)
      queue.push({ due, chunk })
      timer ??= setTimeout(drain, due - performance.now())
    }
    from.on("data", (chunk: Buffer) => push(chunk))
    from.on("end", () => push())
    from.on("error", () => to.destroy())
    from.on("close", () => queue.length || to.destroy())
  }

  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname)
    sockets.add(client).add(upstream)
    client.on("close", () => sockets.delete(client))
    upstream.on("close", () => sockets.delete(upstream))
    delayed(client, upstream)
    delayed(upstream, client)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  proxy.url = `redis://127.0.0.1:${(server.address() as AddressInfo).port}`
  proxy.stop = () =>
    new Promise((done) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => done())
    })
  return proxy
}
