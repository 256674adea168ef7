/**
 * `npm run example <app>`: one of examples/ as a user runs it, in one command.
 * Packs this package, installs the app from its lockfile with the tarball,
 * builds it for production and starts it on PORT (3000 by default). Without
 * AUTH_TRAKT_ID it also starts the Trakt stand-in on loopback; with
 * AUTH_TRAKT_ID and AUTH_TRAKT_SECRET it talks to real Trakt.
 */
import { EXAMPLES, installAndBuild, isFree, startExample, type ExampleName } from "../e2e/apps.js"

const name = process.argv[2] as ExampleName
const port = Number(process.env.PORT || 3000)
if (!Object.hasOwn(EXAMPLES, name)) {
  console.error(`usage: npm run example <${Object.keys(EXAMPLES).join(" | ")}>`)
  process.exit(2)
}
if (!(await isFree(port))) {
  console.error(`port ${port} is in use: set PORT to a free one`)
  process.exit(1)
}

installAndBuild(name)
const app = await startExample(name, { port, onOutput: (text) => process.stdout.write(text) })
console.log(`\n${name}: ${app.url}`)
console.log(
  app.trakt
    ? "Signing in against a local Trakt stand-in (set AUTH_TRAKT_ID and AUTH_TRAKT_SECRET to use real Trakt)."
    : `Signing in with real Trakt: register ${app.url}${EXAMPLES[name].basePath}/callback/trakt with your Trakt app.`,
)
const stop = () => void app.stop().then(() => process.exit(0))
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
