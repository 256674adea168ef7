/**
 * What `traktJwt` costs on the path every request takes: a session request
 * through Auth() whose Trakt token is still fresh (no store I/O, no Trakt
 * call), against the same request with a plain `jwt` callback. Interleaved
 * tinybench rounds; returns the medians and their ratio as lines
 * (bench/report.ts writes them to bench/README.md; `tsx bench/session.ts`
 * prints them alone).
 */
import { encode } from "@auth/core/jwt"
import Trakt, { traktJwt, type TraktStore } from "authjs-trakt"
import { authConfig, AUTH_SECRET, Browser } from "../test/support/browser.js"
import { CLIENT_ID, CLIENT_SECRET } from "../test/support/constants.js"
import { interleaved, median, pad, runAlone } from "./rounds.js"

const ROUNDS = 10
const REQUESTS_PER_ROUND = 300

export async function sessionBench(): Promise<string[]> {
  // Nothing on this path may touch the store or Trakt: both throw if they are.
  const realFetch = globalThis.fetch
  globalThis.fetch = () => Promise.reject(new Error("a fresh token must not reach Trakt"))
  try {
    return await measure()
  } finally {
    globalThis.fetch = realFetch
  }
}

async function measure(): Promise<string[]> {
  const untouchable: TraktStore = {
    getItem: () => Promise.reject(new Error("a fresh token must not reach the store")),
    setItem: () => Promise.reject(new Error("a fresh token must not reach the store")),
  }

  const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
  const session = ({ session, token }: { session: any; token: any }) => ({ ...session, error: token.error })
  const contenders = {
    traktJwt: authConfig([Trakt(credentials)], {
      callbacks: {
        jwt: traktJwt({
          ...credentials,
          store: untouchable,
          onError: (e) => {
            throw e
          },
        }),
        session,
      },
    }),
    "plain jwt callback": authConfig([Trakt(credentials)], { callbacks: { jwt: ({ token }) => token, session } }),
  }
  type Name = keyof typeof contenders
  const names = Object.keys(contenders) as Name[]

  const cookie = await encode({
    token: {
      sub: "user",
      name: "Justin Nemeth",
      access_token: "a".repeat(64),
      refresh_token: "r".repeat(64),
      expires_at: Math.floor(Date.now() / 1000) + 7 * 86400,
      redirect_uri: "http://localhost:3000/auth/callback/trakt",
    },
    secret: AUTH_SECRET,
    salt: "authjs.session-token",
  })

  async function sessionRequest(name: Name) {
    const browser = new Browser(contenders[name])
    browser.cookies.set("authjs.session-token", cookie)
    const result = await browser.session()
    if (result?.user?.name !== "Justin Nemeth" || result.error) throw new Error(`${name}: ${JSON.stringify(result)}`)
  }

  const samples = await interleaved(names, { rounds: ROUNDS, iterations: REQUESTS_PER_ROUND }, sessionRequest)
  const lines = [`Session request through Auth() with a fresh Trakt token, ${ROUNDS} interleaved rounds:`]
  for (const name of names) lines.push(`  ${pad(name)} median ${median(samples[name]).toFixed(3)} ms over ${samples[name].length} requests`)
  const ratio = median(samples.traktJwt) / median(samples["plain jwt callback"])
  lines.push(`  ${pad("ratio")} ${ratio.toFixed(3)} (target ≤ 1.05: no store I/O, no Trakt call)`)
  return lines
}

await runAlone(import.meta.url, sessionBench)
