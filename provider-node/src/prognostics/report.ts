/**
 * The node's prognostics report from its sampled series: periods, forecast time to threshold,
 * the chance of a crossing within the spare's warm-up window, and the risk that decides a
 * spare. Pure: numbers in, numbers out (the models are @synkti/prognostics').
 */
import type { SeriesReport } from '@synkti/jobs'
import {
  type DetectedPeriod,
  findPeriods,
  forecastArima,
  resample,
  seasonFromPeriods,
  selectArima,
  type ThresholdCrossing,
  timeToThreshold,
} from '@synkti/prognostics'
import {
  DEFAULT_CLEAR_AT,
  DEFAULT_RAISE_AT,
  DEFAULT_WARMUP_SEC,
  HORIZON_WARMUPS,
  MAX_FORECAST_STEPS,
  MIN_FORECAST_SAMPLES,
  MIN_PERIOD_SAMPLES,
  WINDOW_WARMUPS,
} from './constants.js'
import { InvalidHysteresisError, InvalidPrognosticsOptionError } from './errors.js'
import type { TimedSample } from './ring.js'

export type SeriesName = SeriesReport['name']

export interface SeriesInput {
  name: SeriesName
  /** Oldest first, strictly increasing times (unix seconds). */
  samples: readonly TimedSample[]
  threshold: number
  /** `above` (default): trouble when the series rises to the threshold. */
  direction?: 'above' | 'below'
}

export interface AnalysisInit {
  /** Unix seconds; report times are seconds from here. */
  now: number
  /** The window a failure must be foreseen in to be absorbed by a spare (default 600 s). */
  warmupSec?: number
  /**
   * A crossing within this window is a series' risk (default 1.5 warm-ups): a spare must be
   * asked for a whole warm-up ahead, plus the time to the next analysis and the forecast's error.
   */
  windowSec?: number
  /** Forecast horizon (default two warm-up windows). */
  horizonSec?: number
  /** Prediction interval level of the forecast (default 0.95). */
  level?: number
}

export interface SeriesAnalysis {
  report: SeriesReport
  /** Seconds from now; null with too few samples to forecast. */
  crossing: ThresholdCrossing | null
  /** Chance the series crosses its threshold within the warm-up window. */
  probability: number
}

export interface PrognosticsReport {
  series: SeriesReport[]
  analyses: SeriesAnalysis[]
  /** Chance of a spot interruption within the warm-up window, when a hazard was given. */
  hazard: number | null
  /** Chance that anything (any threshold, the hazard) fails within the warm-up window, 0..1. */
  risk: number
}

const DEFAULT_LEVEL = 0.95

function positive(option: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new InvalidPrognosticsOptionError(option, value)
  return value
}

/** Non-harmonic periods of the series in seconds; none when too short, constant or without rhythm. */
function periodsOf(times: number[], values: number[]): DetectedPeriod[] {
  if (times.length < MIN_PERIOD_SAMPLES) return []
  try {
    return findPeriods({ times, values }).periods.filter((p) => p.harmonicOf === undefined)
  } catch {
    // Constant or degenerate series have no period; that is an answer, not a failure.
    return []
  }
}

function crossed(value: number, threshold: number, above: boolean): boolean {
  return above ? value >= threshold : value <= threshold
}

/** Forecast crossing, times relative to `now`; null when no model could be fitted. */
function forecastCrossing(
  times: number[],
  values: number[],
  periods: DetectedPeriod[],
  input: SeriesInput,
  init: Required<AnalysisInit>,
): { crossing: ThresholdCrossing; horizonEnd: number } | null {
  const above = (input.direction ?? 'above') === 'above'
  const grid = resample({ times, values })
  const season = seasonFromPeriods(periods)
  // A seasonal model needs a few seasons of data to estimate its seasonal terms.
  const seasonal = season !== undefined && grid.values.length >= 3 * season ? { period: season } : undefined
  const gridEnd = grid.start + (grid.values.length - 1) * grid.step
  const current = grid.values.at(-1)!
  const steps = Math.min(MAX_FORECAST_STEPS, Math.ceil(init.horizonSec / grid.step))
  const horizonEnd = gridEnd - init.now + steps * grid.step
  try {
    const { model } = selectArima(grid.values, seasonal ? { seasonal } : {})
    const forecast = forecastArima(model, steps, init.level)
    const crossing = timeToThreshold(forecast, input.threshold, {
      origin: gridEnd - init.now,
      step: grid.step,
      current,
      direction: above ? 'above' : 'below',
    })
    return { crossing, horizonEnd }
  } catch (err) {
    // A constant series forecasts itself: it crosses only if it already has.
    if ((err as Error).name !== 'ConstantSeriesError') return null
    if (crossed(current, input.threshold, above))
      return { crossing: { kind: 'already-crossed', value: current }, horizonEnd }
    return { crossing: { kind: 'none-within-horizon', horizonEnd }, horizonEnd }
  }
}

/**
 * P(crossing within `withinSec`) read off a crossing's interval as a piecewise-linear CDF:
 * the pessimistic bound crosses at quantile (1 − level)/2, the mean path at 0.5, the
 * optimistic bound at (1 + level)/2. An optimistic bound beyond the horizon is placed at
 * `horizonEnd` when known (the chance then errs high: a spare too early, not too late), else
 * the chance stays at 0.5 past the mean's crossing. `possible` (only the pessimistic bound
 * crosses) climbs to at most 0.5 at the horizon.
 */
export function crossingProbability(
  crossing: ThresholdCrossing,
  withinSec: number,
  init: { level?: number; horizonEnd?: number } = {},
): number {
  const tail = (1 - (init.level ?? DEFAULT_LEVEL)) / 2
  let points: [number, number][]
  switch (crossing.kind) {
    case 'already-crossed':
      return 1
    case 'none-within-horizon':
      return 0
    case 'possible':
      points = [
        [crossing.earliest, tail],
        [crossing.horizonEnd, 0.5],
      ]
      break
    case 'crossing': {
      const latest = crossing.latest === 'beyond-horizon' ? init.horizonEnd : crossing.latest
      points = [
        [crossing.earliest, tail],
        [crossing.likely, 0.5],
        ...(latest === undefined ? [] : [[Math.max(latest, crossing.likely), 1 - tail] as [number, number]]),
      ]
      break
    }
  }
  const [t0, p0] = points[0]!
  if (withinSec <= t0) return t0 <= 0 ? p0 : Math.max(0, (p0 * withinSec) / t0)
  for (let i = 1; i < points.length; i++) {
    const [ta, pa] = points[i - 1]!
    const [tb, pb] = points[i]!
    if (withinSec <= tb) return tb === ta ? pb : pa + ((pb - pa) * (withinSec - ta)) / (tb - ta)
  }
  return points.at(-1)![1]
}

/** One series: its periods, its forecast crossing and the chance of it within the warm-up window. */
export function analyseSeries(input: SeriesInput, init: AnalysisInit): SeriesAnalysis {
  const warmupSec = positive('warmupSec', init.warmupSec ?? DEFAULT_WARMUP_SEC)
  const full: Required<AnalysisInit> = {
    now: init.now,
    warmupSec,
    windowSec: positive('windowSec', init.windowSec ?? warmupSec * WINDOW_WARMUPS),
    horizonSec: positive('horizonSec', init.horizonSec ?? warmupSec * HORIZON_WARMUPS),
    level: init.level ?? DEFAULT_LEVEL,
  }
  const times = input.samples.map((s) => s.t)
  const values = input.samples.map((s) => s.v)
  const above = (input.direction ?? 'above') === 'above'
  const periods = periodsOf(times, values)
  const last = values.at(-1)
  let forecast: { crossing: ThresholdCrossing; horizonEnd?: number } | null = null
  if (last !== undefined && crossed(last, input.threshold, above)) {
    forecast = { crossing: { kind: 'already-crossed', value: last } }
  } else if (input.samples.length >= MIN_FORECAST_SAMPLES) {
    forecast = forecastCrossing(times, values, periods, input, full)
  }
  const crossing = forecast?.crossing ?? null
  return {
    report: {
      name: input.name,
      samples: input.samples.length,
      periodsSec: periods.map((p) => p.period).slice(0, 16),
      threshold: input.threshold,
      timeToThresholdSec: timesOf(crossing, full.horizonSec),
    },
    crossing,
    probability:
      forecast === null
        ? 0
        : crossingProbability(forecast.crossing, full.windowSec, {
            level: full.level,
            ...(forecast.horizonEnd !== undefined ? { horizonEnd: forecast.horizonEnd } : {}),
          }),
  }
}

/** The status form: a crossing the mean path makes, in seconds from now (a bound past the horizon is the horizon). */
function timesOf(crossing: ThresholdCrossing | null, horizonSec: number): SeriesReport['timeToThresholdSec'] {
  if (crossing === null) return null
  if (crossing.kind === 'already-crossed') return { earliest: 0, likely: 0, latest: 0 }
  if (crossing.kind !== 'crossing') return null
  const latest = crossing.latest === 'beyond-horizon' ? Math.max(horizonSec, crossing.likely) : crossing.latest
  return { earliest: Math.max(0, crossing.earliest), likely: Math.max(0, crossing.likely), latest: Math.max(0, latest) }
}

/** Independent causes: the chance that at least one happens. */
export function combineRisk(probabilities: readonly number[]): number {
  const survive = probabilities.reduce((acc, p) => acc * (1 - Math.min(1, Math.max(0, p))), 1)
  return 1 - survive
}

/** Every series analysed, and the risk combining their crossings with the spot hazard (if any). */
export function prognosticsReport(
  inputs: readonly SeriesInput[],
  init: AnalysisInit & { hazard?: number },
): PrognosticsReport {
  const analyses = inputs.map((input) => analyseSeries(input, init))
  const hazard = init.hazard ?? null
  const risk = combineRisk([...analyses.map((a) => a.probability), ...(hazard === null ? [] : [hazard])])
  return { series: analyses.map((a) => a.report), analyses, hazard, risk }
}

export interface Hysteresis {
  raiseAt: number
  clearAt: number
}

export function hysteresis(init: Partial<Hysteresis> = {}): Hysteresis {
  const raiseAt = init.raiseAt ?? DEFAULT_RAISE_AT
  const clearAt = init.clearAt ?? DEFAULT_CLEAR_AT
  if (!(clearAt >= 0 && clearAt < raiseAt && raiseAt <= 1)) throw new InvalidHysteresisError(raiseAt, clearAt)
  return { raiseAt, clearAt }
}

/** Whether a spare is wanted after seeing `risk`: raised at `raiseAt`, kept until risk falls below `clearAt`. */
export function nextSpareState(requested: boolean, risk: number, h: Hysteresis): boolean {
  return requested ? risk >= h.clearAt : risk >= h.raiseAt
}
