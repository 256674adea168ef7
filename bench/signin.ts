/**
 * `npm run bench`: what this provider costs next to @auth/core's built-in one.
 *
 * Complete sign-ins through Auth() (csrf, sign-in POST, Trakt's consent,
 * callback, session) with each provider, answered by one in-process Trakt
 * stand-in, measured with tinybench in alternating rounds so that machine
 * noise hits all alike. Prints medians, their ratios, Trakt requests per
 * sign-in, and the bundle size of each provider. Returns its lines (bench/report.ts
 * writes them to bench/README.md); `tsx bench/signin.ts` prints them alone.
 *
 * The built-in provider runs twice: with the checks this provider turns on by
 * default (PKCE and state), which compares the providers' own code, and as it
 * ships (PKCE only), which shows what the state check costs (Auth.js
 * encrypting and verifying one more cookie).
 */
import BuiltInTrakt from "@auth/core/providers/trakt"
import Trakt from "authjs-trakt"
import { authConfig, Browser } from "../test/support/browser.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, ORIGIN } from "../test/support/constants.js"
import { createTraktStandIn, type TraktStandIn } from "authjs-trakt/testing"
import { interleaved, median, pad, runAlone } from "./rounds.js"
import { builtInSize, nextAuthV4Size, packageSize, providerOnlySize } from "./size.js"

const ROUNDS = 10
const SIGN_INS_PER_ROUND = 30

export async function signinBench(): Promise<string[]> {
  // One stand-in (authjs-trakt/testing) answers both; `legacy` lets the built-in
  // provider's HTTP Basic, form bodies and /users/me through. Rate limits are
  // off: hundreds of sign-ins of one user would pass Trakt's 1,000 GETs per 5
  // minutes. Nothing leaves the process.
  const trakt = createTraktStandIn({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris: [CALLBACK_URL] }],
    approve: "page",
    legacy: true,
    rateLimits: { get: false, write: false },
  })
  const realFetch = globalThis.fetch
  globalThis.fetch = async (input, init) => trakt.handle(new Request(input, init))
  try {
    return await measure(trakt)
  } finally {
    globalThis.fetch = realFetch
  }
}

async function measure(trakt: TraktStandIn): Promise<string[]> {
  const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
  const contenders = {
    "authjs-trakt": authConfig([Trakt(credentials)]),
    "built-in, PKCE + state": authConfig([BuiltInTrakt({ ...credentials, checks: ["pkce", "state"] })]),
    "built-in as shipped (PKCE)": authConfig([BuiltInTrakt(credentials)]),
  }
  type Name = keyof typeof contenders
  const names = Object.keys(contenders) as Name[]
  const perContender = () => Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>

  /** Trakt requests (not counting the browser's consent page) made by each contender. */
  const requests = perContender()

  async function signIn(name: Name) {
    const config = contenders[name]
    const browser = new Browser(config)
    const callback = await browser.signInWithTrakt()
    const session = await browser.session()
    if (callback.headers.get("location") !== `${ORIGIN}/dashboard` || !session?.user?.name) {
      throw new Error(`${name}: sign-in failed: ${callback.headers.get("location")} ${config.logs.errors.map(String)}`)
    }
    requests[name].push(trakt.requests().filter((r) => !r.url.includes("/oauth/authorize")).length)
    trakt.clearRequests() // keep memory flat over hundreds of sign-ins
  }

  const samples = await interleaved(names, { rounds: ROUNDS, iterations: SIGN_INS_PER_ROUND }, signIn)

  const perSignIn = (name: Name) => [...new Set(requests[name])].join(" or ")
  const [ours, sameChecks, asShipped] = names.map((name) => median(samples[name])) as [number, number, number]

  const lines: string[] = []
  lines.push(`Sign-in through Auth() (csrf, sign-in POST, consent, callback, session), ${ROUNDS} interleaved rounds:`)
  for (const name of names) {
    const ms = median(samples[name]).toFixed(3)
    lines.push(`  ${pad(name)} median ${ms} ms over ${samples[name].length} sign-ins, ${perSignIn(name)} Trakt requests each`)
  }
  lines.push(`  ${pad("ratio, same checks")} ${(ours / sameChecks).toFixed(3)} (target ≤ 1.10: the provider's own overhead)`)
  lines.push(`  ${pad("ratio, built-in as shipped")} ${(ours / asShipped).toFixed(3)} (the difference is the state check)`)
  lines.push("What an app bundles (ESM entry, minified + gzip, @auth/core external):")
  lines.push(`  ${pad("authjs-trakt")} ${await packageSize()} B (whole public entry, token helpers included)`)
  lines.push(`  ${pad("authjs-trakt, only `import Trakt`")} ${await providerOnlySize()} B (tree-shaken)`)
  lines.push(`  ${pad("authjs-trakt/next-auth-v4")} ${await nextAuthV4Size()} B (whole entry)`)
  lines.push(`  ${pad("@auth/core/providers/trakt")} ${await builtInSize()} B`)
  return lines
}

await runAlone(import.meta.url, signinBench)
