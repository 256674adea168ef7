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

/** Where a user signed in. */
export interface SignInRecord {
  redirect_uri: string
  token_endpoint: string
}

const STATE = Symbol.for("authjs-trakt.sign-ins.v1")
const KEEP_MS = 60_000
const LIMIT = 1_000

function records(): Map<string, SignInRecord & { until: number }> {
  const global = globalThis as { [STATE]?: Map<string, SignInRecord & { until: number }> }
  return (global[STATE] ??= new Map())
}

/** Called by a provider right after Trakt issued `accessToken`. */
export function leaveSignIn(accessToken: string, record: SignInRecord): void {
  const all = records()
  for (const [token, { until }] of all) if (until < Date.now() || all.size >= LIMIT) all.delete(token)
  all.set(accessToken, { ...record, until: Date.now() + KEEP_MS })
}

/** Takes the record a sign-in left for `accessToken`, if any. */
export function takeSignIn(accessToken: string | undefined): SignInRecord | undefined {
  const all = records()
  const record = accessToken ? all.get(accessToken) : undefined
  if (!record) return undefined
  all.delete(accessToken!)
  const { redirect_uri, token_endpoint } = record
  return { redirect_uri, token_endpoint }
}
