import { ExpressAuth, getSession, type ExpressAuthConfig } from "@auth/express"
import Trakt, { traktJwt } from "authjs-trakt"
import express from "express"

const authConfig: ExpressAuthConfig = {
  // Auth.js reads AUTH_SECRET, AUTH_TRAKT_ID and AUTH_TRAKT_SECRET itself.
  // TRAKT_BASE_URL: unset for Trakt itself, the stand-in's URL otherwise.
  providers: [Trakt({ accountId: "uuid", baseUrl: process.env.TRAKT_BASE_URL })],
  // Keeps Trakt's tokens in the encrypted cookie, and refreshes them once they expire.
  callbacks: { jwt: traktJwt() },
}

const app = express()
app.set("trust proxy", true)
// Auth.js's routes: sign-in starts at /auth/signin; the callback URL is {origin}/auth/callback/trakt.
app.use("/auth", ExpressAuth(authConfig))

app.get("/", async (req, res) => {
  const session = await getSession(req, authConfig)
  const name = escapeHtml(session?.user?.name ?? "")
  res.type("html").send(
    session
      ? `<p>Signed in as <b id="name">${name}</b>. <a href="/auth/signout">Sign out</a></p>`
      : `<p><a href="/auth/signin">Sign in with Trakt</a></p>`,
  )
})

/** A Trakt name is the user's to choose: never HTML. */
function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

// Exported so that a test can close it.
export const server = app.listen(Number(process.env.PORT ?? 3000))
