/**
 * The guarantee test/support/setup.ts gives every unit test: a request no msw handler
 * answers fails the test, even when the code under test catches the failed
 * fetch, and never reaches the network. Proven on a child vitest run that uses
 * the real setup file and makes one such request on purpose.
 */
import { execFile } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { promisify } from "node:util"
import { expect, test } from "vitest"

const root = resolve(import.meta.dirname, "../..")

// The host nothing answers is a server of the test's own, on loopback, so that
// "did not go out" is a count, whatever network the machine has.
const fixture = `import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { expect, test } from "vitest"

test("asks a host nothing answers, and swallows the failure", async () => {
  let reached = 0
  const host = createServer((_, response) => void (reached++, response.end("from the network")))
  await new Promise<void>((listening) => host.listen(0, "127.0.0.1", listening))
  const { port } = host.address() as AddressInfo
  const outcome = await fetch(\`http://127.0.0.1:\${port}/nothing-answers-this\`).then(() => "answered", () => "failed")
  host.close()
  expect({ outcome, reached }).toEqual({ outcome: "failed", reached: 0 })
})

test("asks Trakt's image host", async () => {
  const response = await fetch("https://walter-r2.trakt.tv/images/users/justin/avatar.svg")
  expect(response.headers.get("content-type")).toBe("image/svg+xml")
})
`

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[]
}

test("a request no handler answers fails the test that made it, and only that test", async () => {
  const dir = join(root, "node_modules", ".cache", "unhandled-requests")
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "unhandled.test.ts"), fixture)
  writeFileSync(
    join(dir, "vitest.config.mjs"),
    `export default {
  define: { __VERSION__: '"0.0.0-test"' },
  test: { include: ["unhandled.test.ts"], setupFiles: [${JSON.stringify(join(root, "test", "support", "setup.ts"))}] },
}
`,
  )
  const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs")
  const report = join(dir, "report.json")
  const run = await promisify(execFile)(
    process.execPath,
    [vitest, "run", "--root", dir, "--reporter", "default", "--reporter", "json", "--outputFile.json", report],
    { cwd: dir, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } },
  ).then(
    () => ({ failed: false, stdout: "", stderr: "" }),
    (error: { stdout: string; stderr: string }) => ({ failed: true, stdout: error.stdout, stderr: error.stderr }),
  )

  expect(run.failed, "the child run exits non-zero").toBe(true)
  const { testResults } = JSON.parse(readFileSync(report, "utf8")) as JsonReport
  const results = testResults.flatMap((file) => file.assertionResults)
  expect(results.map(({ title, status }) => [title, status])).toEqual([
    ["asks a host nothing answers, and swallows the failure", "failed"],
    ["asks Trakt's image host", "passed"],
  ])
  // Failed by the check after the test, and by nothing else: the test's own
  // assertion held, so the fetch failed and did not go out.
  expect(results[0]!.failureMessages).toHaveLength(1)
  expect(results[0]!.failureMessages[0]).toContain("requests that no msw handler answered")
  // The report names the request (in the diff), and so does msw.
  expect(run.stderr).toMatch(/"GET http:\/\/127\.0\.0\.1:\d+\/nothing-answers-this"/)
  expect(run.stderr).toMatch(
    /\[MSW\] Error: intercepted a request without a matching request handler:\s+• GET http:\/\/127\.0\.0\.1:\d+\/nothing-answers-this/,
  )
}, 60_000)
