/** A token store that counts its calls by method: one call is one round trip on postgresTokenStore. */
import type { TraktStore } from "../../src/index.js"

export type StoreCalls = Record<"getItem" | "setItem" | "setItemIfAbsent" | "removeItem", number>

export function countingStore(store: Required<TraktStore>) {
  const calls: StoreCalls = { getItem: 0, setItem: 0, setItemIfAbsent: 0, removeItem: 0 }
  const counted: Required<TraktStore> = {
    getItem: (key) => (calls.getItem++, store.getItem(key)),
    setItem: (key, value, options) => (calls.setItem++, store.setItem(key, value, options)),
    setItemIfAbsent: (key, value, options) => (calls.setItemIfAbsent++, store.setItemIfAbsent(key, value, options)),
    removeItem: (key) => (calls.removeItem++, store.removeItem(key)),
  }
  return { calls, store: counted }
}
