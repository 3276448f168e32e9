import type { Forecast } from './arima.js'
import { InvalidPeriodError, InvalidThresholdError, LengthMismatchError } from './errors.js'
import { checkFinite, checkLength } from './series.js'

export interface ThresholdInit {
  /** `above`: alert when the series rises to the threshold (memory pressure); `below`: when it falls to it. */
  direction?: 'above' | 'below'
  /** Time of the last observation, the forecast's origin (default 0, so results are offsets). */
  origin?: number
  /** Time per forecast step (default 1). */
  step?: number
  /** Last observed value: the paths start there, so a crossing within the first step is interpolated. */
  current?: number
}

/**
 * When a forecast crosses a threshold. Times are `origin + steps × step`, linearly interpolated
 * between forecast steps.
 * - `earliest`: the interval's pessimistic bound crosses (upper bound for `above`);
 * - `likely`: the mean path crosses;
 * - `latest`: the optimistic bound crosses, by then the crossing is all but certain.
 */
export type ThresholdCrossing =
  | { kind: 'already-crossed'; value: number }
  | { kind: 'crossing'; earliest: number; likely: number; latest: number | 'beyond-horizon' }
  /** Only the pessimistic bound crosses: the mean stays on the safe side within the horizon. */
  | { kind: 'possible'; earliest: number; horizonEnd: number }
  | { kind: 'none-within-horizon'; horizonEnd: number }

/** Fractional step (1-based, 0 = origin) where the path first reaches the threshold, or undefined. */
function firstCrossing(path: readonly number[], threshold: number, above: boolean, start?: number): number | undefined {
  const reached = (v: number) => (above ? v >= threshold : v <= threshold)
  for (let h = 0; h < path.length; h++) {
    const v = path[h]!
    if (!reached(v)) continue
    const prev = h === 0 ? start : path[h - 1]
    if (prev === undefined) return h + 1
    // Linear interpolation between the previous step (or the current value) and this one.
    return h + (threshold - prev) / (v - prev)
  }
  return undefined
}

/**
 * Time to threshold from a forecast and its interval, e.g. "memory pressure crosses 90 % in 47
 * minutes (between 31 and 70)".
 */
export function timeToThreshold(forecast: Forecast, threshold: number, init: ThresholdInit = {}): ThresholdCrossing {
  if (!Number.isFinite(threshold)) throw new InvalidThresholdError()
  const { mean, lower, upper } = forecast
  if (lower.length !== mean.length || upper.length !== mean.length) {
    throw new LengthMismatchError('forecast mean and bounds differ in length')
  }
  checkLength(mean, 1, 'forecast')
  for (const path of [mean, lower, upper]) checkFinite(path, 'forecast value')
  const origin = init.origin ?? 0
  const step = init.step ?? 1
  if (!Number.isFinite(step) || step <= 0) throw new InvalidPeriodError('step must be positive')
  if (!Number.isFinite(origin)) throw new InvalidThresholdError('origin must be finite')
  const above = (init.direction ?? 'above') === 'above'
  const current = init.current
  if (current !== undefined) {
    checkFinite([current], 'current value')
    if (above ? current >= threshold : current <= threshold) return { kind: 'already-crossed', value: current }
  }
  const at = (steps: number) => origin + steps * step
  const horizonEnd = at(mean.length)
  const pessimistic = firstCrossing(above ? upper : lower, threshold, above, current)
  const likely = firstCrossing(mean, threshold, above, current)
  const optimistic = firstCrossing(above ? lower : upper, threshold, above, current)
  if (likely !== undefined) {
    return {
      kind: 'crossing',
      // The bounds can cross the mean where the interval has zero width; never report earliest after likely.
      earliest: at(Math.min(pessimistic ?? likely, likely)),
      likely: at(likely),
      latest: optimistic === undefined ? 'beyond-horizon' : at(Math.max(optimistic, likely)),
    }
  }
  if (pessimistic !== undefined) return { kind: 'possible', earliest: at(pessimistic), horizonEnd }
  return { kind: 'none-within-horizon', horizonEnd }
}
