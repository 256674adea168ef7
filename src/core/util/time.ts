/** Waits `ms` milliseconds (none for a negative number). */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
