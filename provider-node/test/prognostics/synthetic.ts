/** Seeded synthetic series for the prognostics tests: known periods, known ramps. */
import type { TimedSample } from '../../src/prognostics/index.js'

export const T0 = 1_800_000_000

/** Standard normal draws (Box-Muller over mulberry32): the same noise every run. */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return (((x ^ (x >>> 14)) >>> 0) + 1) / 4294967297
  }
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
}

/** `n` samples `step` seconds apart from T0: `f(seconds since T0)` plus noise of sd `noise`. */
export function series(n: number, step: number, f: (t: number) => number, noise: number, seed = 1): TimedSample[] {
  const z = gaussian(seed)
  return Array.from({ length: n }, (_, i) => ({ t: T0 + i * step, v: f(i * step) + noise * z() }))
}
