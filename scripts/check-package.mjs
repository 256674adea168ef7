// Installs the packed tarball into separate, throwaway projects with npm, as an
// app gets it from the registry, and signs a user in with it: from ESM, from
// CommonJS, and from a bundle that inlines its own @auth/core (what SvelteKit's
// adapter-node builds). The package is ESM only: every CommonJS run loads it
// with require() (require(esm)), one of them a hand-written CommonJS Express
// app. This catches what tests of src/ cannot: a file missing from "files", a
// wrong "exports" map, a peer range npm refuses, a build that differs from the
// source. Then it type-checks an app's use of each entry with TypeScript 7,
// strictly, as ESM and CommonJS (see typecheck below).
//
//   node scripts/check-package.mjs [--runtime <binary>]... [--no-types] [--better-auth <version>]
//
// --runtime: what runs the consumers, once each (a Bun binary, say; the default
// is the Node running this script): the projects are installed once for all.
// npm, esbuild and TypeScript run on this script's Node.
// --no-types: skips the TypeScript checks, which depend on TypeScript's version,
// not on the runtime (.ci/run runs them once, on Node 24).
// --better-auth <version>: the Better Auth app's better-auth (default: the one
// installed here), e.g. the peer range's floor: --better-auth 1.7.27.
import { execFileSync } from "node:child_process"
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { build } from "esbuild"
// TypeScript 6's JS API (TypeScript 7 has none), only to list an entry's exports.
import ts from "typescript"

const { values: args } = parseArgs({
  options: {
    runtime: { type: "string", multiple: true, default: [process.execPath] },
    "no-types": { type: "boolean", default: false },
    "better-auth": { type: "string" },
  },
})
const runtimes = args.runtime.map((binary) => ({
  binary,
  name: `${basename(binary)} ${execFileSync(binary, ["--version"], { encoding: "utf8" }).trim()}`,
}))
const root = resolve(import.meta.dirname, "..")
const version = (name) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version
/** The consumers' TypeScript: the project's own TypeScript 7 (installed here as "typescript-7"). */
const typescript = `typescript@${version("typescript-7")}`
const work = mkdtempSync(join(tmpdir(), "authjs-trakt-consumer-"))
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)}s`
const run = (cwd, command, args, timeout) =>
  execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", timeout })

/** The consumer's sources live in the project, so that its package.json decides how they import. */
const SOURCES = [
  "test/package",
  "test/support/browser.ts",
  "test/support/browser-v4.ts",
  "test/support/browsing.ts",
  "test/support/auth-core.ts",
  "test/support/constants.ts",
]

/**
 * A throwaway app: `npm install` of the tarball beside `dependencies`, with no
 * flags (a peer range npm refuses fails here as it would for a user).
 */
function project(name, tarball, dependencies) {
  const dir = join(work, name)
  const started = performance.now()
  cpSync(join(root, "test", "package", "app.json"), join(dir, "package.json"))
  for (const path of SOURCES) cpSync(join(root, path), join(dir, path), { recursive: true })
  run(dir, "npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball, ...dependencies])
  console.log(`${name}: npm install ${dependencies.join(" ")} (${seconds(started)})`)
  return dir
}

/** Runs `file` of `dir` with each runtime, printing its output; false when it fails or hangs on one. */
function runConsumer(dir, file, label) {
  let passed = true
  for (const runtime of runtimes) {
    const started = performance.now()
    console.log(`${label}, on ${runtime.name}:`)
    try {
      // A consumer that leaves a handle open never exits: that fails here too.
      process.stdout.write(run(dir, runtime.binary, [file], 120_000))
    } catch (error) {
      process.stdout.write(error.stdout ?? "")
      passed = false
    }
    console.log(`  (${seconds(started)})`)
  }
  return passed
}

/** Bundles `entry` of `dir` as `format`, leaving `external` to node_modules, and runs it. */
async function check(dir, entry, format, external, label) {
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ ...JSON.parse(readFileSync(join(dir, "package.json"))), type: format === "esm" ? "module" : "commonjs" }),
  )
  const outfile = join(dir, `${label.replace(/\W+/g, "-")}.${format === "esm" ? "mjs" : "cjs"}`)
  await build({
    entryPoints: [join(dir, entry)],
    bundle: true,
    platform: "node",
    target: "node22",
    format,
    outfile,
    external,
    // test/support/auth-core.ts picks the app's copy; the bundles have only one.
    alias: { "@auth/core-copy": "@auth/core" },
    logLevel: "error",
  })
  if (format === "cjs") {
    // The CommonJS bundle must load the package with require() (require(esm)
    // where it is ESM only), as an app's CommonJS does, not with import().
    const code = readFileSync(outfile, "utf8")
    const loads = external.filter((name) => name.startsWith("authjs-trakt")).map((name) => new RegExp(`require\\("${name}(/[\\w/-]+)?"\\)`))
    if (!loads.every((load) => load.test(code)) || /import\("authjs-trakt/.test(code)) {
      console.log(`${label}: the CommonJS bundle does not require("authjs-trakt")`)
      return false
    }
  }
  return runConsumer(dir, outfile, label)
}

/**
 * Type-checks `file` (an app's use of `entry`, under test/package) in `dir` with
 * TypeScript 7 the way a strict app does: `strict`, `noUnusedLocals`, and
 * `skipLibCheck: false`, so that the package's own .d.ts are checked too. Three
 * ways: moduleResolution "bundler" (Next.js, Vite), and "nodenext" as an ES
 * module (.mts, the "import" types) and as CommonJS (.cts, the "require" types).
 * `types: []`: no @types/node, as the package's types must not need Node's (it
 * runs on edge runtimes and in browsers' bundles too). `declaration` (checked,
 * not emitted): what `file` exports with an inferred type (Better Auth's `auth`)
 * must be nameable, as a monorepo's package that emits .d.ts needs (TS4023).
 * Only a diagnostic in authjs-trakt's files or in `file` fails: other packages'
 * .d.ts have errors of their own with skipLibCheck off (@auth/core's do), which
 * are counted, not blamed on this package. `file` must import every export of
 * `entry`, so a new export is checked from the day it ships.
 */
function typecheck(dir, file, entry, label) {
  let passed = true
  const missing = exportsOf(dir, entry).filter((name) => !importedNames(join(dir, file), entry).has(name))
  if (missing.length) {
    console.log(`${label}: ${file} does not import ${missing.join(", ")} from ${entry}`)
    passed = false
  }
  const base = file.replace(/\.ts$/, "")
  cpSync(join(dir, file), join(dir, `${base}.mts`))
  cpSync(join(dir, file), join(dir, `${base}.cts`))
  const ways = [
    ["bundler", { module: "esnext", moduleResolution: "bundler" }, file],
    ["nodenext, ESM", { module: "nodenext", moduleResolution: "nodenext" }, `${base}.mts`],
    ["nodenext, CJS", { module: "nodenext", moduleResolution: "nodenext" }, `${base}.cts`],
  ]
  for (const [way, resolution, source] of ways) {
    const tsconfig = join(dir, `tsconfig.${way.replace(/\W+/g, "-")}.json`)
    const compilerOptions = {
      ...resolution,
      target: "es2022",
      lib: ["es2023", "dom", "dom.iterable"],
      types: [],
      strict: true,
      noUnusedLocals: true,
      skipLibCheck: false,
      declaration: true,
      noEmit: true,
    }
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions, files: [source] }, null, 2))
    const started = performance.now()
    const { ours, others } = diagnostics(dir, tsconfig, source)
    const ignored = others.size ? ` (not ours, ignored: ${[...others].map(([pkg, n]) => `${n} in ${pkg}`).join(", ")})` : ""
    if (ours.length) {
      passed = false
      console.log(`${label}, ${way}: ✗ ${ours.length} error(s)${ignored} (${seconds(started)})`)
      for (const diagnostic of ours) console.log(`  ${diagnostic.replaceAll("\n", "\n  ")}`)
    } else {
      console.log(`${label}, ${way}: ✓ no error in authjs-trakt's types or ${source}${ignored} (${seconds(started)})`)
    }
  }
  return passed
}

/**
 * Runs the project's TypeScript (7: a CLI only, so its output is filtered by
 * path) and sorts its diagnostics: `ours` are in authjs-trakt, in `source`, or
 * in no file at all (a broken setup); `others` counts the rest by package.
 */
function diagnostics(dir, tsconfig, source) {
  let output
  try {
    output = run(dir, "node", [join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig, "--pretty", "false"])
  } catch (error) {
    output = error.stdout ?? ""
    if (!output.trim()) throw error // tsc itself failed to run
  }
  // One diagnostic per line, its continuation lines indented under it.
  const all = output.split("\n").reduce((list, line) => {
    if (/^\s/.test(line) && list.length) list[list.length - 1] += `\n${line}`
    else if (line.trim()) list.push(line)
    return list
  }, [])
  const ours = []
  const others = new Map()
  for (const diagnostic of all) {
    const path = /^(.+?)\(\d+,\d+\): /.exec(diagnostic)?.[1]?.replaceAll("\\", "/")
    const pkg = path && /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1]
    if (!path || path === source || pkg === "authjs-trakt" || !pkg) ours.push(diagnostic)
    else others.set(pkg, (others.get(pkg) ?? 0) + 1)
  }
  return { ours, others }
}

/**
 * The tarball npm would publish (`installed`: where an app installed it): at
 * most MAX_TARBALL bytes, ESM only, and each module of src/ in one file of it,
 * whichever entries import it (esbuild marks each module's code with a
 * `// src/...` line). A second format or a build without shared chunks
 * doubles the engine, and fails here.
 */
const MAX_TARBALL = 100_000
function checkTarball({ filename, size, unpackedSize, files }, installed) {
  const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`
  const js = files.filter((file) => file.path.endsWith(".js"))
  console.log(
    `${filename}: ${kb(size)} packed, ${kb(unpackedSize)} unpacked, ${files.length} files (${js.length} .js, ${kb(js.reduce((sum, file) => sum + file.size, 0))})`,
  )
  let passed = true
  const fail = (what) => {
    console.log(`  ✗ ${what}`)
    passed = false
  }
  if (size > MAX_TARBALL) fail(`${kb(size)} packed: more than ${kb(MAX_TARBALL)}`)
  const otherFormats = files.filter((file) => /\.(cjs|d\.cts|mjs|d\.mts)$/.test(file.path)).map((file) => file.path)
  if (otherFormats.length) fail(`not ESM only: ${otherFormats.join(", ")}`)
  const modules = new Map()
  for (const { path } of js) {
    // esbuild marks a module again where its code resumes after a module it
    // imports: one file may name a module twice.
    for (const [, module] of readFileSync(join(installed, path), "utf8").matchAll(/^\/\/ (src\/\S+)$/gm)) {
      modules.set(module, new Set(modules.get(module)).add(path))
    }
  }
  if (modules.size < 10)
    fail(`only ${modules.size} modules of src/ found in the .js files: the "// src/" markers are gone, so nothing below was checked`)
  for (const [module, paths] of modules) if (paths.size > 1) fail(`${module} is in ${paths.size} files: ${[...paths].join(", ")}`)
  if (passed) console.log(`  ✓ at most ${kb(MAX_TARBALL)}, ESM only, each of ${modules.size} modules of src/ in one file`)
  return passed
}

/** The names `entry` exports, as its installed "import" types declare them. */
function exportsOf(dir, entry) {
  const pkg = JSON.parse(readFileSync(join(dir, "node_modules", "authjs-trakt", "package.json"), "utf8"))
  const subpath = entry === "authjs-trakt" ? "." : `.${entry.slice("authjs-trakt".length)}`
  const dts = join(dir, "node_modules", "authjs-trakt", pkg.exports[subpath].types)
  const program = ts.createProgram([dts], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  })
  const checker = program.getTypeChecker()
  return checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(dts))).map((symbol) => symbol.name)
}

/** The names `file` imports from `entry` ("default" for a default import). */
function importedNames(file, entry) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest)
  const names = new Set()
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || statement.moduleSpecifier.text !== entry) continue
    const clause = statement.importClause
    if (clause?.name) names.add("default")
    if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) {
      for (const element of clause.namedBindings.elements) names.add((element.propertyName ?? element.name).text)
    }
  }
  return names
}

let ok = true
try {
  const [packed] = JSON.parse(run(work, "npm", ["pack", root, "--json", "--pack-destination", work]))
  const { filename } = packed
  const tarball = join(work, filename)

  const types = !args["no-types"]
  const app = project("authjs-app", tarball, [
    `@auth/core@${version("@auth/core")}`,
    `@auth/express@${version("@auth/express")}`,
    `express@${version("express")}`,
    ...(types ? [typescript] : []),
  ])
  ok = checkTarball(packed, join(app, "node_modules", "authjs-trakt")) && ok
  const consumer = "test/package/consumer.ts"
  ok = (await check(app, consumer, "esm", ["authjs-trakt", "@auth/core"], `${filename} from ESM`)) && ok
  ok = (await check(app, consumer, "cjs", ["authjs-trakt", "@auth/core"], `${filename} from CJS`)) && ok
  // Auth() inlined into the app's bundle, the package loaded from node_modules:
  // two copies of @auth/core, as SvelteKit's adapter-node leaves them.
  ok = (await check(app, consumer, "esm", ["authjs-trakt"], `${filename} beside a bundled @auth/core`)) && ok
  // A CommonJS Express app as written by hand: require("authjs-trakt"), no bundler.
  ok =
    runConsumer(
      app,
      "test/package/consumer-express.cjs",
      `${filename} from a CommonJS Express app (@auth/express ${version("@auth/express")})`,
    ) && ok
  if (types) ok = typecheck(app, "test/package/types.ts", "authjs-trakt", `${filename} types, ${typescript}`) && ok
  // The testing entry and its command, in the same app: the tarball and @auth/core, no msw.
  const testing = "test/package/consumer-testing.ts"
  ok = (await check(app, testing, "esm", ["authjs-trakt", "@auth/core"], `${filename}/testing from ESM`)) && ok
  ok = (await check(app, testing, "cjs", ["authjs-trakt", "@auth/core"], `${filename}/testing from CJS`)) && ok

  // next-auth v4 (npm's latest) declares an optional peer @auth/core@0.34.3:
  // the tarball must install beside it with no flags and bring no @auth/core.
  const v4 = project("next-auth-v4-app", tarball, [`next-auth@${version("next-auth")}`, ...(types ? [typescript] : [])])
  const coreInstalled = run(v4, "npm", ["ls", "@auth/core", "--all", "--parseable"]).trim()
  if (coreInstalled) {
    console.log(`next-auth v4 app: @auth/core is in the tree (${coreInstalled}); it must not be`)
    ok = false
  }
  const v4Consumer = "test/package/consumer-v4.ts"
  const v4External = ["authjs-trakt", "next-auth", "next"]
  ok = (await check(v4, v4Consumer, "esm", v4External, `${filename}/next-auth-v4 from ESM, beside next-auth ${version("next-auth")}`)) && ok
  ok = (await check(v4, v4Consumer, "cjs", v4External, `${filename}/next-auth-v4 from CJS, beside next-auth ${version("next-auth")}`)) && ok
  if (types)
    ok = typecheck(v4, "test/package/types-v4.ts", "authjs-trakt/next-auth-v4", `${filename}/next-auth-v4 types, ${typescript}`) && ok

  // Better Auth: the tarball beside better-auth alone (it brings @better-auth/core,
  // the other optional peer). No @auth/core and no next-auth may come with it.
  const betterAuth = `better-auth@${args["better-auth"] ?? version("better-auth")}`
  const ba = project("better-auth-app", tarball, [betterAuth, ...(types ? [typescript] : [])])
  for (const name of ["@auth/core", "next-auth"]) {
    const installed = run(ba, "npm", ["ls", name, "--all", "--parseable"]).trim()
    if (installed) {
      console.log(`Better Auth app: ${name} is in the tree (${installed}); it must not be`)
      ok = false
    }
  }
  const baConsumer = "test/package/consumer-better-auth.ts"
  const baExternal = ["authjs-trakt", "better-auth", "@better-auth/core"]
  ok = (await check(ba, baConsumer, "esm", baExternal, `${filename}/better-auth from ESM, beside ${betterAuth}`)) && ok
  ok = (await check(ba, baConsumer, "cjs", baExternal, `${filename}/better-auth from CJS, beside ${betterAuth}`)) && ok
  if (types)
    ok =
      typecheck(
        ba,
        "test/package/types-better-auth.ts",
        "authjs-trakt/better-auth",
        `${filename}/better-auth types, ${betterAuth}, ${typescript}`,
      ) && ok
} finally {
  rmSync(work, { recursive: true, force: true })
}
process.exitCode = ok ? 0 : 1
