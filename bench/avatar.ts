/**
 * What the avatar route costs: a cached avatar answered by `traktAvatar`
 * against a static `Response` of the same bytes (interleaved tinybench
 * rounds, ratio of medians), and the memory the default cache holds once full.
 * Returns its lines (bench/report.ts writes them to bench/README.md;
 * `tsx bench/avatar.ts` prints them alone).
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { traktAvatar } from "authjs-trakt"
import { interleaved, median, pad, runAlone } from "./rounds.js"
import { avatarOnlySize } from "./size.js"

const ROUNDS = 6
const REQUESTS_PER_ROUND = 2000
const AVATAR = "https://walter.trakt.tv/images/users/000/000/002/avatars/large/fb9a01d0a3.jpg"
const MiB = 2 ** 20

export async function avatarBench(): Promise<string[]> {
  // First, on a quiet heap.
  const memory = await fullCache()
  const bytes = new Uint8Array(24 * 1024).map((_, i) => i % 251)
  let fetched = 0
  const fetch = async () => (fetched++, new Response(bytes, { headers: { "content-type": "image/jpeg" } }))
  const onError = (error: Error) => {
    throw error
  }
  const first = await traktAvatar(AVATAR, { fetch, onError })
  const headers = Object.fromEntries(first.headers)

  // The route's incoming request exists either way: made once, outside the measurement.
  const request = new Request("http://localhost/api/avatar")
  const contenders = {
    "traktAvatar, cached": async () => traktAvatar(AVATAR, { fetch, onError, request }),
    "static Response": async () => new Response(bytes, { headers }),
  }
  type Name = keyof typeof contenders
  const names = Object.keys(contenders) as Name[]
  const samples = await interleaved(names, { rounds: ROUNDS, iterations: REQUESTS_PER_ROUND }, async (name) => {
    const response = await contenders[name]()
    if ((await response.arrayBuffer()).byteLength !== bytes.length) throw new Error(`${name}: not the avatar's bytes`)
  })
  if (fetched !== 1) throw new Error(`the cached avatar was fetched ${fetched} times`)

  const lines = [`A cached ${bytes.length / 1024} KiB avatar, answered and read, ${ROUNDS} interleaved rounds:`]
  for (const name of names)
    lines.push(`  ${pad(name)} median ${(median(samples[name]) * 1000).toFixed(1)} µs over ${samples[name].length} requests`)
  lines.push(`  ${pad("ratio")} ${(median(samples["traktAvatar, cached"]) / median(samples["static Response"])).toFixed(2)}`)

  lines.push(...memory)
  lines.push(`What an app that imports only traktAvatar bundles: ${await avatarOnlySize()} B minified + gzipped`)
  return lines
}

/** Fills the default cache (1,000 avatars, 50 MiB) twice over with 52 KiB avatars, and measures what stays held. */
async function fullCache(): Promise<string[]> {
  setFlagsFromString("--expose-gc")
  const gc = runInNewContext("gc") as () => void
  const held = () => {
    gc()
    const { heapUsed, arrayBuffers } = process.memoryUsage()
    return heapUsed + arrayBuffers
  }
  const size = 52 * 1024
  const fetch = async () => new Response(new Uint8Array(size), { headers: { "content-type": "image/png" } })
  const before = held()
  const count = Math.ceil((2 * 50 * MiB) / size)
  for (let i = 0; i < count; i++) await traktAvatar(`https://walter.trakt.tv/images/full/${i}.png`, { fetch })
  const delta = held() - before
  return [
    `The default cache, full (${count} distinct ${size / 1024} KiB avatars fetched, ${((count * size) / MiB).toFixed(0)} MiB in all):`,
    `  ${pad("memory held (heap + buffers)")} ${(delta / MiB).toFixed(1)} MiB (bound: 50 MiB of avatars, 1,000 entries)`,
  ]
}

await runAlone(import.meta.url, avatarBench)
