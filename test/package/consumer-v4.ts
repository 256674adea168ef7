/**
 * A next-auth v4 app's use of the packed package: `authjs-trakt/next-auth-v4`
 * installed beside next-auth 4.24, with no @auth/core in the tree, signing a
 * user in through next-auth's own API route and refreshing the token in its
 * jwt callback. scripts/check-package.mjs builds it as ESM and as CJS.
 */
import TraktProvider, { TraktError, traktJwt } from "authjs-trakt/next-auth-v4"
import { v4Options, V4Browser } from "../support/browser-v4.js"
import { CLIENT_ID, CLIENT_SECRET, ORIGIN } from "../support/constants.js"
import { check, runChecks, standIn } from "./harness.js"

const V4_CALLBACK = `${ORIGIN}/api/auth/callback/trakt`
process.env.NEXTAUTH_URL = ORIGIN

const checks: [string, () => Promise<void>][] = [
  [
    "signs in through next-auth v4 with Trakt's JSON token body",
    async () => {
      const trakt = standIn("production", [V4_CALLBACK])
      const options = v4Options({ providers: [TraktProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })] })
      const browser = new V4Browser(options)
      const callback = await browser.signInWithTrakt()
      check(callback.location === `${ORIGIN}/dashboard`, `callback went to ${callback.location}: ${JSON.stringify(options.logs)}`)
      check((await browser.session())?.user?.name === "Justin Nemeth", "no session")
      const [token] = trakt.requests("/oauth/token")
      check(
        token?.body.client_secret === trakt.masked(CLIENT_SECRET) && token.body.code_verifier && !token.headers.authorization,
        "not Trakt's JSON body",
      )
    },
  ],
  [
    "refuses a callback whose state is not the browser's",
    async () => {
      const trakt = standIn("production", [V4_CALLBACK])
      const browser = new V4Browser(v4Options({ providers: [TraktProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })] }))
      const signIn = await browser.signIn()
      const callback = new URL(await browser.decideAtTrakt(signIn.location!))
      callback.searchParams.set("state", "forged")
      check((await browser.callback(callback.href)).location?.includes("error=OAuthCallback"), "a forged state was accepted")
      check(trakt.requests("/oauth/token").length === 0, "Trakt got a token request")
    },
  ],
  [
    "a missing client id is a TraktError, and nobody is sent to Trakt",
    async () => {
      standIn("production", [V4_CALLBACK])
      const options = v4Options({ providers: [TraktProvider({})] })
      await new V4Browser(options).signIn()
      const error = options.logs.errors[0]?.metadata.error
      check(error instanceof TraktError && error.code === "MISSING_CLIENT_ID", `logged: ${JSON.stringify(options.logs)}`)
    },
  ],
  [
    "traktJwt refreshes an expired token in v4's jwt callback",
    async () => {
      const trakt = standIn("production", [V4_CALLBACK])
      const issued = trakt.issueTokens({ client: CLIENT_ID })
      const jwt = traktJwt({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
      const token = await jwt({ token: { ...issued, expires_at: 0 } })
      check(!token.error && token.access_token !== issued.access_token && trakt.isValid(token.access_token!), `traktJwt: ${token.error}`)
      check(trakt.requests("/oauth/token")[0]?.body.redirect_uri === V4_CALLBACK, "refreshed with another callback URL than NEXTAUTH_URL's")
    },
  ],
]

void runChecks(checks)
