/**
 * `npm run bench`: runs the benchmarks, prints their lines as each finishes,
 * and writes them to bench/README.md with the date, Node version and machine
 * of this run, so that no figure in the docs outlives the run it came from.
 *
 * `tsx --tsconfig tsconfig.run.json bench/report.ts signin session` runs only
 * those (the README then says which were not run).
 */
import { writeFileSync } from "node:fs"
import { cpus, loadavg, totalmem } from "node:os"
import { avatarBench } from "./avatar.js"
import { betterAuthBench } from "./better-auth.js"
import { clientBench } from "./client.js"
import { instancesBench } from "./instances.js"
import { sessionBench } from "./session.js"
import { signinBench } from "./signin.js"

const benches = {
  signin: signinBench,
  "better-auth": betterAuthBench,
  session: sessionBench,
  client: clientBench,
  avatar: avatarBench,
  instances: instancesBench,
}
type Name = keyof typeof benches
const names = Object.keys(benches) as Name[]

const asked = process.argv.slice(2)
for (const name of asked) if (!names.includes(name as Name)) throw new Error(`no benchmark "${name}": ${names.join(", ")}`)
const selected = asked.length ? names.filter((name) => asked.includes(name)) : names

const started = new Date()
// Before the benchmarks add load of their own, and after: other work on the machine shows in both.
const loadNow = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")
const loadBefore = loadNow()
const lines: string[] = []
for (const name of selected) {
  const result = await benches[name]()
  for (const line of result) console.log(line)
  lines.push(...result)
}
for (const name of names.filter((name) => !selected.includes(name))) lines.push(`(${name}: not run this time)`)

const cpu = cpus()
const machine = `${cpu[0]?.model.trim() ?? "unknown CPU"} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`
const loadAfter = loadNow()

writeFileSync(
  new URL("README.md", import.meta.url),
  `# What authjs-trakt costs

<!-- Written by \`npm run bench\` (bench/report.ts) from its own run: edit bench/report.ts, not this file. -->

The figures below are one run of \`npm run bench\`, with what it ran on. Run it again on your
machine: the ratios and counts carry over, the milliseconds do not.

- **Run:** ${started.toISOString().replace(/\.\d+Z$/, "Z")}, Node ${process.version} (${process.platform} ${process.arch})
- **Machine:** ${machine}, load average ${loadBefore} when the run started, ${loadAfter} when it ended${asked.length ? `\n- **Ran:** ${selected.join(", ")} only` : ""}

\`\`\`
${lines.join("\n")}
\`\`\`

## What is measured

- **Sign-in** ([\`signin.ts\`](signin.ts)): complete sign-ins through \`Auth()\` (csrf, sign-in
  POST, Trakt's consent, callback, session) against one in-process Trakt stand-in, in
  interleaved rounds so that machine noise hits every contender alike. This provider runs
  against \`@auth/core/providers/trakt\` twice: with the same checks (PKCE and state), which
  compares the providers' own work (validation, JSON bodies, timeouts, typed errors, profile
  normalisation), and as the built-in one ships (PKCE only): the difference is Auth.js
  encrypting and verifying the \`state\` cookie, which this provider turns on because the
  built-in one leaves CSRF protection to PKCE alone. Both make the floor of 2 requests to
  Trakt per sign-in: one token exchange, one profile.
- **What an app bundles**: each entry minified and gzipped with \`@auth/core\` left out, and
  what an app that imports only the provider bundles once tree-shaken. Most of the rest is
  the refresh machinery (the lock, spent-token chains, sealing records). The budgets are
  asserted by \`test/project/size.test.ts\`.
- **Better Auth** ([\`better-auth.ts\`](better-auth.ts)): complete sign-ins through Better
  Auth's \`auth.handler\` (the sign-in POST, Trakt's consent, the callback, the session) on its
  memory adapter, with this package's \`trakt()\` plugin and with Better Auth's own
  \`genericOAuth\` set up for Trakt as an app would have to (a \`getToken\` sending the JSON code
  exchange, a \`getUserInfo\` reading \`/users/settings\` with Trakt's headers, a placeholder
  e-mail from \`mapProfileToUser\`): both make the same 2 Trakt requests, so the ratio is what
  the plugin adds (its checks and typed errors, and what Better Auth does for the parts it
  registers: the avatar column and route, the hooks). The Auth.js provider's sign-in runs in
  the same rounds, for scale only (no database there: its session is a JWT cookie). Then K
  concurrent \`auth.api.getAccessToken\` calls meeting one expired token in one process: the
  time until all of them hold a live token, and the Trakt refreshes made, which must stay 1
  per expiry whatever K. With the default store (Better Auth's verification rows) a refresh
  first claims the lock with one reservation of a row; with \`store: "memory"\` it claims none.
  (On the memory adapter every reservation wins: the figures say what the calls cost, the
  PostgreSQL suite says that one claim wins.) \`genericOAuth\` refreshes with the form body
  Trakt refuses: its calls are counted as failures, not timed.
- **A session request with a valid token** ([\`session.ts\`](session.ts)) through \`traktJwt\`,
  against a plain \`jwt\` callback: no store I/O and no Trakt call may happen on that path
  (the bench's store and \`fetch\` throw if touched).
- **The API client** ([\`client.ts\`](client.ts)): \`createTraktClient\`'s \`get\` against a
  hand-written \`fetch\` with the same headers, bare and with the timeout the client has, on an
  in-process API stand-in (a call there costs some 20 µs, so the client's own work, its URL
  check, limits, timeout and JSON reading, shows; against Trakt's network round trip it is
  noise); \`paginate\` over 1,000 items (Trakt calls made = pages); and a burst of writes with one
  token at the stand-in's 1 per second (429s seen: 0, the client paces them).
- **A cached avatar** ([\`avatar.ts\`](avatar.ts)): \`traktAvatar\` answering an avatar it holds
  (the host check, the cache, the headers), against a static \`Response\` of the same bytes, each
  read to its end; and the memory the default cache holds once full (twice its 50 MiB of
  avatars fetched: heap and buffers after a full GC, before and after).
- **A refresh across instances** ([\`instances.ts\`](instances.ts)): 1, 2 and 4 Node processes of
  one app, each expiry met by concurrent requests spread over them, with a token store on a
  real Redis (unstorage's, with \`getItem\`/\`setItem\` only, so the lock is settled by waiting;
  and a few lines of ioredis adding the atomic \`setItemIfAbsent\`) and without one; with Trakt
  healthy, and with Trakt answering the first refresh of each expiry with a 503. With a store,
  one Trakt refresh per expiry (after the failed one) and nobody signed out; the requests that
  meet the expired token wait for it (Redis round trips, polling, and with get/set the lock's
  settle time; after a 503, the hand-over to the next instance). Without a store, several
  instances each spend the token and sign users out: the \`no store\` rows count them. Needs
  \`redis-server\`.
`,
)
console.log("bench/README.md written")
