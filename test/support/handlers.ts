/**
 * The Trakt stand-in every unit test talks to: the package's own
 * `authjs-trakt/testing` (src/testing.ts), put behind the exact URLs Trakt
 * serves per environment by `authjs-trakt/testing/msw` (src/testing-msw.ts). A
 * request to any other URL (the API host for OAuth, say) is unhandled, and
 * unhandled requests fail the test (see setup.ts). setup.ts calls
 * `trakt.reset()` before each test: every test starts with no tokens, no
 * requests, and the clients and user below.
 *
 * It replaced the repository's own copy, `fake-trakt/` (gone). What replaced what:
 * - `new FakeTrakt(clients)`, `newFakeTrakt()` → {@link newStandIn} (or `createTraktStandIn`)
 * - `resetTrakt()` → `trakt.reset()` (`resetTrakt()` is kept, and does just that)
 * - `trakt.requests()` → `trakt.requests()`; `trakt.requests(path)` is unchanged
 * - secrets in the requests are masked: `body.client_secret` is `trakt.masked(CLIENT_SECRET)`,
 *   `body.refresh_token` is `trakt.masked(token)`, `authorization` is `Bearer ${trakt.masked(token)}`
 * - `trakt.settings().user = …` → `trakt.settings().user = …`; `trakt.settings = body` → {@link replaceSettings}
 * - `trakt.issueTokens(CLIENT_ID, lifetime)` → `trakt.issueTokens({ client: CLIENT_ID, expiresIn: lifetime })`
 * - `trakt.clients.get(id)` → `trakt.client(id)`
 * - `CLOUDFLARE_PAGE` → `CLOUDFLARE_BLOCK_PAGE`; `settingsFixture` → {@link settingsFixture} (here)
 * - `serveFakeTrakt(new FakeTrakt(…))` → `await startTraktStandIn({ … })` (its `url`, `stop()`)
 * - stricter than fake-trakt was: a refresh kills the old access token too, codes
 *   expire after 10 minutes, and Trakt's rate limits are on (500 GETs per 5
 *   minutes, 1 write per second, per user)
 */
import { createTraktStandIn, defaultStandInUser, sampleWatchlist, type TraktStandIn, type TraktStandInSettings } from "../../src/testing.js"
import { traktHandlers } from "../../src/testing-msw.js"
import { BETTER_AUTH_CALLBACK_URL, CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, environments, PKCE_CLIENT_ID } from "./constants.js"

export * from "./constants.js"
export { CLOUDFLARE_BLOCK_PAGE } from "../../src/testing.js"

/**
 * A realistic `/users/settings` body (the stand-in's default user, synthetic
 * values in Trakt's documented shape) with an avatar on Trakt's image host.
 */
export const settingsFixture: TraktStandInSettings & { user: { images: { avatar: { full: string } } } } = {
  ...defaultStandInUser(),
  user: {
    ...defaultStandInUser().user,
    images: { avatar: { full: "https://walter.trakt.tv/images/users/000/000/002/avatars/large/fb9a01d0a3.jpg" } },
  },
}

/** A second Trakt user, for tests of two users (`trakt.signInAs("ann")`). */
export const annFixture: TraktStandInSettings = {
  user: {
    ...structuredClone(settingsFixture.user),
    username: "ann",
    name: "Ann",
    ids: { slug: "ann", trakt: 3, uuid: "a0a0a0a0b1b1c2c2d3d3e4e4e4e4e4e4" },
  },
}

/**
 * A stand-in with one confidential and one PKCE-only app, showing the consent
 * page, whose user is {@link settingsFixture} (with the sample watchlist), and
 * {@link annFixture} besides.
 */
export function newStandIn(): TraktStandIn {
  return createTraktStandIn({
    clients: [
      { id: CLIENT_ID, secret: CLIENT_SECRET, name: "Test App", redirectUris: [CALLBACK_URL, BETTER_AUTH_CALLBACK_URL] },
      { id: PKCE_CLIENT_ID, name: "PKCE App", redirectUris: [CALLBACK_URL, BETTER_AUTH_CALLBACK_URL] },
    ],
    users: [{ ...structuredClone(settingsFixture), watchlist: sampleWatchlist() }, structuredClone(annFixture)],
    approve: "page",
  })
}

/** The stand-in behind every environment's URLs; reset before each test. */
export const trakt = newStandIn()

/** Back to a fresh stand-in (setup.ts does it before each test). */
export function resetTrakt(): TraktStandIn {
  trakt.reset()
  return trakt
}

/**
 * Makes the signed-in user's `/users/settings` answer exactly `body` (which
 * need not be what Trakt sends, only have `user.ids`: the stand-in keeps
 * finding the user by the slug they signed in with).
 */
export function replaceSettings(body: Record<string, unknown>): void {
  const entry = trakt.settings() as Record<string, unknown>
  for (const key of Object.keys(entry)) delete entry[key]
  Object.assign(entry, structuredClone(body))
}

export const handlers = [
  ...traktHandlers(trakt),
  ...traktHandlers(trakt, { baseUrl: environments.staging.api }),
  ...traktHandlers(trakt, { baseUrl: environments.loopback.api }),
]
