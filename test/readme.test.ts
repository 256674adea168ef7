/**
 * Type-checks every ```ts block of README.md, and every `@example` in the
 * TSDoc of src/, against the package's source, so an example a user copies compiles. A block whose first line is a comment
 * naming a file (`// auth.ts`) is written under that name, so that other
 * blocks can import it (`@/auth`, as in a Next.js app); a name used again is
 * checked in a folder of its own.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import ts from "typescript"
import { expect, test } from "vitest"

const root = resolve(import.meta.dirname, "..")

/** The ```ts blocks of the README, then those in the TSDoc `@example`s of src/. */
function examples(): string[] {
  const fenced = (text: string) => [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
  const readme = fenced(readFileSync(join(root, "README.md"), "utf8"))
  const tsdoc = readdirSync(join(root, "src")).flatMap((file) =>
    fenced(readFileSync(join(root, "src", file), "utf8").replace(/^ *\* ?/gm, "")),
  )
  return [...readme, ...tsdoc]
}

test("every TypeScript example in README.md and in src/'s TSDoc type-checks", () => {
  const blocks = examples()
  expect(blocks.length).toBeGreaterThan(15)

  // Inside node_modules so that @auth/core resolves as it would in an app.
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

  const program = ts.createProgram([...files, join(root, "test", "readme", "frameworks.d.ts")], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
    skipLibCheck: true,
    paths: { "authjs-trakt": [join(root, "src", "index.ts")], "@/*": [join(dir, "*")] },
  })
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.replace(dir, "README")}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : ""
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
  })
  expect(diagnostics).toEqual([])
})
