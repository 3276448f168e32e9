import {
  InvalidPeriodError,
  LengthMismatchError,
  NonFiniteValueError,
  NonIncreasingTimestampsError,
  TooShortSeriesError,
} from './errors.js'

/** Samples taken at arbitrary (strictly increasing) times, possibly with gaps. */
export interface TimedSeries {
  times: readonly number[]
  values: readonly number[]
}

/** Samples on a regular grid: `values[i]` was taken at `start + i * step`. */
export interface RegularSeries {
  start: number
  step: number
  values: number[]
  /** How many grid points were filled by interpolation rather than observed. */
  interpolated: number
}

export function checkFinite(values: readonly number[], what = 'value'): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new NonFiniteValueError(`${what} at index ${i} is ${values[i]}`)
  }
}

export function checkLength(values: readonly number[], min: number, what = 'series'): void {
  if (values.length < min) throw new TooShortSeriesError(`${what} has ${values.length} points, needs at least ${min}`)
}

export function checkTimed(series: TimedSeries): void {
  if (series.times.length !== series.values.length) {
    throw new LengthMismatchError(`${series.times.length} timestamps for ${series.values.length} values`)
  }
  checkFinite(series.times, 'timestamp')
  checkFinite(series.values)
  for (let i = 1; i < series.times.length; i++) {
    if (series.times[i]! <= series.times[i - 1]!) {
      throw new NonIncreasingTimestampsError(`timestamp ${i} (${series.times[i]}) is not after ${series.times[i - 1]}`)
    }
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function mean(values: readonly number[]): number {
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}

export function variance(values: readonly number[]): number {
  const m = mean(values)
  let sum = 0
  for (const v of values) sum += (v - m) ** 2
  return sum / values.length
}

/**
 * Puts uneven samples onto a regular grid `t0, t0 + step, …` up to the last sample.
 * Each grid point takes the straight line between the two observed samples around it (linear
 * interpolation), so a gap becomes a ramp between its edges: it adds no rhythm of its own, and a
 * period survives as long as gaps are short against it. `step` defaults to the median spacing,
 * which ignores the gaps themselves.
 */
export function resample(series: TimedSeries, step?: number): RegularSeries {
  checkTimed(series)
  checkLength(series.values, 2)
  const { times, values } = series
  const spacing = step ?? median(times.slice(1).map((t, i) => t - times[i]!))
  if (!Number.isFinite(spacing) || spacing <= 0) throw new InvalidPeriodError('grid step must be positive')
  const start = times[0]!
  const count = Math.floor((times[times.length - 1]! - start) / spacing + 1e-9) + 1
  const out: number[] = new Array(count)
  let interpolated = 0
  let j = 0
  for (let i = 0; i < count; i++) {
    const t = start + i * spacing
    while (j < times.length - 2 && times[j + 1]! < t) j++
    const t0 = times[j]!
    const t1 = times[j + 1]!
    const exact = Math.abs(t - t0) < 1e-9 * spacing ? j : Math.abs(t - t1) < 1e-9 * spacing ? j + 1 : -1
    if (exact >= 0) {
      out[i] = values[exact]!
    } else {
      const w = (t - t0) / (t1 - t0)
      out[i] = values[j]! * (1 - w) + values[j + 1]! * w
      interpolated++
    }
  }
  return { start, step: spacing, values: out, interpolated }
}
