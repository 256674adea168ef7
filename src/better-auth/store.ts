/**
 * The rotation engine's store in a Better Auth app, by default: Better Auth's
 * own verification storage. That is the app's `secondaryStorage` when it has
 * one (Redis and the like), else its database (through whichever adapter it
 * uses), so every instance of the app shares it already, with nothing to set up.
 */
import type { AuthContext } from "better-auth"
import type { TraktStore } from "../core/store.js"

/**
 * A {@link TraktStore} over Better Auth's verification values. Get and set
 * only (the engine then claims a refresh with its timed lock): a value is
 * written by deleting the key's rows and adding one, and read back as the
 * newest row, ignored once expired (Better Auth sweeps those itself).
 *
 * `context` is read on each call: Better Auth makes its internal adapter after
 * every plugin's `init` has run.
 */
export function verificationStore(context: () => AuthContext): TraktStore {
  return {
    async getItem(key) {
      const row = await context().internalAdapter.findVerificationValue(key)
      return row && new Date(row.expiresAt).getTime() > Date.now() ? row.value : null
    },
    async setItem(key, value, { ttl }) {
      const adapter = context().internalAdapter
      await adapter.deleteVerificationByIdentifier(key)
      await adapter.createVerificationValue({ identifier: key, value, expiresAt: new Date(Date.now() + ttl * 1000) })
    },
  }
}
