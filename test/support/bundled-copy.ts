/** A separately loaded copy of the package, as Next.js bundles the proxy and the pages. */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { build } from "esbuild"

/** The package bundled into a file of its own, with every module it holds: a separate copy. */
export async function bundledCopy(name: string): Promise<typeof import("../../src/index.js")> {
  const outfile = join(mkdtempSync(join(tmpdir(), "authjs-trakt-bundle-")), `${name}.mjs`)
  await build({
    entryPoints: [new URL("../../src/index.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile,
    define: { __VERSION__: '"0.0.0-test"' },
    logLevel: "silent",
  })
  return import(outfile)
}
