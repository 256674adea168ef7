/**
 * The layout is the architecture, and these tests hold it (CONTRIBUTING.md,
 * "Layout"): the Trakt core in src/core/ knows no auth library; each auth
 * library is imported only by its own folder and the entries; the entries on
 * top are thin; and what each entry loads never reaches an auth library it
 * does not serve. Every import counts: `import type`, `export ... from` and
 * `declare module` included, as TypeScript's own pre-processor lists them.
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import ts from "typescript"
import { describe, expect, test } from "vitest"

const src = resolve(import.meta.dirname, "../../src")
const files = readdirSync(src, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.replaceAll("\\", "/"))

/** What `file` (relative to src/) imports: package names, and files of src/ for relative specifiers. */
function importsOf(file: string): { packages: string[]; files: string[] } {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(src, file), "utf8"), true, true)
  const specifiers = importedFiles.map((imported) => imported.fileName)
  return {
    packages: specifiers.filter((s) => !s.startsWith(".")),
    files: specifiers
      .filter((s) => s.startsWith("."))
      .map((s) => relative(src, resolve(dirname(join(src, file)), s)).replace(/\.js$/, ".ts")),
  }
}

/** Each auth library, the packages that are it, and the one folder that may import them. */
const HOSTS = [
  { folder: "authjs/", packages: /^@auth\// },
  { folder: "next-auth-v4/", packages: /^next-auth(\/|$)/ },
  { folder: "better-auth/", packages: /^(better-auth|@better-auth\/)/ },
]
const hostOf = (packageName: string) => HOSTS.find((host) => host.packages.test(packageName))
const isEntry = (file: string) => !file.includes("/")

describe("src/", () => {
  test("has the core, one folder per auth library, the stand-in, and entries on top", () => {
    const folders = new Set(files.filter((f) => !isEntry(f)).map((f) => f.split("/")[0]))
    expect([...folders].sort()).toEqual(expect.arrayContaining(["authjs", "core", "next-auth-v4", "testing"]))
    for (const folder of folders)
      expect(["authjs", "better-auth", "core", "next-auth-v4", "testing"], `src/${folder}/ is a folder of the design`).toContain(folder)
  })

  test("an auth library is imported only by its own folder and the entries", () => {
    let checked = 0
    for (const file of files) {
      for (const name of importsOf(file).packages) {
        const host = hostOf(name)
        if (!host) continue
        checked++
        expect(isEntry(file) || file.startsWith(host.folder), `src/${file} imports ${name}`).toBe(true)
      }
    }
    expect(checked).toBeGreaterThan(5)
  })

  test("the core imports no auth library's folder, nothing of the stand-in, and no package at all", () => {
    const core = files.filter((file) => file.startsWith("core/"))
    expect(core.length).toBeGreaterThan(20)
    for (const file of core) {
      const { packages, files: imported } = importsOf(file)
      expect(packages, `src/${file} imports a package: the core runs on the web platform alone`).toEqual([])
      for (const target of imported) expect(target.startsWith("core/"), `src/${file} imports src/${target}`).toBe(true)
    }
  })

  test("an auth library's folder imports the core and its own files; next-auth v4 shares Auth.js's jwt callback and session fields", () => {
    for (const host of HOSTS) {
      for (const file of files.filter((f) => f.startsWith(host.folder))) {
        for (const target of importsOf(file).files) {
          const allowed =
            target.startsWith("core/") || target.startsWith(host.folder) || (host.folder === "next-auth-v4/" && target === "authjs/jwt.ts")
          expect(allowed, `src/${file} imports src/${target}`).toBe(true)
        }
      }
    }
  })

  test("the entries on top are thin: imports and re-exports, no code of their own", () => {
    for (const file of files.filter(isEntry)) {
      const source = ts.createSourceFile(file, readFileSync(join(src, file), "utf8"), ts.ScriptTarget.Latest)
      for (const statement of source.statements) {
        const thin =
          ts.isImportDeclaration(statement) ||
          (ts.isExportDeclaration(statement) && !!statement.moduleSpecifier) ||
          ts.isExpressionStatement(statement)
        expect(thin, `src/${file}: ${ts.SyntaxKind[statement.kind]} at ${statement.getText(source).slice(0, 60)}`).toBe(true)
      }
    }
  })
})

describe("what each entry loads", () => {
  /** Every file of src/ an entry reaches, and every package those files import. */
  function reach(entry: string): { files: Set<string>; packages: Set<string> } {
    const seen = new Set<string>()
    const packages = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const imported = importsOf(file)
      for (const name of imported.packages) packages.add(name)
      for (const target of imported.files) visit(target)
    }
    visit(entry)
    return { files: seen, packages }
  }
  const auth = (packages: Set<string>, host: string) => [...packages].filter((name) => hostOf(name)?.folder === host)

  test.each([
    ["index.ts", ["next-auth-v4/", "better-auth/"]],
    ["next-auth-v4.ts", ["authjs/", "better-auth/"]],
    ["better-auth.ts", ["authjs/", "next-auth-v4/"]],
    ["adapters.ts", ["authjs/", "next-auth-v4/", "better-auth/"]],
    ["postgres.ts", ["authjs/", "next-auth-v4/", "better-auth/"]],
  ])("%s reaches none of %j's auth libraries", (entry, foreign) => {
    if (!files.includes(entry)) return expect(entry).toBe("better-auth.ts") // not written yet
    const { packages } = reach(entry)
    for (const host of foreign) expect(auth(packages, host), `${entry} reaches ${host}`).toEqual([])
  })

  test("no entry but the stand-in's reaches src/testing/", () => {
    for (const entry of files.filter((f) => isEntry(f) && !f.startsWith("testing"))) {
      expect(
        [...reach(entry).files].filter((f) => f.startsWith("testing/")),
        entry,
      ).toEqual([])
    }
  })
})
