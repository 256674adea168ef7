/** Reading the environment, where there is one. */

/**
 * An environment variable, or `undefined` when it is unset or empty. Edge
 * runtimes have no `process`: there every default that reads one is unset.
 */
export const readEnv = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] || undefined
