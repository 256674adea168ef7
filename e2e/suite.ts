/**
 * The setup every example app's browser test shares: install and build the
 * app, start it beside the Trakt stand-in, launch Chromium; a fresh, signed
 * out page and a clean stand-in for each test; everything stopped at the end.
 */
import type { Page } from "playwright-core"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { installAndBuild, startExample, type ExampleName, type RunningApp, type StartOptions } from "./apps.js"
import { freshPage, launchChromium, type Chromium } from "./chromium.js"
import { WEEK } from "./journeys.js"

export interface ExampleSuite {
  app: RunningApp
  chromium: Chromium
  /** This test's page. */
  page: Page
}

/** Registers the hooks for `name` in the calling test file; the returned object fills in as they run. */
export function exampleSuite(name: ExampleName, options?: StartOptions): ExampleSuite {
  const suite = {} as ExampleSuite
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
    suite.app.trakt!.received.length = 0
    suite.app.trakt!.tokenLifetime = WEEK
  })
  return suite
}
