/**
 * Appended to docs/testing.md's auth.test.ts by scripts/check-msw.mjs: with the
 * recipe's `server.listen` option in force, a request no handler answers must
 * fail and never leave the process. The host is a loopback server of its own, so
 * "never left" is a count, whatever network the machine has.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

export async function askHostNothingAnswers(): Promise<{ outcome: "answered" | "failed"; reached: number }> {
  let reached = 0
  const host = createServer((_, response) => void (reached++, response.end("from the network")))
  await new Promise<void>((listening) => host.listen(0, "127.0.0.1", listening))
  try {
    const { port } = host.address() as AddressInfo
    const outcome = await fetch(`http://127.0.0.1:${port}/nothing-answers-this`).then(
      () => "answered" as const,
      () => "failed" as const,
    )
    return { outcome, reached }
  } finally {
    host.close()
  }
}
