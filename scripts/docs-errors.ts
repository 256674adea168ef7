/**
 * `npm run docs`: writes the table of `TraktError` codes in docs/errors.md
 * from the TSDoc of `TraktErrorCode` in src/core/errors.ts, so the codes are
 * documented once, where they are declared. test/project/docs-errors.test.ts fails
 * when docs/errors.md is out of date.
 *
 * The TSDoc lists one code a line: `- \`CODE\`: when it happens`, with
 * continuation lines indented.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { pathToFileURL } from "node:url"

export const START = "<!-- codes:start -->"
export const END = "<!-- codes:end -->"

const root = new URL("..", import.meta.url).pathname
export const ERRORS_TS = `${root}src/core/errors.ts`
export const ERRORS_MD = `${root}docs/errors.md`

/** The `[code, when]` items of `TraktErrorCode`'s TSDoc list. */
export function errorCodes(source: string): [string, string][] {
  const comment = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export type TraktErrorCode\b/.exec(source)?.[1]
  if (!comment) throw new Error("src/core/errors.ts: no TSDoc comment right before `export type TraktErrorCode`")
  const items: string[] = []
  for (const line of comment.split("\n").map((l) => l.replace(/^\s*\* ?/, ""))) {
    if (line.startsWith("- ")) items.push(line.slice(2).trim())
    else if (/^\s+\S/.test(line) && items.length) items[items.length - 1] += ` ${line.trim()}`
    else if (line.trim() && items.length) break // the list is over
  }
  if (!items.length) throw new Error("src/core/errors.ts: TraktErrorCode's TSDoc has no `- \\`CODE\\`: ...` list")
  return items.map((item) => {
    const colon = item.indexOf(": ")
    if (colon < 0) throw new Error(`src/core/errors.ts: a code without ": " and its meaning: ${item}`)
    return [item.slice(0, colon), item.slice(colon + 2)].map(markdown) as [string, string]
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
