import { readFileSync } from "node:fs"
import { defineConfig } from "tsup"

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

export default defineConfig({
  // One entry per framework shape, over the same shared modules; the testing
  // entries (and the stand-in's command) share none of them.
  entry: {
    index: "src/index.ts",
    "next-auth-v4": "src/next-auth-v4.ts",
    postgres: "src/postgres.ts",
    testing: "src/testing.ts",
    "testing-msw": "src/testing-msw.ts",
    "testing-cli": "src/testing-cli.ts",
    adapters: "src/adapters.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "node20",
  // The package version goes into the default User-Agent.
  define: { __VERSION__: JSON.stringify(version) },
})
