/**
 * The README's "Database sessions" recipe, line for line, as one function so
 * that the in-process tests (the package's source) and the multi-instance
 * tests (its build, in other processes) run the same code. `trakt` and
 * `refresh` carry what the README leaves to defaults: credentials, and the
 * stand-in's baseUrl.
 */
import type { AuthConfig } from "@auth/core"
import type { AdapterAccount } from "@auth/core/adapters"
import { UnstorageAdapter } from "@auth/unstorage-adapter"
import type { Storage } from "unstorage"
import type * as Package from "../src/index.js"

type Helpers = Pick<typeof Package, "default" | "refreshTraktAccount">

export function databaseRecipe(
  { default: Trakt, refreshTraktAccount }: Helpers,
  database: Storage,
  store?: Package.TraktTokenStore,
  trakt: Package.TraktOptions & { clientId?: string; clientSecret?: string } = {},
  refresh: Package.TraktRefreshOptions = {},
): Pick<AuthConfig, "adapter" | "session" | "providers" | "events" | "callbacks"> {
  const adapter = UnstorageAdapter(database)

  async function traktAccount(userId: string) {
    const key = await database.getItem<string>(`user:account:by-user-id:${userId}`)
    const account = key ? await database.getItem<AdapterAccount>(key) : null
    return account?.provider === "trakt" ? account : null
  }

  async function saveTokens(account: AdapterAccount, tokens: { access_token?: string; refresh_token?: string; expires_at?: number }) {
    const { access_token, refresh_token, expires_at } = tokens
    await adapter.linkAccount!({ ...account, access_token, refresh_token, expires_at })
  }

  return {
    adapter,
    session: { strategy: "database" },
    providers: [Trakt({ clientId: process.env.AUTH_TRAKT_ID, clientSecret: process.env.AUTH_TRAKT_SECRET, ...trakt })],
    events: {
      async signIn({ user, account }) {
        const stored = account?.provider === "trakt" && user.id ? await traktAccount(user.id) : null
        if (stored && account) await saveTokens(stored, account)
      },
    },
    callbacks: {
      async session({ session, user }) {
        const account = await traktAccount(user.id)
        if (!account) return session
        try {
          const fresh = await refreshTraktAccount(account, { ...refresh, store, reload: () => traktAccount(user.id) })
          if (fresh) await saveTokens(account, fresh)
          return session
        } catch {
          return { ...session, error: "RefreshTokenError" as const }
        }
      },
    },
  }
}
