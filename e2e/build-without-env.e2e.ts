/**
 * `next build` as CI runs it: none of AUTH_URL, AUTH_TRAKT_ID, AUTH_SECRET set.
 * The next-auth v5 example is built with the recipe an earlier README gave,
 * ``traktJwt({ redirectUri: `${process.env.AUTH_URL}/callback/trakt` })``,
 * which used to fail `next build` ("Failed to collect page data for
 * /api/auth/[...nextauth]": `"redirectUri" must be an absolute URL`). Options
 * that may come from the environment are checked when a request needs them,
 * so the build succeeds; what that refresh then does is tested in
 * test/core/options.test.ts (INVALID_OPTION naming redirectUri, the token kept).
 */
import { execFileSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { expect, test } from "vitest"
import { installAndBuild, ROOT } from "./apps.js"

test("the next-auth v5 example builds for production with no Auth.js or Trakt environment and a redirectUri made of an unset AUTH_URL", () => {
  installAndBuild("next-auth-v5")
  const authFile = join(ROOT, "examples", "next-auth-v5", "auth.ts")
  const original = readFileSync(authFile, "utf8")
  expect(original).toContain("traktJwt()")
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AUTH_|NEXTAUTH_)/.test(name)))
  try {
    writeFileSync(authFile, original.replace("traktJwt()", "traktJwt({ redirectUri: `${process.env.AUTH_URL}/callback/trakt` })"))
    const output = execFileSync("npm", ["run", "build"], {
      cwd: join(ROOT, "examples", "next-auth-v5"),
      env: { ...env, NODE_ENV: "production" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    })
    expect(output).toMatch(/\/api\/auth\/\[\.\.\.nextauth\]/)
    expect(output).not.toMatch(/redirectUri|TraktError|Failed to collect page data/)
  } finally {
    writeFileSync(authFile, original)
  }
})
