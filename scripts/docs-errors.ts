/**
 * `npm run docs`: writes the table of `TraktError` codes in docs/errors.md
 * from `TRAKT_ERROR_CODES` in src/core/errors.ts (each code and its TSDoc,
 * read with the TypeScript compiler's parser), so the codes are
 * documented once, where they are declared. test/project/docs-errors.test.ts
 * fails when docs/errors.md is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { pathToFileURL } from "node:url"
// TypeScript 6's JS API (TypeScript 7 has none), only to read the map's TSDoc.
import ts from "typescript"

export const START = "<!-- codes:start -->"
export const END = "<!-- codes:end -->"

const root = new URL("..", import.meta.url).pathname
export const ERRORS_TS = `${root}src/core/errors.ts`
export const ERRORS_MD = `${root}docs/errors.md`

/** The `[code, when]` pairs of `TRAKT_ERROR_CODES`: each member's name and its TSDoc, in order. */
export function errorCodes(source: string): [string, string][] {
  const file = ts.createSourceFile("errors.ts", source, ts.ScriptTarget.Latest, true)
  let map: ts.ObjectLiteralExpression | undefined
  file.forEachChild((node) => {
    if (!ts.isVariableStatement(node)) return
    for (const declaration of node.declarationList.declarations) {
      let init = declaration.initializer
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression
      if (declaration.name.getText() === "TRAKT_ERROR_CODES" && init && ts.isObjectLiteralExpression(init)) map = init
    }
  })
  if (!map) throw new Error("src/core/errors.ts: no `const TRAKT_ERROR_CODES = { ... }`")
  return map.properties.map((property) => {
    const code = property.name!.getText()
    const doc = ts.getJSDocCommentsAndTags(property).find(ts.isJSDoc)
    const when = ts.getTextOfJSDocComment(doc?.comment)?.replace(/\s+/g, " ").trim()
    if (!when) throw new Error(`src/core/errors.ts: the code ${code} has no TSDoc saying when it happens`)
    // An `@` after a space starts a tag, which would cut the sentence short.
    if (doc?.tags?.length) throw new Error(`src/core/errors.ts: the TSDoc of ${code} has a tag (an @ after a space?)`)
    return [`\`${code}\``, markdown(when)]
  })
}

/** TSDoc inline tags as Markdown, and cell text that cannot break the table. */
const markdown = (text: string) =>
  text
    .replace(/\{@link\s+([^}|\s]+)\s*\|\s*([^}]+)\}/g, "$2")
    .replace(/\{@link\s+(?:[\w$]+\.)?([^}\s]+)\s*\}/g, "`$1`")
    .replace(/\|/g, "\\|")
    .replace(/^./, (first) => first.toUpperCase())

/** The Markdown table of `errorCodes(source)`. */
export function codesTable(source: string): string {
  const rows = errorCodes(source).map(([code, when]) => `| ${code} | ${when} |`)
  return ["| code | when |", "|---|---|", ...rows].join("\n")
}

/** `doc` with the table between its markers replaced by `table`. */
export function withCodes(doc: string, table: string): string {
  const start = doc.indexOf(START)
  const end = doc.indexOf(END)
  if (start < 0 || end < start) throw new Error(`docs/errors.md: needs ${START} and then ${END}`)
  return `${doc.slice(0, start + START.length)}\n${table}\n${doc.slice(end)}`
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const doc = readFileSync(ERRORS_MD, "utf8")
  const updated = withCodes(doc, codesTable(readFileSync(ERRORS_TS, "utf8")))
  if (updated !== doc) writeFileSync(ERRORS_MD, updated)
  console.log(updated === doc ? "docs/errors.md is up to date" : "docs/errors.md: codes table written")
}
