/**
 * The demo as a person meets it, in a real browser: `npm run demo` started with
 * no configuration (so with the Trakt stand-in), Debian's Chromium driven by
 * playwright-core (no browser download). A failing step leaves a screenshot in
 * test-results/.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest"
import { freshPage, launchChromium, RESULTS, type Chromium } from "./chromium.js"

let demo: ChildProcess
let demoUrl: string
let chromium: Chromium
let page: Page

/** Starts `example/server.ts` on a free port, as `npm run demo` does, and waits for its URL. */
async function startDemo(): Promise<string> {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli")
  demo = spawn(process.execPath, [tsx, "--tsconfig", "tsconfig.run.json", "example/server.ts"], {
    cwd: join(import.meta.dirname, ".."),
    // No Trakt credentials: the demo must start its own stand-in.
    env: {
      ...process.env,
      PORT: "0",
      AUTH_TRAKT_ID: "",
      AUTH_TRAKT_SECRET: "",
      TRAKT_CLIENT_ID: "",
      TRAKT_CLIENT_SECRET: "",
      TRAKT_BASE_URL: "",
    },
    stdio: ["ignore", "pipe", "inherit"],
  })
  return new Promise((resolve, reject) => {
    let output = ""
    demo.stdout!.on("data", (chunk: Buffer) => {
      output += chunk
      const url = /authjs-trakt demo: (http:\/\/\S+)/.exec(output)?.[1]
      if (url) resolve(url)
    })
    demo.once("exit", (code) => reject(new Error(`the demo exited (${code}) before listening:\n${output}`)))
  })
}

beforeAll(async () => {
  demoUrl = await startDemo()
  chromium = await launchChromium()
})

afterAll(async () => {
  await chromium?.close()
  demo?.kill("SIGTERM")
})

beforeEach(async ({ task }) => {
  // Each test starts signed out, whatever the one before it left behind.
  page = await freshPage(chromium.context, task.name)
})

/** Opens the demo and waits until its sign-in form has its CSRF token. */
async function openDemo() {
  await page.goto(demoUrl)
  await page.waitForSelector("body[data-ready]")
}

async function signInAtTrakt(decision: "Approve" | "Deny") {
  await page.getByRole("button", { name: "Sign in with Trakt" }).click()
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/)
  await expect(page.locator("#app-name").textContent()).resolves.toBe("authjs-trakt demo")
  await page.getByRole("button", { name: decision }).click()
  await page.waitForURL(new RegExp(`^${demoUrl}/`))
  await page.waitForSelector("body[data-ready]")
}

test("sign in, approve at Trakt, see the profile and the cached avatar, sign out", async () => {
  await openDemo()
  await signInAtTrakt("Approve")

  await expect(page.locator("#username").textContent()).resolves.toBe("justin")
  await expect(page.locator("#name").textContent()).resolves.toBe("Justin Nemeth")
  await expect(page.locator("#vip").textContent()).resolves.toBe("yes")
  await expect(page.locator("#account-id").textContent()).resolves.toBe("2c5b5e2b9a1d4c3e8f7a6b5c4d3e2f10")
  await expect(page.locator("#expires").textContent()).resolves.toMatch(/GMT$/)
  // The avatar comes from the demo's own server, never straight from Trakt's host.
  const avatar = page.locator("#avatar")
  await expect(avatar.getAttribute("src")).resolves.toBe("/avatar")
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)

  // Hot-linking the stand-in's image from the page fails, as it does at Trakt
  // (the browser sends the demo's page as Referer, which the image host refuses).
  const standIn = /stand-in at (http:\/\/127\.0\.0\.1:\d+)/.exec((await page.locator(".mode").textContent())!)![1]
  const hotLinked = await page.evaluate(
    (src) =>
      new Promise<string>((resolve) => {
        const img = new Image()
        img.onload = () => resolve("loaded")
        img.onerror = () => resolve("refused")
        img.src = src
      }),
    `${standIn}/images/users/justin/avatar.svg`,
  )
  expect(hotLinked).toBe("refused")

  mkdirSync(RESULTS, { recursive: true })
  await page.screenshot({ path: join(RESULTS, "signed-in.png") })

  await page.getByRole("button", { name: "Sign out" }).click()
  await page.waitForSelector("body[data-ready]")
  await expect(page.getByRole("button", { name: "Sign in with Trakt" }).isVisible()).resolves.toBe(true)
  await expect(page.locator("#username").count()).resolves.toBe(0)
})

test("deny at Trakt: back on the page with a clear message, not a stack trace", async () => {
  await openDemo()
  await signInAtTrakt("Deny")
  await expect(page.locator("#error").textContent()).resolves.toMatch(/cancelled at Trakt: access was denied/)
  await expect(page.getByRole("button", { name: "Sign in with Trakt" }).isVisible()).resolves.toBe(true)
  const text = await page.locator("body").innerText()
  expect(text).not.toMatch(/at \w+ \(|Error:|TypeError/)
})
