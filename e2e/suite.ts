/**
 * The setup every example app's browser test shares: install and build the
 * app, start it beside the Trakt stand-in, launch Chromium; a fresh, signed
 * out page and a clean stand-in for each test; everything stopped at the end.
 */
import { decode } from "@auth/core/jwt"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest"
import { EXAMPLES, installAndBuild, startExample, type ExampleApp, type ExampleName, type RunningApp, type StartOptions } from "./apps.js"
import { freshPage, launchChromium, type Chromium } from "./chromium.js"
import * as journey from "./journeys.js"
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
  /** The session endpoint (Auth.js's `${basePath}/session`), which any script on the page may read. */
  sessionUrl(): string
  /** The JWT in the browser's session cookie, decrypted as the app does, or null. */
  sessionToken(): Promise<SessionToken | null>
  /**
   * After the first token expired and pages were loaded: one refresh reached
   * Trakt (see journeys.expectOneRefresh), and no response the browser got
   * held either token pair. Returns the session token now.
   */
  expectRefreshedAndNoTokenSent(first: SessionToken): Promise<SessionToken | null>
  /**
   * Registers the two failure journeys every app has: Trakt failing for now
   * ("not answering right now", still signed in) and Trakt refusing the
   * refresh token ("sign in again"). They leave failures in the app's
   * output, so they go after the tests that check it is clean.
   */
  failureTests(): void
}

/** Registers the hooks for `name` in the calling test file; the returned object fills in as they run. */
export function exampleSuite(name: ExampleName, session: SessionCookie, options?: StartOptions): ExampleSuite {
  const suite = {
    callbackUrl: () => `${suite.app.url}${EXAMPLES[name].basePath}/callback/trakt`,
    sessionUrl: () => `${suite.app.url}${EXAMPLES[name].basePath}${(EXAMPLES[name] as ExampleApp).sessionPath ?? "/session"}`,
    async sessionToken() {
      const value = await sessionCookie(suite.chromium.context, suite.app.url, session.name)
      return value ? session.decode(value) : null
    },
    async expectRefreshedAndNoTokenSent(first: SessionToken) {
      const now = await suite.sessionToken()
      journey.expectOneRefresh(suite.app, first, now, suite.callbackUrl())
      const tokens = [first.access_token, first.refresh_token, now?.access_token, now?.refresh_token]
      await journey.expectNoTokenSent(suite.page, suite.responses, suite.app, suite.sessionUrl(), tokens)
      return now
    },
    failureTests() {
      test("Trakt failing for now: the page says Trakt is not answering right now, and the user stays signed in", async () => {
        await journey.expectNotAnswering(suite.page, suite.app)
      })
      test("Trakt refusing the refresh token: the page says sign in again", async () => {
        await journey.expectSignInAgain(suite.page, suite.app, () => suite.sessionToken())
        expect((await suite.sessionToken())?.error).toBe("RefreshTokenError")
      })
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
