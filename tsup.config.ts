import { readFileSync } from "node:fs"
import { defineConfig } from "tsup"

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

export default defineConfig({
  // One entry per framework shape, over the same shared modules; the testing
  // entries (and the stand-in's command) share none of them.
  entry: {
    index: "src/index.ts",
    "next-auth-v4": "src/next-auth-v4.ts",
    "better-auth": "src/better-auth.ts",
    postgres: "src/postgres.ts",
    testing: "src/testing.ts",
    "testing-msw": "src/testing-msw.ts",
    "testing-cli": "src/testing-cli.ts",
    adapters: "src/adapters.ts",
  },
  // ESM only: CommonJS apps load it with require() (require(esm), unflagged from
  // Node 20.19 and 22.12), as they already must load @auth/core, which is ESM only.
  // A CommonJS build would be a second copy of every module in the tarball.
  format: ["esm"],
  // Each module in one shared chunk, whichever entries import it: one copy of the
  // engine in the tarball, and in an app that imports two entries. (tsup's
  // default for ESM, said here because the package check fails without it; the
  // declarations get shared chunks of their own either way.)
  splitting: true,
  dts: true,
  clean: true,
  target: "node22",
  // The package version goes into the default User-Agent.
  define: { __VERSION__: JSON.stringify(version) },
})
