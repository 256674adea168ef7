/**
 * The setup every example app's browser test shares: install and build the
 * app, start it beside the Trakt stand-in, launch Chromium; a fresh, signed
 * out page and a clean stand-in for each test; everything stopped at the end.
 */
import { decode } from "@auth/core/jwt"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { EXAMPLES, installAndBuild, startExample, type ExampleName, type RunningApp, type StartOptions } from "./apps.js"
import { freshPage, launchChromium, type Chromium } from "./chromium.js"
import { recordResponses, sessionCookie, type SessionToken } from "./journeys.js"

/** How an app's session cookie is named and read. */
export interface SessionCookie {
  name: string
  decode(value: string): Promise<SessionToken | null>
}

/** Auth.js's session cookie on plain http, with the app's AUTH_SECRET. */
export const authjsSession = (secret: string): SessionCookie => ({
  name: "authjs.session-token",
  decode: (value) => decode({ token: value, secret, salt: "authjs.session-token" }),
})

export interface ExampleSuite {
  app: RunningApp
  chromium: Chromium
  /** This test's page. */
  page: Page
  /** Every response this test's page received. */
  responses: ReturnType<typeof recordResponses>
  /** The app's Trakt callback URL. */
  callbackUrl(): string
  /** Auth.js's session endpoint (`${basePath}/session`), which any script on the page may read. */
  sessionUrl(): string
  /** The JWT in the browser's session cookie, decrypted as the app does, or null. */
  sessionToken(): Promise<SessionToken | null>
}

/** Registers the hooks for `name` in the calling test file; the returned object fills in as they run. */
export function exampleSuite(name: ExampleName, session: SessionCookie, options?: StartOptions): ExampleSuite {
  const suite = {
    callbackUrl: () => `${suite.app.url}${EXAMPLES[name].basePath}/callback/trakt`,
    sessionUrl: () => `${suite.app.url}${EXAMPLES[name].basePath}/session`,
    async sessionToken() {
      const value = await sessionCookie(suite.chromium.context, suite.app.url, session.name)
      return value ? session.decode(value) : null
    },
  } as ExampleSuite
  beforeAll(async () => {
    installAndBuild(name)
    suite.app = await startExample(name, options)
    suite.chromium = await launchChromium()
  })
  afterAll(async () => {
    await suite.chromium?.close()
    await suite.app?.stop()
  })
  beforeEach(async ({ task }) => {
    // Each test starts signed out, whatever the one before it left behind.
    suite.page = await freshPage(suite.chromium.context, task.name)
    suite.responses = recordResponses(suite.page)
    // No tokens, requests or rate-limit windows left from the test before; a week-long token lifetime.
    suite.app.trakt!.reset()
  })
  return suite
}
