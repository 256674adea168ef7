/**
 * What the packed-package consumers share: a stand-in (`authjs-trakt/testing`,
 * from the tarball) behind the global fetch, and a tiny check runner.
 */
import { createTraktStandIn, type TraktStandIn } from "authjs-trakt/testing"
import { CLIENT_ID, CLIENT_SECRET, environments } from "../support/constants.js"

export type Env = keyof typeof environments

/** Routes the global fetch to a fresh stand-in that serves only `env`'s URLs. */
export function standIn(env: Env, redirectUris: string[]): TraktStandIn {
  const trakt = createTraktStandIn({ clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris }], approve: "page" })
  const { authorize, token, api } = environments[env]
  const served = [authorize, token, `${api}/users/settings`]
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const url = `${new URL(request.url).origin}${new URL(request.url).pathname}`
    if (!served.includes(url)) throw new TypeError(`no network in this check: ${request.method} ${url}`)
    return trakt.handle(request)
  }
  return trakt
}

export function check(condition: unknown, what: string) {
  if (!condition) throw new Error(what)
}

/** Runs each check, prints ✓ or ✗ with the reason, and sets the exit code. No top-level await: consumers are built as CommonJS too. */
export async function runChecks(checks: [string, () => Promise<void>][]) {
  let failed = 0
  for (const [name, run] of checks) {
    try {
      await run()
      console.log(`  ✓ ${name}`)
    } catch (error) {
      failed++
      console.log(`  ✗ ${name}: ${(error as Error).message}`)
    }
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`)
  process.exitCode = failed ? 1 : 0
}
