/**
 * The @auth/core the tests drive. By default the app's own copy; with
 * `AUTH_CORE=copy` (the "second @auth/core copy" project in vitest.config.ts) a
 * second, separate copy installed as `@auth/core-copy`: what an app has when a
 * bundler inlines @auth/core (SvelteKit's adapter-node) or two framework
 * packages pin two versions. Its `customFetch` is a different symbol, and
 * `Auth()`, `setEnvDefaults` and the symbol the app passes all come from it,
 * while the package under test is left to load whatever it loads.
 */
import * as own from "@auth/core"
import * as copy from "@auth/core-copy"

export const core: typeof own = process.env.AUTH_CORE === "copy" ? (copy as typeof own) : own
export const { Auth, customFetch, setEnvDefaults } = core
