import FFT from 'fft.js'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { mersenne } from 'pure-rand/generator/mersenne'
import {
  DEFAULT_HARMONIC_TOLERANCE,
  DEFAULT_MAX_PERIODS,
  DEFAULT_MIN_CONFIDENCE,
  DEFAULT_MIN_STRENGTH,
  DEFAULT_PERMUTATIONS,
  DEFAULT_SEED,
  MIN_PERIODICITY_SAMPLES,
  ZERO_PAD_FACTOR,
} from './constants.js'
import { InvalidLevelError, InvalidPeriodError } from './errors.js'
import { checkFinite, checkLength, type RegularSeries, resample, type TimedSeries } from './series.js'

export interface PeriodicityInit {
  /** Sampling step of a plain array of values (time units per sample); default 1. Ignored for timed series. */
  step?: number
  /** Grid step for a timed series; default the median spacing. */
  gridStep?: number
  /** Report at most this many periods, strongest first. */
  maxPeriods?: number
  /** Minimum confidence (1 − permutation p-value) to report a period. */
  minConfidence?: number
  /** Minimum share of spectral power to report a period. */
  minStrength?: number
  /** Shuffles behind the null distribution; more gives finer confidences. */
  permutations?: number
  /** Seed of the shuffles, so results are reproducible. */
  seed?: number
  /** Shortest period to consider, in time units (default two samples). */
  minPeriod?: number
  /** Longest period to consider, in time units (default half the series: two full cycles). */
  maxPeriod?: number
}

export interface DetectedPeriod {
  /** Period in time units (refined between FFT bins by parabolic interpolation of log power). */
  period: number
  /** Period in samples of the regular grid. */
  periodSamples: number
  /** Share of the detrended series' spectral power in this peak's main lobe, 0..1. */
  strength: number
  /**
   * 1 − p, where p is the share of shuffled copies of the series (plus one) whose strongest
   * main lobe at any frequency holds at least this peak's power: a max-statistic permutation
   * test, so it controls false periods across all frequencies at once.
   */
  confidence: number
  /** Set when this period is ≈ a stronger reported period divided by an integer ≥ 2. */
  harmonicOf?: number
}

export interface PeriodicityResult {
  periods: DetectedPeriod[]
  /** The grid the spectrum was taken on. */
  step: number
  samples: number
  /** Grid points filled by linear interpolation (gaps, uneven sampling). */
  interpolated: number
  /** FFT size after zero padding. */
  fftSize: number
}

const nextPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(n))

/** Least-squares line removed, so a trend does not leak into low frequencies. */
export function detrend(values: readonly number[]): number[] {
  const n = values.length
  const tMean = (n - 1) / 2
  let yMean = 0
  for (const v of values) yMean += v
  yMean /= n
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += (i - tMean) * (values[i]! - yMean)
    sxx += (i - tMean) ** 2
  }
  const slope = sxx > 0 ? sxy / sxx : 0
  return values.map((v, i) => v - yMean - slope * (i - tMean))
}

function hann(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 0.5 * (1 - Math.cos((2 * Math.PI * i) / (n - 1))))
}

/** Power |X_k|² for k = 0..N/2 of the windowed, zero-padded series. */
function powerSpectrum(fft: FFT, windowed: readonly number[], size: number): Float64Array {
  const input = new Array<number>(size).fill(0)
  for (let i = 0; i < windowed.length; i++) input[i] = windowed[i]!
  const out = fft.createComplexArray() as number[]
  fft.realTransform(out, input)
  const power = new Float64Array(size / 2 + 1)
  for (let k = 0; k <= size / 2; k++) power[k] = out[2 * k]! ** 2 + out[2 * k + 1]! ** 2
  return power
}

/** Power inside ±half bins around every bin, by prefix sums. */
function bandPower(power: Float64Array, half: number): Float64Array {
  const prefix = new Float64Array(power.length + 1)
  for (let k = 0; k < power.length; k++) prefix[k + 1] = prefix[k]! + power[k]!
  const band = new Float64Array(power.length)
  for (let k = 0; k < power.length; k++) {
    const lo = Math.max(1, k - half)
    const hi = Math.min(power.length - 1, k + half)
    band[k] = prefix[hi + 1]! - prefix[lo]!
  }
  return band
}

function toRegular(input: readonly number[] | TimedSeries, init: PeriodicityInit): RegularSeries {
  if (Array.isArray(input)) {
    const values = input as readonly number[]
    checkFinite(values)
    const step = init.step ?? 1
    if (!Number.isFinite(step) || step <= 0) throw new InvalidPeriodError('step must be positive')
    return { start: 0, step, values: [...values], interpolated: 0 }
  }
  return resample(input as TimedSeries, init.gridStep)
}

/**
 * Dominant periods of a series: the series is put on a regular grid (linear interpolation over
 * gaps), its least-squares line removed, a Hann window applied, zero-padded to four times the
 * next power of two, and its power spectrum searched for peaks. Each peak's strength is its share
 * of the power; its confidence comes from a permutation null (see {@link DetectedPeriod}).
 */
export function findPeriods(input: readonly number[] | TimedSeries, init: PeriodicityInit = {}): PeriodicityResult {
  const series = toRegular(input, init)
  const n = series.values.length
  checkLength(series.values, MIN_PERIODICITY_SAMPLES)
  const minConfidence = init.minConfidence ?? DEFAULT_MIN_CONFIDENCE
  if (!(minConfidence >= 0 && minConfidence < 1)) throw new InvalidLevelError('minConfidence must lie in [0, 1)')
  const size = nextPow2(n) * ZERO_PAD_FACTOR
  const fft = new FFT(size)
  const result: PeriodicityResult = {
    periods: [],
    step: series.step,
    samples: n,
    interpolated: series.interpolated,
    fftSize: size,
  }

  const residual = detrend(series.values)
  const window = hann(n)
  const spectrumOf = (xs: readonly number[]) =>
    powerSpectrum(
      fft,
      xs.map((x, i) => x * window[i]!),
      size,
    )
  const power = spectrumOf(residual)
  let total = 0
  for (let k = 1; k < power.length; k++) total += power[k]!
  if (!(total > 0)) return result

  // The Hann main lobe spans ±2 native bins; zero padding multiplies bins by size / n.
  const half = Math.max(1, Math.round((2 * size) / n))
  const minPeriodSamples = Math.max(2, (init.minPeriod ?? 2 * series.step) / series.step)
  const maxPeriodSamples = Math.min(n / 2, (init.maxPeriod ?? (n / 2) * series.step) / series.step)
  if (!(minPeriodSamples > 0) || !(maxPeriodSamples >= minPeriodSamples)) {
    throw new InvalidPeriodError('minPeriod must be positive and not above maxPeriod')
  }
  const kLo = Math.max(1, Math.ceil(size / maxPeriodSamples))
  const kHi = Math.min(power.length - 2, Math.floor(size / minPeriodSamples))
  const band = bandPower(power, half)

  const peaks: number[] = []
  for (let k = kLo; k <= kHi; k++) {
    if (power[k]! >= power[k - 1]! && power[k]! > power[k + 1]!) peaks.push(k)
  }
  peaks.sort((a, b) => band[b]! - band[a]!)
  const minStrength = init.minStrength ?? DEFAULT_MIN_STRENGTH
  const maxPeriods = init.maxPeriods ?? DEFAULT_MAX_PERIODS
  const chosen: number[] = []
  for (const k of peaks) {
    if (chosen.length >= maxPeriods || band[k]! / total < minStrength) break
    // A peak whose band overlaps a chosen main lobe is that lobe's shoulder or sidelobe, not a period.
    if (chosen.every((c) => Math.abs(c - k) > 2 * half)) chosen.push(k)
  }
  if (chosen.length === 0) return result

  const permutations = init.permutations ?? DEFAULT_PERMUTATIONS
  const nullMax = permutationMaxima(residual, spectrumOf, half, kLo, kHi, permutations, init.seed ?? DEFAULT_SEED)
  const periods: DetectedPeriod[] = []
  for (const k of chosen) {
    const exceed = nullMax.filter((m) => m >= band[k]!).length
    const confidence = 1 - (1 + exceed) / (permutations + 1)
    if (confidence < minConfidence) continue
    const periodSamples = size / (k + parabolicOffset(power, k))
    periods.push({ period: periodSamples * series.step, periodSamples, strength: band[k]! / total, confidence })
  }
  markHarmonics(periods)
  result.periods = periods
  return result
}

/** Sub-bin offset of a peak from the parabola through the log powers of it and its neighbours. */
function parabolicOffset(power: Float64Array, k: number): number {
  const a = Math.log(power[k - 1]! + Number.MIN_VALUE)
  const b = Math.log(power[k]! + Number.MIN_VALUE)
  const c = Math.log(power[k + 1]! + Number.MIN_VALUE)
  const denom = a - 2 * b + c
  return denom < 0 ? (0.5 * (a - c)) / denom : 0
}

/** Strongest main-lobe power in the searched band for each shuffled copy of the series. */
function permutationMaxima(
  residual: readonly number[],
  spectrumOf: (xs: readonly number[]) => Float64Array,
  half: number,
  kLo: number,
  kHi: number,
  permutations: number,
  seed: number,
): number[] {
  const rng = mersenne(seed)
  const shuffled = [...residual]
  const maxima: number[] = []
  for (let b = 0; b < permutations; b++) {
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = uniformInt(rng, 0, i)
      const tmp = shuffled[i]!
      shuffled[i] = shuffled[j]!
      shuffled[j] = tmp
    }
    const band = bandPower(spectrumOf(shuffled), half)
    let max = 0
    for (let k = kLo; k <= kHi; k++) max = Math.max(max, band[k]!)
    maxima.push(max)
  }
  return maxima
}

function markHarmonics(periods: DetectedPeriod[]): void {
  for (const p of periods) {
    for (const q of periods) {
      if (q === p || q.strength <= p.strength) continue
      const ratio = q.period / p.period
      const m = Math.round(ratio)
      if (m >= 2 && Math.abs(ratio - m) / m < DEFAULT_HARMONIC_TOLERANCE) {
        p.harmonicOf = q.period
        break
      }
    }
  }
}

/**
 * A season length (in samples) for a seasonal model from detected periods: the longest
 * non-harmonic period, snapped to the nearest whole multiple of the strongest period when
 * within the harmonic tolerance (a weekly rhythm sampled hourly is 7 × 24, even when its peak
 * is estimated at 167.3 from eight cycles). Undefined when no period was found.
 */
export function seasonFromPeriods(periods: readonly DetectedPeriod[]): number | undefined {
  const fundamentals = periods.filter((p) => p.harmonicOf === undefined)
  if (fundamentals.length === 0) return undefined
  const strongest = fundamentals.reduce((a, b) => (b.strength > a.strength ? b : a))
  const longest = fundamentals.reduce((a, b) => (b.periodSamples > a.periodSamples ? b : a))
  const base = Math.round(strongest.periodSamples)
  const multiple = Math.round(longest.periodSamples / base)
  const snapped = multiple * base
  const close = Math.abs(longest.periodSamples - snapped) / snapped < DEFAULT_HARMONIC_TOLERANCE
  return Math.max(2, close ? snapped : Math.round(longest.periodSamples))
}
