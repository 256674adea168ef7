/**
 * Database sessions with a hand-written {@link TraktAccounts}: the recipe of
 * docs/database.md for an adapter the package has no accessors for
 * (@auth/unstorage-adapter), as one function so that the in-process tests (the
 * package's source) and the multi-instance tests (its build, in other
 * processes) run the same code. `trakt` and `refresh` carry what the docs
 * leave to defaults: credentials, and the stand-in's baseUrl.
 */
import type { AuthConfig } from "@auth/core"
import type { AdapterAccount } from "@auth/core/adapters"
import { UnstorageAdapter } from "@auth/unstorage-adapter"
import type { Storage } from "unstorage"
import type * as Package from "../../src/index.js"

type Helpers = Pick<typeof Package, "default" | "traktDatabaseSessions">

/** The Trakt account as @auth/unstorage-adapter keeps it: read by user, written back under its own key. */
export function unstorageAccounts(database: Storage): Package.TraktAccounts<AdapterAccount> {
  return {
    async getAccount(userId, provider) {
      const key = await database.getItem<string>(`user:account:by-user-id:${userId}`)
      const account = key ? await database.getItem<AdapterAccount>(key) : null
      return account?.provider === provider ? account : null
    },
    async saveTokens(account, { access_token, refresh_token = account.refresh_token, expires_at }) {
      const key = `user:account:${account.provider}:${account.providerAccountId}`
      await database.setItem(key, { ...account, access_token, refresh_token, expires_at })
    },
  }
}

export function databaseRecipe(
  { default: Trakt, traktDatabaseSessions }: Helpers,
  database: Storage,
  store?: Package.TraktStore,
  trakt: Package.TraktOptions & { clientId?: string; clientSecret?: string } = {},
  refresh: Package.TraktRefreshOptions = {},
): Pick<AuthConfig, "adapter" | "session" | "providers" | "events" | "callbacks"> {
  return {
    adapter: UnstorageAdapter(database),
    session: { strategy: "database" },
    providers: [Trakt({ clientId: process.env.AUTH_TRAKT_ID, clientSecret: process.env.AUTH_TRAKT_SECRET, ...trakt })],
    ...traktDatabaseSessions({ ...refresh, ...unstorageAccounts(database), store }),
  }
}
