/**
 * Runs the example apps in `examples/` as a user gets them: this package packed
 * into a tarball, each app installed from its own lockfile with that tarball,
 * built for production and started with its own start script, signing in
 * against the Trakt stand-in on loopback. The browser tests and
 * `npm run example <name>` share it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { join, resolve } from "node:path"
// The repository's source of authjs-trakt/testing; the apps themselves install the tarball.
import { defaultStandInUser, sampleWatchlist, startTraktStandIn, type RunningTraktStandIn, type TraktStandInUser } from "../src/testing.js"

export const ROOT = resolve(import.meta.dirname, "..")
/** Where the packed package goes; every example depends on `file:../../.pack/authjs-trakt.tgz`. */
export const TARBALL = join(ROOT, ".pack", "authjs-trakt.tgz")

/** What the harness needs to know of each example. */
export interface ExampleApp {
  /** Where the auth library serves its routes: the callback is `${basePath}/callback/trakt`. */
  basePath: string
  /** The session endpoint under `basePath`, which any script on the page may read. @default "/session" (Auth.js) */
  sessionPath?: string
  /** What the framework needs in production to know where it is reached. */
  env: (origin: string) => Record<string, string>
  /**
   * False for an app whose page does not show the Trakt username: next-auth-v5 is the README's
   * Quick start, kept to what a first app needs; a database user row has no column for it.
   */
  showsUsername?: false
  /** False for an app whose page shows the watchlist but not the stats (next-auth-v5, the Quick start). */
  showsStats?: false
}

export const EXAMPLES = {
  // As on Vercel: no AUTH_URL, the host of each request is trusted.
  "next-auth-v5": { basePath: "/api/auth", env: () => ({ AUTH_TRUST_HOST: "true" }), showsUsername: false, showsStats: false },
  // adapter-node builds request URLs from ORIGIN.
  sveltekit: { basePath: "/auth", env: (origin) => ({ ORIGIN: origin }) },
  // next-auth v4 needs NEXTAUTH_URL in production.
  "next-auth-v4": { basePath: "/api/auth", env: (origin) => ({ NEXTAUTH_URL: origin }) },
  // Database sessions: a refresh's callback URL comes from AUTH_URL (an account row cannot keep it).
  // DATABASE_URL is the test's.
  "next-auth-v5-postgres": { basePath: "/api/auth", env: (origin) => ({ AUTH_URL: origin }), showsUsername: false },
  // Better Auth builds its callback URL from BETTER_AUTH_URL; DATABASE_URL is the test's.
  "better-auth": {
    basePath: "/api/auth",
    sessionPath: "/get-session",
    env: (origin) => ({ BETTER_AUTH_URL: origin }),
    showsUsername: false,
  },
} satisfies Record<string, ExampleApp>

export type ExampleName = keyof typeof EXAMPLES

/** The stand-in's one registered app, as the examples are told about it. */
export const STAND_IN_CLIENT = { id: "example-client-id", secret: "example-client-secret", name: "authjs-trakt example" }

/**
 * The stand-in's user for the examples: its default `justin`, whose avatar is the
 * stand-in's own image URL (which refuses hot-linking, as Trakt's image hosts
 * do) and whose watchlist is its sample one, with stats worth showing.
 */
export function standInUser(): TraktStandInUser {
  const media = (watched: number, plays: number, minutes: number) => ({ plays, watched, minutes, collected: 0, ratings: 0, comments: 0 })
  return {
    ...defaultStandInUser(),
    // Twelve movies and three shows: the movies fill more than the first page of 10.
    watchlist: sampleWatchlist(),
    stats: {
      movies: media(552, 570, 66_240),
      shows: { watched: 34, collected: 0, ratings: 0, comments: 0 },
      seasons: { ratings: 0, comments: 0 },
      episodes: media(1_834, 1_900, 78_862),
      network: { friends: 0, followers: 0, following: 0 },
      ratings: { total: 0, distribution: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [String(i + 1), 0])) },
    },
  }
}

/**
 * This process's environment without what vitest adds (`TEST`, `VITEST*`):
 * Better Auth takes `TEST` for a test run and then skips its origin check and
 * its secret's validation. The apps build and run as a user's do.
 */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== "TEST" && !name.startsWith("VITEST")),
  ) as NodeJS.ProcessEnv
}

function run(command: string, args: string[], cwd: string, env?: Record<string, string>) {
  execFileSync(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"], env: { ...userEnv(), ...env } })
}

/** Builds and packs this package into {@link TARBALL} (once per process). */
let packed = false
export function packTarball(): string {
  if (packed) return TARBALL
  const dir = join(ROOT, ".pack")
  mkdirSync(dir, { recursive: true })
  run("npm", ["run", "build", "--silent"], ROOT)
  // Packed aside, then renamed over the tarball in one step: another run
  // installing an example meanwhile never sees it missing.
  const aside = mkdtempSync(join(dir, "tmp-"))
  execFileSync("npm", ["pack", "--silent", "--pack-destination", aside], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] })
  const [file] = readdirSync(aside).filter((name) => name.endsWith(".tgz"))
  renameSync(join(aside, file!), TARBALL)
  rmSync(aside, { recursive: true, force: true })
  packed = true
  return TARBALL
}

/**
 * Installs an example from its lockfile (`npm ci`), which takes the freshly
 * packed tarball (the lockfile records no integrity for it, so npm reads the
 * file rather than a cached copy), then builds it for production.
 */
export function installAndBuild(name: ExampleName) {
  packTarball()
  const cwd = join(ROOT, "examples", name)
  run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd)
  // A production build, whatever NODE_ENV the caller runs under (vitest sets "test").
  run("npm", ["run", "build"], cwd, { NODE_ENV: "production" })
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolvePort(port))
    })
  })
}

/** Whether nothing listens on `port` (on any interface, as the apps listen). */
export function isFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer()
    server.once("error", () => resolvePort(false))
    server.listen(port, () => server.close(() => resolvePort(true)))
  })
}

export interface RunningApp {
  /** The app's origin, e.g. `http://localhost:41234`. */
  url: string
  /** The Trakt stand-in, to assert what Trakt was sent (absent with real Trakt). */
  trakt?: RunningTraktStandIn
  /** Whether its page shows the Trakt username (see {@link ExampleApp.showsUsername}). */
  showsUsername: boolean
  /** Whether its page shows the user's stats beside the watchlist (see {@link ExampleApp.showsStats}). */
  showsStats: boolean
  /** Everything the app printed, for failure messages. */
  output(): string
  stop(): Promise<void>
}

export interface StartOptions {
  /** Extra environment for the app. */
  env?: Record<string, string>
  /** Port for the app; any free one by default. */
  port?: number
  /** Hears everything the app prints, as it prints it. */
  onOutput?: (text: string) => void
}

/**
 * Starts a built example with `npm start`. Without AUTH_TRAKT_ID in the
 * environment it first starts the Trakt stand-in on loopback and hands the app
 * its URL and credentials; with it, the app talks to real Trakt.
 */
export async function startExample(name: ExampleName, options: StartOptions = {}): Promise<RunningApp> {
  // A port someone else holds would answer the readiness check for an app that failed to start.
  if (options.port !== undefined && !(await isFree(options.port))) {
    throw new Error(`port ${options.port} is in use: set PORT to a free one`)
  }
  const port = options.port ?? (await freePort())
  const url = `http://localhost:${port}`
  const example: ExampleApp = EXAMPLES[name]
  const { basePath, env: frameworkEnv } = example
  let trakt: RunningTraktStandIn | undefined
  const env: Record<string, string | undefined> = {
    ...userEnv(),
    PORT: String(port),
    // A throwaway secret; a real deployment sets its own.
    AUTH_SECRET: process.env.AUTH_SECRET ?? "example-secret-0123456789-0123456789-0123456789",
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET ?? "example-secret-0123456789-0123456789-0123456789",
    NODE_ENV: "production",
    ...frameworkEnv(url),
  }
  if (!process.env.AUTH_TRAKT_ID) {
    trakt = await startTraktStandIn({
      clients: [
        { ...STAND_IN_CLIENT, redirectUris: [`${url}${basePath}/callback/trakt`, `http://127.0.0.1:${port}${basePath}/callback/trakt`] },
      ],
      approve: "page",
      users: [standInUser()],
    })
    // What `npx authjs-trakt-standin` prints for an app to set.
    Object.assign(env, {
      AUTH_TRAKT_ID: STAND_IN_CLIENT.id,
      AUTH_TRAKT_SECRET: STAND_IN_CLIENT.secret,
      TRAKT_BASE_URL: trakt.url,
    })
  }
  Object.assign(env, options.env)

  let output = ""
  const app: ChildProcess = spawn("npm", ["start", "--silent"], {
    cwd: join(ROOT, "examples", name),
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that stop() ends npm and the server it started.
    detached: true,
  })
  const collect = (chunk: Buffer) => {
    output += chunk
    options.onOutput?.(String(chunk))
  }
  app.stdout!.on("data", collect)
  app.stderr!.on("data", collect)
  const exited = new Promise<never>((_, reject) =>
    app.once("exit", (code) => reject(new Error(`${name} exited (${code}) before answering:\n${output}`))),
  )
  exited.catch(() => {})

  const stop = async () => {
    if (app.exitCode === null) {
      try {
        process.kill(-app.pid!, "SIGTERM")
      } catch {}
      await new Promise((done) => (app.exitCode === null ? app.once("exit", done) : done(undefined)))
    }
    await trakt?.stop()
  }

  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const response = await Promise.race([fetch(url, { redirect: "manual" }), exited])
      if (response.status < 500) break
    } catch (error) {
      if (app.exitCode !== null || Date.now() > deadline) {
        await stop()
        throw error instanceof Error && error.message.includes("exited") ? error : new Error(`${name} did not answer on ${url}:\n${output}`)
      }
    }
    await new Promise((done) => setTimeout(done, 250))
  }
  return { url, trakt, showsUsername: example.showsUsername ?? true, showsStats: example.showsStats ?? true, output: () => output, stop }
}
