/**
 * A real, throwaway PostgreSQL (Debian's `postgresql` package) for a test run:
 * a cluster made by `initdb` in a temp dir, a server on 127.0.0.1 and a free
 * port (its unix socket in that dir, nothing in /var/run), one database, all
 * removed by `stop()`. Tests can stop and start the server mid-test, and put a
 * proxy with latency in front of it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { createConnection, createServer, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { freePort } from "../../e2e/apps.js"

const run = promisify(execFile)
const INSTALL = "PostgreSQL is needed (Debian: apt-get install postgresql)"

export interface RunningPostgres {
  /** `postgres://trakt@127.0.0.1:<port>/trakt`, no password (trust, loopback only). */
  url: string
  port: number
  /** Creates another database on the same server; resolves to its URL. */
  database(name: string): Promise<string>
  /** Stops the server (fast shutdown: open connections are cut); the data stays. */
  down(): Promise<void>
  /** Starts the server again, on the same port, with the same data. */
  up(): Promise<void>
  /** A TCP proxy in front of the server adding `latency` ms to each round trip. */
  proxy(options: { latency: number }): Promise<LatencyProxy>
  /** Stops the server and every proxy, and removes the cluster's directory. */
  stop(): Promise<void>
}

export interface LatencyProxy {
  /** The same database as `RunningPostgres.url`, through the proxy. */
  url: string
  /** Changes the latency for the chunks that arrive from now on. */
  setLatency(ms: number): void
  /** Cuts every connection through the proxy (chunks still held are dropped); new ones are served. */
  cut(): void
  stop(): Promise<void>
}

/** The newest PostgreSQL under /usr/lib/postgresql/<version>/bin, where Debian puts it. */
export function findPostgresBin(): string {
  const root = "/usr/lib/postgresql"
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (!versions[0]) throw new Error(`${INSTALL}: no initdb under ${root}/<version>/bin`)
  return join(root, versions[0], "bin")
}

/**
 * initdb and postgres refuse to run as root; as root (here and in CI) they run
 * as Debian's `postgres` user, which owns the cluster's directory.
 */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"))
  if (!line) throw new Error(`${INSTALL}: running as root and there is no "postgres" user to run the server as`)
  const [, , uid, gid] = line.split(":")
  return { uid: Number(uid), gid: Number(gid) }
}

export async function startPostgres(): Promise<RunningPostgres> {
  const bin = findPostgresBin()
  const user = serverUser()
  const dir = mkdtempSync(join(tmpdir(), "authjs-trakt-pg-"))
  if (user) chownSync(dir, user.uid, user.gid)
  const data = join(dir, "data")
  const as = { ...user, cwd: dir, env: { ...process.env, LC_ALL: "C", TZ: "UTC" } }
  const proxies = new Set<LatencyProxy>()
  let server: ChildProcess | undefined

  // If the run dies before stop(), do not leave a server or a cluster behind.
  const onExit = () => {
    server?.kill("SIGQUIT")
    rmSync(dir, { recursive: true, force: true })
  }
  process.once("exit", onExit)

  const port = await freePort()
  try {
    // --no-sync: a throwaway cluster need not survive a power cut.
    await run(join(bin, "initdb"), ["-D", data, "-U", "trakt", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"], as)
  } catch (error) {
    onExit()
    process.off("exit", onExit)
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? error}`, { cause: error })
  }

  const up = async () => {
    // fsync off and friends: speed over durability, as the data is thrown away.
    const args = ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir]
    for (const setting of ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=100"]) {
      args.push("-c", setting)
    }
    const child = spawn(join(bin, "postgres"), args, { ...as, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    await new Promise<void>((resolve, reject) => {
      child.once("error", (error) => reject(new Error(INSTALL, { cause: error })))
      child.once("exit", (code) => reject(new Error(`postgres exited (${code}):\n${output}`)))
      const listen = (chunk: Buffer) => {
        output += chunk
        if (output.includes("database system is ready to accept connections")) resolve()
      }
      child.stdout!.on("data", listen)
      child.stderr!.on("data", listen)
    })
    child.removeAllListeners("exit")
    server = child
  }

  const down = () =>
    new Promise<void>((done) => {
      const child = server
      server = undefined
      if (!child || child.exitCode !== null) return done()
      child.once("exit", () => done())
      // SIGINT is PostgreSQL's "fast" shutdown: cut sessions, checkpoint, exit.
      child.kill("SIGINT")
    })

  await up()
  await run(join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "trakt", "trakt"], as)
  const url = `postgres://trakt@127.0.0.1:${port}/trakt`

  return {
    url,
    port,
    async database(name) {
      await run(join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "trakt", name], as)
      return `postgres://trakt@127.0.0.1:${port}/${name}`
    },
    down,
    up,
    async proxy({ latency }) {
      const proxy = await startLatencyProxy(port, latency)
      proxies.add(proxy)
      return proxy
    },
    async stop() {
      await Promise.all([...proxies].map((p) => p.stop()))
      await down()
      process.off("exit", onExit)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A loopback TCP proxy to `targetPort` that holds each chunk for half of
 * `latency` in each direction, in order: a round trip costs `latency` more.
 */
export async function startLatencyProxy(targetPort: number, latency: number): Promise<LatencyProxy> {
  let half = latency / 2
  const sockets = new Set<Socket>()
  // Each direction keeps its own clock so that chunks never overtake each other.
  const delayed = (from: Socket, to: Socket) => {
    let last = 0
    from.on("data", (chunk) => {
      const at = Math.max(Date.now() + half, last)
      last = at
      setTimeout(() => to.writable && to.write(chunk), at - Date.now())
    })
    from.on("end", () => setTimeout(() => to.end(), Math.max(0, last - Date.now())))
  }
  const server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      socket.on("error", () => (socket === client ? upstream : client).destroy())
    }
    delayed(client, upstream)
    delayed(upstream, client)
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port))
  })
  return {
    url: `postgres://trakt@127.0.0.1:${port}/trakt`,
    setLatency(ms) {
      half = ms / 2
    },
    cut() {
      for (const socket of sockets) socket.destroy()
    },
    stop: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => done())
      }),
  }
}
