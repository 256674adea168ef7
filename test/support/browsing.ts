/**
 * What every test browser does, whatever app it drives (Auth.js through
 * browser.ts, next-auth v4 through browser-v4.ts): keep cookies, and answer
 * Trakt's consent page. Nothing here loads @auth/core or next-auth.
 */

/** Keeps what Set-Cookie lines set in a browser's cookie jar, and drops what they expire. */
export function keepCookies(jar: Map<string, string>, setCookie: string[]) {
  for (const line of setCookie) {
    const [pair] = line.split(";")
    const [name, ...value] = pair!.split("=")
    const expired = /max-age=0|expires=thu, 01 jan 1970/i.test(line)
    if (expired || value.join("=") === "") jar.delete(name!.trim())
    else jar.set(name!.trim(), value.join("="))
  }
}

/** At Trakt's consent page, presses Approve (or Deny): returns the callback URL Trakt redirects to. */
export async function decideAtTrakt(authorizeUrl: string, decision: "approve" | "deny" = "approve"): Promise<string> {
  const page = await fetch(authorizeUrl)
  if (!page.ok) throw new Error(`authorize page answered ${page.status}: ${await page.text()}`)
  const answer = await fetch(authorizeUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ decision }),
    redirect: "manual",
  })
  const location = answer.headers.get("location")
  if (answer.status !== 302 || !location) throw new Error(`authorize decision answered ${answer.status}`)
  return location
}
