/** What the benchmarks share: interleaved tinybench rounds, and the statistics they report. */
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Bench } from "tinybench"

/**
 * Runs `task` for each contender, `iterations` times a round, `rounds` times,
 * alternating which goes first so that neither always runs on a warmer (or
 * noisier) machine. Returns every sample, in ms, per contender.
 */
export async function interleaved<Name extends string>(
  names: Name[],
  { rounds, iterations }: { rounds: number; iterations: number },
  task: (name: Name) => Promise<void>,
): Promise<Record<Name, number[]>> {
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ iterations, time: 0, warmup: round === 0, retainSamples: true, throws: true })
    // An `async` function: tinybench awaits only those, and would overlap runs otherwise.
    for (const name of round % 2 ? [...names].reverse() : names) bench.add(name, async () => await task(name))
    await bench.run()
    for (const result of bench.tasks) {
      const latency = result.result.state === "completed" ? result.result.latency : undefined
      if (!latency?.samples) throw new Error(`${result.name}: ${result.result.state}`)
      samples[result.name as Name].push(...latency.samples)
    }
  }
  return samples
}

/** The value below which `p` percent of `values` lie (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

export const median = (values: number[]) => percentile(values, 50)

/** Pads a label column. */
export const pad = (text: string) => text.padEnd(34)

/** Prints `bench`'s lines when `module` is the script node was started with (`tsx bench/signin.ts`). */
export async function runAlone(module: string, bench: () => Promise<string[]>): Promise<void> {
  if (process.argv[1] && module === pathToFileURL(resolve(process.argv[1])).href) {
    for (const line of await bench()) console.log(line)
  }
}
