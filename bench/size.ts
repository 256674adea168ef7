/** What an app bundles: an entry, minified and gzipped, with @auth/core left out (the app has it anyway). */
import { readFileSync } from "node:fs"
import { gzipSync } from "node:zlib"
import { build } from "esbuild"

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))

/** Minified + gzipped bytes of `entry` (a file, or `export ... from` code given as `contents`). */
export async function minGzipSize(entry: { file: string } | { contents: string; resolveDir: string }): Promise<number> {
  const result = await build({
    ...("file" in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: "ts" } }),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["@auth/core", "@auth/core/*", "next-auth", "next-auth/*"],
    define: { __VERSION__: JSON.stringify(version) },
    write: false,
    logLevel: "silent",
  })
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length
}

const root = new URL("..", import.meta.url).pathname

/** This package's public ESM entry, built from source as tsup builds it. */
export const packageSize = () => minGzipSize({ file: `${root}src/index.ts` })

/** The next-auth v4 entry, everything it exports included. */
export const nextAuthV4Size = () => minGzipSize({ file: `${root}src/next-auth-v4.ts` })

/** What an app that imports only the provider bundles, once tree-shaken. */
export const providerOnlySize = () => minGzipSize({ contents: 'export { default } from "./src/index.ts"', resolveDir: root })

/** What an app bundles for one named export of the main entry, once tree-shaken. */
export const exportSize = (name: string) => minGzipSize({ contents: `export { ${name} } from "./src/index.ts"`, resolveDir: root })

/** What an app that imports only the API client bundles (the refresh engine included). */
export const clientOnlySize = () => exportSize("createTraktClient")

/** What an app that imports only `traktJwt` bundles. */
export const traktJwtOnlySize = () => exportSize("traktJwt")

/** What an app that imports only `traktAvatar` bundles, once tree-shaken. */
export const avatarOnlySize = () => exportSize("traktAvatar")

/** @auth/core's built-in Trakt provider. */
export const builtInSize = () =>
  minGzipSize({ contents: 'export { default } from "./node_modules/@auth/core/providers/trakt.js"', resolveDir: root })
