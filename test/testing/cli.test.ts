/** `authjs-trakt-standin`: starts, prints its URL and the app's environment, serves a sign-in, exits 0 on SIGINT. */
import { spawn, type ChildProcess } from "node:child_process"
import { once } from "node:events"
import { readFileSync } from "node:fs"
import { createServer } from "node:net"
import { join, resolve } from "node:path"
import { afterEach, expect, test } from "vitest"
import Trakt from "../../src/index.js"
import { authConfig, Browser } from "../support/browser.js"
import { ORIGIN } from "../support/constants.js"
import { allowLoopback } from "./loopback.js"

allowLoopback()
const ROOT = resolve(import.meta.dirname, "../..")
let child: ChildProcess | undefined
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL")
  child = undefined
})

/** Runs the command from source; resolves with what it printed once it printed `until` (or exited). */
function run(args: string[], until = /TRAKT_BASE_URL=.*\n/) {
  child = spawn(process.execPath, ["--import", "tsx", "src/testing-cli.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  let err = ""
  child.stderr!.on("data", (c) => (err += c))
  return new Promise<{ out: string; err: string; code: number | null }>((done) => {
    child!.stdout!.on("data", (c) => {
      out += c
      if (until.test(out)) done({ out, err, code: null })
    })
    child!.once("exit", (code) => done({ out, err, code }))
  })
}

const portIsFree = (port: number) =>
  new Promise<boolean>((done) => {
    const probe = createServer()
    probe.once("error", () => done(false))
    probe.listen(port, "127.0.0.1", () => probe.close(() => done(true)))
  })

test("prints its URL and the variables to set, serves a sign-in, and exits 0 on SIGINT, freeing the port", async () => {
  const callback = `${ORIGIN}/auth/callback/trakt`
  const { out } = await run(["--port", "0", "--client", `cli-app:cli-secret:${callback}`])
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
  expect(url, out).toBeDefined()
  expect(out).toContain("AUTH_TRAKT_ID=cli-app\n")
  expect(out).toContain("AUTH_TRAKT_SECRET=cli-secret\n")
  expect(out).toContain(`TRAKT_BASE_URL=${url}\n`)

  const config = authConfig([Trakt({ clientId: "cli-app", clientSecret: "cli-secret", baseUrl: url })])
  const browser = new Browser(config)
  const answer = await browser.signInWithTrakt() // the consent page, then Approve
  expect(answer.headers.get("location"), String(config.logs.errors)).toBe(`${ORIGIN}/dashboard`)
  expect((await browser.session()).user.name).toBe("Justin Nemeth")

  child!.kill("SIGINT")
  const [code] = await once(child!, "exit")
  expect(code).toBe(0)
  expect(await portIsFree(Number(new URL(url!).port))).toBe(true)
})

test("SIGTERM exits 0 too; a PKCE-only app prints no secret; repeating --client adds redirect URIs", async () => {
  const { out } = await run([
    "--port",
    "0",
    "--approve",
    "auto",
    "--client",
    "pkce::http://localhost:3000/a",
    "--client",
    "pkce::http://localhost:3000/b",
  ])
  expect(out).toContain("AUTH_TRAKT_ID=pkce\n")
  expect(out).not.toContain("AUTH_TRAKT_SECRET")
  const url = /listening on (\S+)/.exec(out)![1]!
  for (const redirect of ["http://localhost:3000/a", "http://localhost:3000/b"]) {
    const query = new URLSearchParams({
      response_type: "code",
      client_id: "pkce",
      redirect_uri: redirect,
      code_challenge: "x".repeat(43),
      code_challenge_method: "S256",
    })
    const answer = await fetch(`${url}/oauth/authorize?${query}`, { redirect: "manual" })
    expect(answer.headers.get("location")).toMatch(new RegExp(`^${redirect}\\?code=`))
  }
  child!.kill("SIGTERM")
  expect((await once(child!, "exit"))[0]).toBe(0)
})

test("a malformed --client or a port in use exits 2 with a message", async () => {
  const bad = await run(["--client", "no-uri"])
  expect(bad.code).toBe(2)
  expect(bad.err).toContain("is not id:secret:redirect_uri")
  const blocker = createServer()
  await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done))
  const port = (blocker.address() as { port: number }).port
  try {
    const busy = await run(["--port", String(port)])
    expect(busy.code).toBe(2)
    expect(busy.err).toContain(`port ${port} is in use`)
  } finally {
    blocker.close()
  }
})

/** `NAME=value` lines, in order. */
const assignments = (text: string) => [...text.matchAll(/^([A-Z_]+)=(.*)$/gm)].map(([, name, value]) => ({ name: name!, value: value! }))

test.each(["next-auth-v5", "sveltekit", "next-auth-v4"])(
  "the command in examples/%s/README.md prints the variables that README lists, which the app reads, for the callback it registers",
  async (name) => {
    const dir = join(ROOT, "examples", name)
    const readme = readFileSync(join(dir, "README.md"), "utf8")
    const section = readme.split("\n## Against the stand-in command\n")[1]?.split("\n## ")[0]
    expect(section, 'no section "Against the stand-in command"').toBeDefined()
    const args = /^npx authjs-trakt-standin (.+)$/m.exec(section!)![1]!.split(" ")
    // The README's port 4010 may be taken on this machine: any free port, then read as 4010.
    const { out } = await run(args.map((arg, i) => (args[i - 1] === "--port" ? "0" : arg)))
    const url = /listening on (\S+)/.exec(out)![1]!
    const printed = assignments(out).map(({ name, value }) => ({ name, value: value.replace(url, "http://127.0.0.1:4010") }))
    expect(printed.map((p) => p.name)).toEqual(["AUTH_TRAKT_ID", "AUTH_TRAKT_SECRET", "TRAKT_BASE_URL"])
    expect(assignments(section!)).toEqual(printed)
    // The app's .env.example names each, so the app reads them.
    const example = readFileSync(join(dir, ".env.example"), "utf8")
    for (const { name: variable } of printed) expect(example).toMatch(new RegExp(`^${variable}=`, "m"))
    // The callback given to the stand-in is the one the README registers with real Trakt.
    const callback = args[args.indexOf("--client") + 1]!.split(":").slice(2).join(":")
    expect(readme).toContain(`redirect URI \`${callback}\``)
  },
)
