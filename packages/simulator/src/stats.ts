import { createStream } from './rng.js'

/** Small statistics for the report: paired differences with a bootstrap interval and a sign test. */

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

export const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length

export const median = (xs: readonly number[]): number =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  )

/** Two-sided exact sign test: P(a split at least this uneven) under "either is better with p = ½". Ties dropped. */
export function signTest(wins: number, losses: number): number {
  const n = wins + losses
  if (n === 0) return 1
  const k = Math.min(wins, losses)
  // log-space binomial to stay finite for n in the hundreds
  let logC = 0
  let tail = 0
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i)
    tail += Math.exp(logC - n * Math.LN2)
  }
  return Math.min(1, 2 * tail)
}

/** Percentile bootstrap interval of the mean (seeded, so the report is reproducible). */
export function bootstrapMeanInterval(xs: readonly number[], level = 0.95, reps = 2000, seed = 1): [number, number] {
  if (xs.length === 0) return [Number.NaN, Number.NaN]
  const rng = createStream(seed, 'bootstrap')
  const means = new Float64Array(reps)
  for (let r = 0; r < reps; r++) {
    let s = 0
    for (let i = 0; i < xs.length; i++) s += xs[rng.int(xs.length)]!
    means[r] = s / xs.length
  }
  means.sort()
  const a = (1 - level) / 2
  return [quantile(Array.from(means), a), quantile(Array.from(means), 1 - a)]
}

export interface PairedSummary {
  n: number
  /** scenarios where the first is strictly better (lower) */
  wins: number
  losses: number
  ties: number
  meanDiff: number
  medianDiff: number
  interval: [number, number]
  signTestP: number
  /** mean of the relative differences (b − a) / b */
  meanRelative: number
}

/**
 * Compares a against b per scenario, where lower is better; differences are b − a, so a
 * positive difference means a saved that much. Equal within `tolerance` counts as a tie.
 */
export function paired(a: readonly number[], b: readonly number[], tolerance = 1e-6): PairedSummary {
  const diffs = a.map((x, i) => b[i]! - x)
  let wins = 0
  let losses = 0
  for (const d of diffs) {
    if (d > tolerance) wins++
    else if (d < -tolerance) losses++
  }
  const rel = a.map((x, i) => (b[i]! === 0 ? 0 : (b[i]! - x) / b[i]!))
  return {
    n: diffs.length,
    wins,
    losses,
    ties: diffs.length - wins - losses,
    meanDiff: mean(diffs),
    medianDiff: median(diffs),
    interval: bootstrapMeanInterval(diffs),
    signTestP: signTest(wins, losses),
    meanRelative: mean(rel),
  }
}
