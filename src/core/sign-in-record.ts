/**
 * What a sign-in leaves for `traktJwt`: where its tokens came from (the token
 * endpoint: production, staging, a stand-in) and the callback URL Trakt
 * accepted, both of which later refreshes need.
 *
 * The provider's code exchange and the `jwt` callback run in the same request,
 * in the same process, but Auth.js hands the callback no more than the token
 * set, and an adapter would store any field added to it (Prisma rejects
 * unknown ones). So the provider leaves the record here, keyed by the access
 * token it got, in state every copy of this package in the process shares,
 * and `traktJwt` takes it at sign-in. Records nobody takes (database
 * sessions have no `jwt` callback) expire after a minute.
 */
import { BoundedCache, processState } from "./util/memory.js"

/** Where a user signed in. */
export interface SignInRecord {
  redirect_uri: string
  token_endpoint: string
}

const records = () => processState("sign-ins.v2", () => new BoundedCache<SignInRecord>(1_000))

/** Called by a provider right after Trakt issued `accessToken`. */
export function leaveSignIn(accessToken: string, record: SignInRecord): void {
  records().set(accessToken, record, 60)
}

/** Takes the record a sign-in left for `accessToken`, if any. */
export function takeSignIn(accessToken: string | undefined): SignInRecord | undefined {
  if (!accessToken) return undefined
  const record = records().get(accessToken)
  records().delete(accessToken)
  return record
}
