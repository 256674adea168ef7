/**
 * Auth.js's `[customFetch]` option, without importing `@auth/core`.
 *
 * @auth/core 0.41 keys it by `Symbol("custom-fetch")`, not `Symbol.for(...)`, so
 * every copy of @auth/core has a symbol of its own. Apps end up with two copies
 * more often than not: SvelteKit's adapter-node inlines @auth/core into the
 * server build while this package, left external, would load
 * `node_modules/@auth/core`; two framework packages may pin two versions; pnpm
 * and bundlers split them. A provider keyed by the wrong copy's symbol is
 * invisible to the running `Auth()`, which then sends Trakt the form-encoded
 * token request Trakt refuses ("client_id is required").
 *
 * So this package never imports the symbol. It recognises any symbol described
 * `"custom-fetch"`, and answers for it through the provider's `options`, which
 * Auth.js reads when the provider itself has none
 * (`normalized[customFetch] ??= userOptions?.[customFetch]`, lib/utils/providers.js).
 * The same route serves a single copy, so there is one code path.
 */

/** Whether `key` is some copy's `customFetch` symbol. */
export const isCustomFetchKey = (key: PropertyKey): key is symbol => typeof key === "symbol" && key.description === "custom-fetch"

/** The app's own `[customFetch]` in `options`, whichever copy's symbol it was given with. */
export function findCustomFetch(options: object): typeof fetch | undefined {
  const key = Object.getOwnPropertySymbols(options).find(isCustomFetchKey)
  return key && (options as Record<symbol, typeof fetch>)[key]
}

/**
 * `options`, answering a lookup of any copy's `customFetch` symbol with `fetch`
 * and every other property as it is.
 */
export function answeringCustomFetch<T extends object>(options: T, fetch: typeof globalThis.fetch): T {
  return new Proxy(options, {
    get: (target, key, receiver) => (isCustomFetchKey(key) ? fetch : Reflect.get(target, key, receiver)),
  })
}
