/**
 * Debian's Chromium, driven by playwright-core (no browser download), as every
 * browser test here launches it. A failing test leaves a screenshot of its page
 * in test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium, type BrowserContext, type Page } from "playwright-core"
import { onTestFailed } from "vitest"

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
export const RESULTS = join(import.meta.dirname, "..", "test-results")

export interface Chromium {
  context: BrowserContext
  close(): Promise<void>
}

/** Starts Chromium headless with a fresh profile. */
export async function launchChromium(): Promise<Chromium> {
  const profileDir = mkdtempSync(join(tmpdir(), "authjs-trakt-chromium-"))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    // This machine has no internet: keep Chromium from trying to reach Google's services.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 900, height: 480 },
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profileDir, { recursive: true, force: true })
    },
  }
}

/** A new page, signed out, that is screenshotted into test-results/ if the test fails. */
export async function freshPage(context: BrowserContext, testName: string): Promise<Page> {
  await context.clearCookies()
  const page = await context.newPage()
  onTestFailed(async () => {
    mkdirSync(RESULTS, { recursive: true })
    await page.screenshot({ path: join(RESULTS, `failed-${testName.replace(/\W+/g, "-")}.png`), fullPage: true })
  })
  return page
}
