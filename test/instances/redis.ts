/** A real Redis (Debian's redis-server) on a free loopback port, with no persistence, for the life of a test run. */
import { spawn, type ChildProcess } from "node:child_process"
import { freePort } from "../../e2e/apps.js"

export interface RunningRedis {
  url: string
  stop(): Promise<void>
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort()
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"]
  let server: ChildProcess
  try {
    server = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] })
  } catch (error) {
    throw new Error("redis-server is needed (Debian: apt-get install redis-server)", { cause: error })
  }
  let output = ""
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => reject(new Error("redis-server is needed (Debian: apt-get install redis-server)", { cause: error })))
    server.once("exit", (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)))
    server.stdout!.on("data", (chunk: Buffer) => {
      output += chunk
      if (output.includes("Ready to accept connections")) resolve()
    })
  })
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((done) => {
        if (server.exitCode !== null) return done()
        server.once("exit", () => done())
        server.kill("SIGTERM")
      }),
  }
}
