/**
 * Runs inside the edge runtime (see edge.test.ts), bundled for the browser
 * platform with the package's source, @auth/core and the test browser: a
 * complete sign-in and a token refresh against the Trakt stand-in, reached
 * over loopback with the runtime's own fetch. Reports what it saw as JSON.
 */
import { createStorage } from "unstorage"
import Trakt, { createTraktClient, traktJwt } from "../../src/index.js"
import { forgetRotations } from "../../src/core/refresh/rotation.js"
import { authConfig, Browser } from "../support/browser.js"
import { CLIENT_ID, CLIENT_SECRET } from "../support/constants.js"

declare global {
  var runEdgeChecks: (standIn: string) => Promise<string>
}

globalThis.runEdgeChecks = async (standIn) => {
  const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: standIn }
  // A shared store, so that sealing (WebCrypto's HKDF and AES-GCM) runs here too.
  const store = createStorage()
  const jwt = traktJwt({ ...credentials, store })
  const config = authConfig([Trakt({ ...credentials, accountId: "uuid" })], {
    callbacks: {
      jwt,
      session: ({ session, token }) => ({
        ...session,
        accessToken: token.access_token,
        refreshToken: token.refresh_token,
        redirectUri: token.redirect_uri,
      }),
    },
  })
  const browser = new Browser(config)
  const callback = await browser.signInWithTrakt()
  const session = await browser.session()
  // The session's token as if a week had passed, carrying the callback URL traktJwt kept at sign-in.
  const expired = {
    access_token: session.accessToken,
    refresh_token: session.refreshToken,
    redirect_uri: session.redirectUri,
    expires_at: 0,
  }
  const refreshed = await jwt({ token: expired })
  // Another instance (no memory of its own) meets the same expired token: the store answers.
  forgetRotations()
  const again = await jwt({ token: expired })
  // The API client, with the refreshed token: WebCrypto names its limits, the runtime's fetch sends.
  const client = createTraktClient({ ...credentials, token: again })
  const { user } = await client.get<{ user: { username: string } }>("/users/settings")
  return JSON.stringify({
    hasProcess: typeof (globalThis as { process?: unknown }).process !== "undefined",
    location: callback.headers.get("location"),
    errors: config.logs.errors.map(String),
    user: session.user,
    accessToken: session.accessToken,
    refreshed: { access_token: refreshed.access_token, error: refreshed.error },
    again: { access_token: again.access_token, error: again.error },
    storeKeys: await store.getKeys(),
    clientUser: user.username,
  })
}
