/** Validating what apps pass in: one error shape for every option of every entry. */

/**
 * A `TypeError` naming the option, with a Node-style code, as oauth4webapi
 * throws for bad arguments. Messages never repeat the value, which may carry
 * credentials.
 */
export function invalidOption(option: string, requirement: string, cause?: unknown): TypeError {
  const error = new TypeError(`Trakt: "${option}" ${requirement}`, { cause })
  return Object.assign(error, { code: "ERR_INVALID_ARG_VALUE" })
}
