/**
 * Serves a bundled Worker in workerd, Cloudflare's runtime, from npm's
 * `workerd` package (the binary is its platform package,
 * `@cloudflare/workerd-linux-64` here; `workerd`'s postinstall only links it
 * and is not needed). One process per call, on a free loopback port, always
 * killed by `stop()` or, failing that, when the test process exits.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"

/** The workerd binary: the `workerd` package's main export is its path. */
export const workerdBinary: string = createRequire(import.meta.url)("workerd").default

/**
 * vitest ends a test process with SIGTERM, so no "exit" handler of ours runs
 * then: on Linux, util-linux's setpriv has the kernel kill workerd when the
 * process that started it dies, however it dies.
 */
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => process.platform === "linux" && existsSync(path))

export interface WorkerdOptions {
  /** The Worker, one ES module. */
  script: string
  /** Text bindings: the Worker's `env`. */
  bindings: Record<string, string>
  compatibilityDate: string
  compatibilityFlags?: string[]
  /** How long workerd may take to listen (it takes a fraction of a second). @default 5_000 */
  startTimeout?: number
}

export interface RunningWorkerd {
  /** Where the Worker answers, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** What workerd printed (the Worker's console included): for failure messages. */
  output(): string
  /** Kills workerd, which frees its port, and removes its files. */
  stop(): Promise<void>
}

const text = (value: string) => JSON.stringify(value) // a JSON string of ASCII is a Cap'n Proto text literal

function config(options: WorkerdOptions): string {
  const bindings = Object.entries(options.bindings).map(([name, value]) => `(name = ${text(name)}, text = ${text(value)})`)
  const flags = (options.compatibilityFlags ?? []).map(text)
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # workerd's default outbound reaches public addresses only; the stand-in is on loopback,
    # and nothing else may be reached: no internet from a test.
    (name = "loopback", network = (allow = ["127.0.0.1/32"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = ${text(options.compatibilityDate)},
  compatibilityFlags = [${flags.join(", ")}],
  bindings = [${bindings.join(", ")}],
  globalOutbound = "loopback",
);
`
}

/** Starts workerd on a free port (port 0; `--control-fd` says which one it got). */
export async function serveInWorkerd(options: WorkerdOptions): Promise<RunningWorkerd> {
  const dir = mkdtempSync(join(tmpdir(), "authjs-trakt-workerd-"))
  writeFileSync(join(dir, "worker.js"), options.script)
  writeFileSync(join(dir, "config.capnp"), config(options))

  const command = [workerdBinary, "serve", "config.capnp", "--control-fd=3"]
  if (SETPRIV) command.unshift(SETPRIV, "--pdeathsig", "KILL", "--")
  const child = spawn(command[0]!, command.slice(1), { cwd: dir, stdio: ["ignore", "pipe", "pipe", "pipe"] })
  let output = ""
  child.stdout!.on("data", (chunk) => (output += chunk))
  child.stderr!.on("data", (chunk) => (output += chunk))
  // "close": workerd has exited and everything it printed has been read.
  const closed = new Promise<void>((done) => child.once("close", () => done()))
  // Elsewhere, at least a test process that exits without stop() takes workerd with it.
  const killOnExit = () => child.kill("SIGKILL")
  process.once("exit", killOnExit)

  async function stop() {
    // Nothing of a test Worker's needs a graceful end; SIGKILL cannot be ignored, even by a Worker in a busy loop.
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    await closed
    process.off("exit", killOnExit)
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const limit = options.startTimeout ?? 5_000
      const timer = setTimeout(() => reject(new Error(`workerd did not listen within ${limit} ms`)), limit)
      child.once("error", reject)
      createInterface({ input: child.stdio[3] as NodeJS.ReadableStream }).on("line", (line) => {
        let event: { event?: string; socket?: string; port?: number } = {}
        try {
          event = JSON.parse(line)
        } catch {} // not an event: the timeout will say so, with workerd's output
        if (event.event === "listen" && event.socket === "http") {
          clearTimeout(timer)
          resolve(event.port!)
        }
      })
      closed.then(() => {
        clearTimeout(timer)
        reject(new Error(`workerd exited with ${child.exitCode ?? child.signalCode}`))
      })
    })
    return { url: `http://127.0.0.1:${port}`, output: () => output, stop }
  } catch (error) {
    await stop()
    throw new Error(`${(error as Error).message}\n${output}`)
  }
}
