/**
 * Keeps README.md's code true (and docs/*.md's, by the same rules):
 * - a ```ts block whose first line names a file of an example app
 *   (`// examples/next-auth-v5/auth.ts`) must be that file, verbatim; the app's
 *   production build (in .ci/run) type-checks it against the real framework;
 * - every other ```ts block, and every `@example` in the TSDoc of src/,
 *   type-checks against the packages installed here (@auth/core, next-auth
 *   4.24, unstorage, ...), with no stubs. A block whose first line names a
 *   file (`// auth.ts`) is written under that name, so that other blocks can
 *   import it (`@/auth`); a name used again gets a folder of its own.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import ts from "typescript"
import { expect, test } from "vitest"

const root = resolve(import.meta.dirname, "..")
const fenced = (text: string) => [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
const docs = readdirSync(join(root, "docs")).filter((file) => file.endsWith(".md"))
const readme = ["README.md", ...docs.map((file) => join("docs", file))].flatMap((file) => fenced(readFileSync(join(root, file), "utf8")))
const exampleFile = (code: string) => /^\/\/ (examples\/[\w./[\]-]+)\n/.exec(code)?.[1]

test("the README's framework snippets are the example apps' own files, verbatim", () => {
  const snippets = readme.filter(exampleFile)
  expect(snippets.length).toBeGreaterThanOrEqual(6)
  for (const code of snippets) {
    const path = exampleFile(code)!
    expect(existsSync(join(root, path)), `${path} exists`).toBe(true)
    const body = code.slice(code.indexOf("\n") + 1)
    expect(body, `README's ${path}`).toBe(readFileSync(join(root, path), "utf8"))
  }
})

test("every other TypeScript example in README.md, docs/ and src/'s TSDoc type-checks", () => {
  const sources = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"))
  const tsdoc = sources.flatMap((file) => fenced(readFileSync(join(root, "src", file), "utf8").replace(/^ *\* ?/gm, "")))
  const blocks = [...readme.filter((code) => !exampleFile(code)), ...tsdoc]
  expect(blocks.length).toBeGreaterThan(15)

  // Inside node_modules so that packages resolve as they would in an app.
  const dir = join(root, "node_modules", ".cache", "readme-check")
  rmSync(dir, { recursive: true, force: true })
  const names = new Set<string>()
  const files = blocks.map((code, i) => {
    const named = /^\/\/ ([\w./[\]-]+\.ts)\n/.exec(code)?.[1]
    const file = !named ? join(dir, `block-${i + 1}.ts`) : names.has(named) ? join(dir, `block-${i + 1}`, named) : join(dir, named)
    if (named) names.add(named)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, `${code}\nexport {}\n`)
    return file
  })

  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
    skipLibCheck: true,
    paths: {
      "authjs-trakt": [join(root, "src", "index.ts")],
      "authjs-trakt/next-auth-v4": [join(root, "src", "next-auth-v4.ts")],
      "authjs-trakt/testing": [join(root, "src", "testing.ts")],
      "authjs-trakt/testing/msw": [join(root, "src", "testing-msw.ts")],
      "@/*": [join(dir, "*")],
    },
  })
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.replace(dir, "README")}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : ""
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
  })
  expect(diagnostics).toEqual([])
})
