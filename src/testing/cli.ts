/**
 * `npx authjs-trakt-standin`: the Trakt stand-in of `authjs-trakt/testing`, for
 * clicking through an app locally with no Trakt app. Prints its URL and the
 * environment variables the app reads; stops on Ctrl-C (SIGINT) or SIGTERM.
 */
import { parseArgs } from "node:util"
import type { TraktStandInClient } from "./context.js"
import { startTraktStandIn } from "./start.js"

const USAGE = `Usage: authjs-trakt-standin [--port 4010] [--client id:secret:redirect_uri]... [--approve page|auto|deny] [--token-lifetime seconds]

  --port            port on 127.0.0.1 (default 4010; 0 for any free port)
  --client          an app: id, secret (empty for a PKCE-only app) and a redirect URI,
                    separated by ':'; repeat it for more apps or more redirect URIs
                    (default: standin-client-id:standin-client-secret:http://localhost:3000/api/auth/callback/trakt)
  --approve         how sign-in answers: a consent page (default), or auto-approve, or deny
  --token-lifetime  seconds an access token lives (default 604800, 7 days)`

function fail(message: string): never {
  console.error(`authjs-trakt-standin: ${message}\n\n${USAGE}`)
  process.exit(2)
}

/** `id:secret:uri`; the URI holds colons of its own, so only the first two split. */
function parseClients(values: string[]): TraktStandInClient[] {
  const clients = new Map<string, TraktStandInClient>()
  for (const value of values) {
    const match = /^([^:]+):([^:]*):(.+)$/.exec(value)
    if (!match) fail(`--client ${JSON.stringify(value)} is not id:secret:redirect_uri`)
    const [, id, secret, uri] = match
    try {
      new URL(uri!)
    } catch {
      fail(`--client ${JSON.stringify(id)}: ${JSON.stringify(uri)} is not a URL`)
    }
    const known = clients.get(id!)
    if (known) {
      if ((known.secret ?? "") !== secret) fail(`--client ${JSON.stringify(id)} is given two secrets`)
      known.redirectUris.push(uri!)
    } else clients.set(id!, { id: id!, ...(secret && { secret }), name: id, redirectUris: [uri!] })
  }
  return [...clients.values()]
}

/** Runs the command with `process.argv`: prints the stand-in's URL and variables, stops on SIGINT or SIGTERM. */
export async function main(): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      options: {
        port: { type: "string", default: "4010" },
        client: {
          type: "string",
          multiple: true,
          default: ["standin-client-id:standin-client-secret:http://localhost:3000/api/auth/callback/trakt"],
        },
        approve: { type: "string", default: "page" },
        "token-lifetime": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values
  } catch (error) {
    fail((error as Error).message)
  }
  if (parsed.help) {
    console.log(USAGE)
    return
  }
  const port = Number(parsed.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${JSON.stringify(parsed.port)} is not a port`)
  const approve = parsed.approve
  if (approve !== "page" && approve !== "auto" && approve !== "deny") fail(`--approve must be page, auto or deny`)
  const lifetime = parsed["token-lifetime"] === undefined ? undefined : Number(parsed["token-lifetime"])
  if (lifetime !== undefined && !(Number.isInteger(lifetime) && lifetime > 0)) fail("--token-lifetime must be a positive number of seconds")
  const clients = parseClients(parsed.client!)

  const standIn = await startTraktStandIn({ port, clients, approve, ...(lifetime && { tokenLifetime: lifetime }) }).catch((error) => {
    fail((error as NodeJS.ErrnoException).code === "EADDRINUSE" ? `port ${port} is in use: pick another with --port` : String(error))
  })
  const [first] = clients
  console.log(`Trakt stand-in listening on ${standIn.url}`)
  console.log(
    `Signs in as ${standIn.settings().user.username}; sign-in answers with ${approve === "page" ? "a consent page" : approve === "auto" ? "automatic approval" : "a refusal"}.`,
  )
  console.log(`\nSet these in your app's environment (.env):\n`)
  console.log(`AUTH_TRAKT_ID=${first!.id}`)
  if (first!.secret) console.log(`AUTH_TRAKT_SECRET=${first!.secret}`)
  console.log(`TRAKT_BASE_URL=${standIn.url}`)
  console.log(`\nand give the provider baseUrl: process.env.TRAKT_BASE_URL. Ctrl-C stops it.`)

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    void standIn.stop().then(() => process.exit(0))
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}
