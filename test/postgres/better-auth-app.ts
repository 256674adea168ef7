/**
 * The Better Auth app the instances of better-auth.postgres.ts run: the Trakt
 * plugin on a `pg` Pool, one of three refresh stores. The test process makes
 * its tables from the same options (`getMigrations`), so both agree on them.
 */
import { betterAuth, type BetterAuthOptions } from "better-auth"
import type pg from "pg"
import { trakt, type TraktPluginOptions } from "../../src/better-auth.js"
import { postgresTokenStore } from "../../src/postgres.js"

/** Where the instances say they live: Trakt knows this callback; no server listens there. */
export const ORIGIN = "http://localhost:3000"
export const CALLBACK = `${ORIGIN}/api/auth/callback/trakt`
export const CLIENT = { id: "better-auth-instances", secret: "better-auth-instances-secret" }
const SECRET = "better-auth-instances-share-this-secret-0123456789"

/**
 * The plugin's `store`:
 * - `better-auth`: its default, Better Auth's verification table (get/set only: a timed lock);
 * - `postgres`: `postgresTokenStore` on the same database (an exact lock);
 * - `memory`: nothing shared between processes.
 */
export const STORES = ["better-auth", "postgres", "memory"] as const
export type StoreKind = (typeof STORES)[number]

export function appOptions(pool: pg.Pool, traktUrl: string, store: StoreKind, more: Partial<TraktPluginOptions> = {}) {
  return {
    baseURL: ORIGIN,
    secret: SECRET,
    database: pool,
    plugins: [
      trakt({
        clientId: CLIENT.id,
        clientSecret: CLIENT.secret,
        baseUrl: traktUrl,
        store: store === "postgres" ? postgresTokenStore(pool) : store,
        ...more,
      }),
    ],
  } satisfies BetterAuthOptions
}

export const makeApp = (...args: Parameters<typeof appOptions>) => betterAuth(appOptions(...args))
