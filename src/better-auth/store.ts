/**
 * The rotation engine's store in a Better Auth app, by default: Better Auth's
 * own verification storage. That is the app's `secondaryStorage` when it has
 * one (Redis and the like), else its database (through whichever adapter it
 * uses), so every instance of the app shares it already, with nothing to set up.
 */
import type { AuthContext } from "better-auth"
import type { TraktStore } from "../core/store.js"

/**
 * A {@link TraktStore} over Better Auth's verification values. A value is
 * written by deleting the key's rows and adding one, and read back as the
 * newest row, ignored once expired (Better Auth sweeps those itself).
 *
 * When the verifications live in the database, it also claims keys atomically
 * (`setItemIfAbsent`, with Better Auth's own reservation: a row whose id derives
 * from the key, so the database's primary key lets one writer win), and the
 * engine's lock is then exact; in `secondaryStorage` it is the timed one.
 *
 * `context` is read on each call: Better Auth makes its internal adapter after
 * every plugin's `init` has run.
 */
export function verificationStore(context: () => AuthContext): TraktStore {
  const read = async (key: string) => {
    const row = await context().internalAdapter.findVerificationValue(key)
    return row && new Date(row.expiresAt).getTime() > Date.now() ? row : null
  }
  const removeItem = (key: string) => context().internalAdapter.deleteVerificationByIdentifier(key)

  /** Claims `key` unless a live value holds it. */
  async function setItemIfAbsent(key: string, value: string, { ttl }: { ttl: number }): Promise<boolean> {
    const { internalAdapter, adapter } = context()
    const claim = { identifier: key, value, expiresAt: new Date(Date.now() + ttl * 1000) }
    if (await internalAdapter.reserveVerificationValue(claim)) return true
    // A reservation outlives its expiry until it is deleted: an expired one is
    // absent. Deleted only if it is still the one read, so that of two
    // instances that saw it expire, one claims the key and the other sees its claim.
    const row = await internalAdapter.findVerificationValue(key)
    if (!row || new Date(row.expiresAt).getTime() > Date.now()) return false
    await adapter.deleteMany({
      model: "verification",
      where: [
        { field: "id", value: row.id },
        { field: "value", value: row.value },
      ],
    })
    return internalAdapter.reserveVerificationValue(claim)
  }

  return {
    getItem: async (key) => (await read(key))?.value ?? null,
    async setItem(key, value, { ttl }) {
      await removeItem(key)
      await context().internalAdapter.createVerificationValue({ identifier: key, value, expiresAt: new Date(Date.now() + ttl * 1000) })
    },
    // Reservations need the verifications in the database (Better Auth refuses them in secondaryStorage alone).
    get setItemIfAbsent() {
      const { options } = context()
      return !options.secondaryStorage || options.verification?.storeInDatabase ? setItemIfAbsent : undefined
    },
    get removeItem() {
      return this.setItemIfAbsent && removeItem
    },
  }
}
