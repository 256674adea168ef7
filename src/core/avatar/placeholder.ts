/** The image an avatar route answers with when there is no avatar to show. */

/**
 * A 128 × 128 SVG with the first letter or digit of `name` (none without one),
 * white on Trakt red. Only a letter or digit reaches the markup, so nothing
 * in a name can inject into it.
 */
export function placeholderSvg(name: unknown): string {
  const initial = typeof name === "string" ? (/[\p{L}\p{N}]/u.exec(name)?.[0] ?? "").toLocaleUpperCase() : ""
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">' +
    '<rect width="128" height="128" fill="#ed2224"/>' +
    `<text x="64" y="86" font-family="sans-serif" font-size="60" fill="#fff" text-anchor="middle">${initial}</text></svg>`
  )
}
