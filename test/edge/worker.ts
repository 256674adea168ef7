/**
 * Runs inside the edge runtime (see edge.test.ts), bundled for the browser
 * platform with the package's source, @auth/core and the test browser: a
 * complete sign-in and a token refresh against the Trakt stand-in, reached
 * over loopback with the runtime's own fetch. Reports what it saw as JSON.
 */
import Trakt, { traktJwt } from "../../src/index.js"
import { authConfig, Browser } from "../browser.js"
import { CLIENT_ID, CLIENT_SECRET, ORIGIN } from "../constants.js"

declare global {
  var runEdgeChecks: (standIn: string) => Promise<string>
}

globalThis.runEdgeChecks = async (standIn) => {
  const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: standIn }
  const jwt = traktJwt({ ...credentials, redirectUri: `${ORIGIN}/auth/callback/trakt` })
  const config = authConfig([Trakt({ ...credentials, accountId: "uuid" })], {
    callbacks: {
      jwt,
      session: ({ session, token }) => ({ ...session, accessToken: token.access_token, refreshToken: token.refresh_token }),
    },
  })
  const browser = new Browser(config)
  const callback = await browser.signInWithTrakt()
  const session = await browser.session()
  // The session's token, as if a week had passed: traktJwt must refresh it.
  const refreshed = await jwt({ token: { access_token: session.accessToken, refresh_token: session.refreshToken, expires_at: 0 } })
  return JSON.stringify({
    hasProcess: typeof (globalThis as { process?: unknown }).process !== "undefined",
    location: callback.headers.get("location"),
    errors: config.logs.errors.map(String),
    user: session.user,
    accessToken: session.accessToken,
    refreshed: { access_token: refreshed.access_token, error: refreshed.error },
  })
}
