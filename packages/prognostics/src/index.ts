/**
 * @packageDocumentation
 *
 * Prognostics for Synkti nodes and planners: pure functions and models, no I/O.
 *
 * - Periodicity: `findPeriods` (FFT with detrending, Hann window, zero padding, resampling of
 *   gaps; strength and permutation-test confidence per period).
 * - Forecasts: `fitArima` / `selectArima` / `forecastArima` (seasonal ARIMA by CSS, AIC grid,
 *   ψ-weight intervals), `seasonalNaive`, `mase`.
 * - `timeToThreshold` (earliest / likely / latest crossing) and `detectAnomalies` (robust
 *   z-scores of one-step residuals: spike, dip, level shift).
 * - Preemption hazard per (cloud, region, zone, instance type), learnt from spot notices with
 *   hierarchical Gamma-Poisson shrinkage and zone co-interruption bursts.
 *
 * @example
 * ```ts
 * import { findPeriods, forecastArima, selectArima, seasonFromPeriods, timeToThreshold } from '@synkti/prognostics'
 *
 * const season = seasonFromPeriods(findPeriods(memory, { step: 300 }).periods)
 * const { model } = selectArima(memory, season ? { seasonal: { period: season } } : {})
 * timeToThreshold(forecastArima(model, 36), 90, { step: 300, current: memory.at(-1) })
 * // → { kind: 'crossing', earliest: 1860, likely: 2820, latest: 4200 } (seconds from now)
 * ```
 *
 * @example
 * ```ts
 * import { createHazardModel } from '@synkti/prognostics'
 *
 * const model = createHazardModel()
 * const key = { cloud: 'aws', region: 'eu-central-1', zone: 'eu-central-1a', instanceType: 'g5.xlarge' } as const
 * model.observe({ kind: 'up', key, time: 0 })
 * model.observe({ kind: 'notice', key, time: 7200 })
 * model.hazard(key, 7260) // per instance-hour, raised for a few minutes after the notice
 * model.probabilityWithin(key, 7260, 3600) // chance of a notice within the next hour
 * ```
 */

export type { Anomaly, AnomalyInit, AnomalyKind, ResidualSource } from './anomaly.js'
export { detectAnomalies } from './anomaly.js'
export type { ArimaFitInit, ArimaModel, ArimaOrder, ArimaSpec, Forecast, SeasonalOrder } from './arima.js'
export { fitArima, forecastArima, psiWeights } from './arima.js'
export { mase, seasonalNaive } from './baseline.js'
export * from './errors.js'
export type {
  Cloud,
  CoInterruption,
  HazardEvent,
  HazardHistory,
  HazardKey,
  HazardModel,
  HazardModelInit,
  RatePosterior,
} from './hazard.js'
export { createHazardModel } from './hazard.js'
export type { DetectedPeriod, PeriodicityInit, PeriodicityResult } from './periodicity.js'
export { detrend, findPeriods, seasonFromPeriods } from './periodicity.js'
export type { Candidate, SelectInit, Selection } from './selection.js'
export { differencesNeeded, kpssStatistic, seasonalStrength, selectArima } from './selection.js'
export type { RegularSeries, TimedSeries } from './series.js'
export { resample } from './series.js'
export type { ThresholdCrossing, ThresholdInit } from './threshold.js'
export { timeToThreshold } from './threshold.js'
