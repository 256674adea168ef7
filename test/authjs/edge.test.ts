/**
 * A complete sign-in and a token refresh inside Vercel's edge runtime (no
 * Node.js APIs, no `process`), so that nothing Node-only slips into the
 * package: the bundle is built for the browser platform, which fails on any
 * `node:` import, and runs in `EdgeRuntime` with the runtime's own fetch.
 */
import { readFileSync } from "node:fs"
import { build } from "esbuild"
import { EdgeRuntime } from "edge-runtime"
import { afterAll, beforeAll, expect, test } from "vitest"
import { startTraktStandIn, type RunningTraktStandIn } from "../../src/testing.js"
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, ORIGIN, settingsFixture } from "../support/handlers.js"

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))

let trakt: RunningTraktStandIn

beforeAll(async () => {
  // Real HTTP on loopback: the edge runtime's fetch is its own, out of msw's reach.
  trakt = await startTraktStandIn({
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, redirectUris: [CALLBACK_URL] }],
    users: [settingsFixture],
    approve: "page",
  })
})
afterAll(() => trakt?.stop())

test("signs in, refreshes a token, shares it through a store and calls the API in the edge runtime", async () => {
  const bundle = await build({
    entryPoints: [new URL("../edge/worker.ts", import.meta.url).pathname],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    conditions: ["edge-light", "worker", "browser"],
    target: "es2022",
    // test/support/auth-core.ts picks between two copies of @auth/core; the edge bundle has one.
    define: { __VERSION__: JSON.stringify(version), "process.env.AUTH_CORE": "undefined" },
    alias: { "@auth/core-copy": "@auth/core" },
    logLevel: "silent",
  })
  const runtime = new EdgeRuntime({ initialCode: bundle.outputFiles[0]!.text })
  const report = JSON.parse(await runtime.evaluate<Promise<string>>(`runEdgeChecks(${JSON.stringify(trakt.url)})`))

  expect(report.hasProcess).toBe(false)
  expect(report.errors).toEqual([])
  expect(report.location).toBe(`${ORIGIN}/dashboard`)
  expect(report.user).toEqual({
    name: "Justin Nemeth",
    image: "https://walter.trakt.tv/images/users/000/000/002/avatars/large/fb9a01d0a3.jpg",
  })
  expect(trakt.requests("/oauth/token")[0]!.body).toMatchObject({ grant_type: "authorization_code", client_id: CLIENT_ID })
  // The refresh went to Trakt once, and its new token is one Trakt accepts.
  const refreshes = trakt.requests("/oauth/token").filter((r) => r.body.grant_type === "refresh_token")
  expect(refreshes).toHaveLength(1)
  expect(report.refreshed.error).toBeUndefined()
  expect(report.refreshed.access_token).not.toBe(report.accessToken)
  expect(trakt.isValid(report.refreshed.access_token)).toBe(true)
  expect(report.again).toEqual(report.refreshed)
  expect(report.storeKeys).toContainEqual(expect.stringMatching(/^authjs-trakt:rotated:[0-9a-f]{64}$/))
  // createTraktClient ran there too, with Trakt's headers (the stand-in checks them).
  expect(report.clientUser).toBe("justin")
  expect(trakt.requests("/users/settings").at(-1)!.headers).toMatchObject({
    authorization: `Bearer ${trakt.masked(report.refreshed.access_token)}`,
    "trakt-api-version": "2",
  })
})
