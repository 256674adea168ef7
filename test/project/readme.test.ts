/**
 * Keeps the code of README.md and of every page in docs/ true:
 * - a ```ts (or ```tsx) block whose first line names a file of an example app
 *   (`// examples/next-auth-v5/auth.ts`, `// example/express/app.ts`) or the
 *   Worker of workerd.test.ts (`// test/workerd/worker.ts`) must be that file,
 *   verbatim; the app's production build (in .ci/run), or for example/ and the
 *   Worker `npm run typecheck`, type-checks it against the real framework;
 *   a ```tsx block must be such a file (JSX needs the framework to type-check),
 *   and README's Quick start holds every file of examples/next-auth-v5 but
 *   what create-next-app makes;
 * - every other ```ts block, and every `@example` in the TSDoc of src/,
 *   type-checks against the packages installed here (@auth/core, next-auth
 *   4.24, unstorage, ...), with no stubs. A block whose first line names a
 *   file (`// auth.ts`) is written under that name, so that other blocks of
 *   the same page can import it (`@/auth`); each page (and src/'s TSDoc) has a
 *   folder of its own, so pages do not see each other's files, and a name used
 *   again in one page gets a folder of its own.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import ts from "typescript"
import { expect, test } from "vitest"

const root = resolve(import.meta.dirname, "../..")
const fenced = (text: string, lang = "ts") => [...text.matchAll(new RegExp(`^\`\`\`${lang}\n([\\s\\S]*?)^\`\`\`$`, "gm"))].map((m) => m[1]!)
// `+` for SvelteKit's route files (`+page.server.ts`); example/ is the Express apps'; docs/edge.md shows the Worker workerd.test.ts runs.
const exampleFile = (code: string) => /^\/\/ ((?:examples?\/|test\/workerd\/)[\w./[\]+-]+)\n/.exec(code)?.[1]

/** README.md and docs/*.md, each with its ```ts blocks. */
const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
].map((page) => {
  const text = readFileSync(join(root, page), "utf8")
  return { page, blocks: fenced(text), tsx: fenced(text, "tsx") }
})

test("the docs' framework snippets are the example apps' own files, verbatim", () => {
  for (const { page, tsx } of pages)
    expect(
      tsx.filter((code) => !exampleFile(code)),
      `${page}'s tsx blocks name an example file`,
    ).toEqual([])
  const snippets = pages.flatMap(({ page, blocks, tsx }) => [...blocks, ...tsx].filter(exampleFile).map((code) => ({ page, code })))
  expect(snippets.length).toBeGreaterThanOrEqual(6)
  // The Quick start is next-auth v5's app, whole: every file of it but what create-next-app makes.
  const quickStart = [...pages[0]!.blocks, ...pages[0]!.tsx].filter(exampleFile).map(exampleFile)
  const app = ["auth.ts", "app/api/auth/[...nextauth]/route.ts", "proxy.ts", "lib/trakt.ts", "app/api/avatar/route.ts", "app/page.tsx"]
  expect(quickStart).toEqual(expect.arrayContaining(app.map((file) => `examples/next-auth-v5/${file}`)))
  // The app's own code, but for next.config.ts and the root layout (create-next-app's).
  const own = (dir: string): string[] =>
    readdirSync(join(root, "examples", "next-auth-v5", dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir ? `${dir}/${entry.name}` : entry.name
      if (entry.isDirectory()) return ["node_modules", ".next"].includes(entry.name) ? [] : own(path)
      return /\.tsx?$/.test(path) && !["next.config.ts", "next-env.d.ts", "app/layout.tsx"].includes(path) ? [path] : []
    })
  expect(own("").sort()).toEqual([...app].sort())
  for (const { page, code } of snippets) {
    const path = exampleFile(code)!
    expect(existsSync(join(root, path)), `${page}: ${path} exists`).toBe(true)
    const body = code.slice(code.indexOf("\n") + 1)
    expect(body, `${page}'s ${path}`).toBe(readFileSync(join(root, path), "utf8"))
  }
})

test("every other TypeScript example in README.md, docs/ and src/'s TSDoc type-checks", () => {
  // Every source file, the entries' subfolders (src/testing/) included.
  const sources = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"))
  const tsdoc = sources.flatMap((file) => fenced(readFileSync(join(root, "src", file), "utf8").replace(/^ *\* ?/gm, "")))
  const sets = [
    ...pages.map(({ page, blocks }) => ({ page, blocks: blocks.filter((code) => !exampleFile(code)) })),
    { page: "src", blocks: tsdoc },
  ]
  expect(sets.reduce((sum, { blocks }) => sum + blocks.length, 0)).toBeGreaterThan(15)
  expect(tsdoc.length).toBeGreaterThan(5)

  // Inside node_modules so that packages resolve as they would in an app.
  const dir = join(root, "node_modules", ".cache", "readme-check")
  rmSync(dir, { recursive: true, force: true })
  const folders = new Map<string, string>() // a page's folder -> the page
  const files = sets.flatMap(({ page, blocks }) => {
    const folder = join(dir, page.replace(/[/.]/g, "-"))
    folders.set(folder, page)
    const names = new Set<string>()
    return blocks.map((code, i) => {
      const named = /^\/\/ ([\w./[\]-]+\.ts)\n/.exec(code)?.[1]
      const file = !named
        ? join(folder, `block-${i + 1}.ts`)
        : names.has(named)
          ? join(folder, `block-${i + 1}`, named)
          : join(folder, named)
      if (named) names.add(named)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, `${code}\nexport {}\n`)
      return file
    })
  })
  const folderOf = (file: string) => join(dir, relative(dir, file).split(sep)[0]!)

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
    skipLibCheck: true,
    // Every entry of package.json's "exports", from its source: "./testing/msw" is src/testing-msw.ts.
    paths: {
      ...Object.fromEntries(
        Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).exports)
          .filter((entry) => entry !== "./package.json")
          .map((entry) => [`authjs-trakt${entry.slice(1)}`, [join(root, "src", `${entry.slice(2).replace(/\//g, "-") || "index"}.ts`)]]),
      ),
      // The Prisma client of Auth.js's schema, as `npm run prisma:generate` (part of typecheck) writes it.
      "@prisma/client": [join(root, "test", "postgres", "prisma", "generated", "client.ts")],
    },
  }
  // `@/x` is the importing page's own `x`, as Next.js's alias is the app's root.
  const host = ts.createCompilerHost(options)
  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, compilerOptions) =>
    literals.map(({ text }) => {
      const ownPage = text.startsWith("@/") && containingFile.startsWith(dir + sep)
      const name = ownPage ? join(folderOf(containingFile), text.slice(2)) : text
      return ts.resolveModuleName(name, containingFile, compilerOptions, host)
    })
  const program = ts.createProgram(files, options, host)
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const file = d.file?.fileName
    const where = file
      ? `${file.startsWith(dir) ? `${folders.get(folderOf(file))} ${relative(folderOf(file), file)}` : file}:${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : ""
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
  })
  expect(diagnostics).toEqual([])
}, 120_000)

test("every relative link in README.md, docs/, CONTRIBUTING.md, bench/ and the example apps' READMEs reaches a file, and its #anchor a heading", () => {
  // GitHub's heading ids: lower case, punctuation dropped, spaces as hyphens.
  const slug = (heading: string) =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-")
  const anchors = (file: string) =>
    new Set(
      [
        ...readFileSync(file, "utf8")
          .replace(/^```[\s\S]*?^```$/gm, "")
          .matchAll(/^#+ (.+)$/gm),
      ].map((m) => slug(m[1]!)),
    )
  const linking = [
    ...pages.map(({ page }) => page),
    "CONTRIBUTING.md",
    "bench/README.md",
    ...readdirSync(join(root, "examples")).map((app) => `examples/${app}/README.md`),
  ]
  let checked = 0
  for (const page of linking) {
    const text = readFileSync(join(root, page), "utf8").replace(/^```[\s\S]*?^```$/gm, "")
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue // https:, mailto:
      const [path, anchor] = target!.split("#") as [string, string | undefined]
      const file = path ? resolve(root, dirname(page), decodeURI(path)) : join(root, page)
      expect(existsSync(file), `${page} links ${target}: no such file`).toBe(true)
      if (anchor) expect(anchors(file), `${page} links ${target}: no such heading`).toContain(anchor)
      checked++
    }
  }
  expect(checked).toBeGreaterThan(40)
})
