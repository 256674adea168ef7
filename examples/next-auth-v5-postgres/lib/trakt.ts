import { createTraktClient } from "authjs-trakt"
import { accounts, store } from "@/lib/database"

/**
 * The Trakt client of the signed-in user (`session.user.id`), for server code only: the token
 * is read from their account row and stays on the server. A pair the client refreshes goes back
 * to the row, through the same store as the session callback's refreshes.
 */
export async function traktFor(userId: string) {
  const account = await accounts.getAccount(userId, "trakt")
  return createTraktClient({
    token: account && { ...account },
    store,
    baseUrl: process.env.TRAKT_BASE_URL,
    onTokens: (tokens) => account && accounts.saveTokens(account, tokens),
  })
}
