/**
 * Type-checks every ```ts block of README.md against the package's source, so
 * an example a user copies compiles. A block whose first line is a comment
 * naming a file (`// auth.ts`) is written under that name, so that other
 * blocks can import it (`@/auth`, as in a Next.js app).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import ts from "typescript"
import { expect, test } from "vitest"

const root = resolve(import.meta.dirname, "..")

test("every TypeScript block in README.md type-checks", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
  expect(blocks.length).toBeGreaterThan(5)

  // Inside node_modules so that @auth/core resolves as it would in an app.
  const dir = join(root, "node_modules", ".cache", "readme-check")
  rmSync(dir, { recursive: true, force: true })
  const files = blocks.map((code, i) => {
    const named = /^\/\/ ([\w./[\]-]+\.ts)\n/.exec(code)?.[1]
    const file = join(dir, named ?? `block-${i + 1}.ts`)
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
