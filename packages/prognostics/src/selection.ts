import { type ArimaModel, type ArimaSpec, fitArima } from './arima.js'
import { KPSS_CRITICAL_5PCT, MAX_DIFFERENCES, SEASONAL_STRENGTH_THRESHOLD } from './constants.js'
import { ConstantSeriesError, InvalidOrderError, InvalidPeriodError } from './errors.js'
import { checkFinite, mean, variance } from './series.js'

export interface SelectInit {
  maxP?: number
  maxQ?: number
  /** Regular differences; chosen by repeated KPSS tests when absent. */
  d?: number
  seasonal?: {
    period: number
    /** Seasonal differences; 1 when the seasonal strength is at least 0.64, else 0, when absent. */
    D?: number
    maxP?: number
    maxQ?: number
  }
}

export interface Candidate {
  spec: ArimaSpec
  aic: number
}

export interface Selection {
  model: ArimaModel
  /** Every candidate that could be fitted, best AIC first. */
  candidates: Candidate[]
}

/**
 * KPSS statistic for level stationarity (Kwiatkowski et al. 1992) with a Bartlett-weighted
 * long-run variance over trunc(4·(n/100)^¼) lags, as in R's tseries/urca "short" setting.
 */
export function kpssStatistic(values: readonly number[]): number {
  const n = values.length
  const m = mean(values)
  const e = values.map((v) => v - m)
  let partial = 0
  let sumSq = 0
  for (const v of e) {
    partial += v
    sumSq += partial * partial
  }
  const lags = Math.trunc(4 * (n / 100) ** 0.25)
  let longRun = e.reduce((s, v) => s + v * v, 0) / n
  for (let j = 1; j <= lags; j++) {
    let cov = 0
    for (let t = j; t < n; t++) cov += e[t]! * e[t - j]!
    longRun += (2 * (1 - j / (lags + 1)) * cov) / n
  }
  return sumSq / (n * n * longRun)
}

/** Regular differences needed until KPSS no longer rejects level stationarity at 5 %. */
export function differencesNeeded(values: readonly number[]): number {
  let y = [...values]
  for (let d = 0; d < MAX_DIFFERENCES; d++) {
    if (variance(y) === 0 || kpssStatistic(y) < KPSS_CRITICAL_5PCT) return d
    y = y.slice(1).map((v, i) => v - y[i]!)
  }
  return MAX_DIFFERENCES
}

/**
 * Seasonal strength (Wang, Smith & Hyndman 2006): 1 − Var(remainder) / Var(seasonal + remainder)
 * of a classical decomposition (centred moving-average trend, mean per phase as the seasonal part),
 * floored at 0.
 */
export function seasonalStrength(values: readonly number[], period: number): number {
  if (!Number.isInteger(period) || period < 2) throw new InvalidPeriodError()
  const n = values.length
  const half = Math.floor(period / 2)
  const detrended: (number | undefined)[] = new Array(n).fill(undefined)
  for (let t = half; t < n - half; t++) {
    let sum = 0
    if (period % 2 === 0) {
      // 2×m moving average: the two end points get half weight so the window stays centred.
      for (let k = -half; k <= half; k++) sum += values[t + k]! * (Math.abs(k) === half ? 0.5 : 1)
    } else {
      for (let k = -half; k <= half; k++) sum += values[t + k]!
    }
    detrended[t] = values[t]! - sum / period
  }
  const phaseSum = new Array<number>(period).fill(0)
  const phaseCount = new Array<number>(period).fill(0)
  detrended.forEach((v, t) => {
    if (v === undefined) return
    phaseSum[t % period] = phaseSum[t % period]! + v
    phaseCount[t % period] = phaseCount[t % period]! + 1
  })
  const phaseMean = phaseSum.map((s, i) => s / Math.max(1, phaseCount[i]!))
  const centre = mean(phaseMean)
  const seasonalPlusRemainder: number[] = []
  const remainder: number[] = []
  detrended.forEach((v, t) => {
    if (v === undefined) return
    seasonalPlusRemainder.push(v)
    remainder.push(v - (phaseMean[t % period]! - centre))
  })
  const total = variance(seasonalPlusRemainder)
  return total > 0 ? Math.max(0, 1 - variance(remainder) / total) : 0
}

const range = (max: number) => Array.from({ length: max + 1 }, (_, i) => i)

/**
 * Picks a (seasonal) ARIMA by AIC over a small grid, as auto.arima does in spirit: differencing
 * first (seasonal by seasonal strength, then regular by KPSS on the seasonally differenced
 * series), then every p ≤ maxP, q ≤ maxQ (and P, Q ≤ their maxima) fitted on the same scored
 * samples so that their AICs compare.
 */
export function selectArima(values: readonly number[], init: SelectInit = {}): Selection {
  checkFinite(values)
  const maxP = init.maxP ?? 2
  const maxQ = init.maxQ ?? 2
  const season = init.seasonal
  const maxSP = season ? (season.maxP ?? 1) : 0
  const maxSQ = season ? (season.maxQ ?? 1) : 0
  if ([maxP, maxQ, maxSP, maxSQ].some((v) => !Number.isInteger(v) || v < 0)) throw new InvalidOrderError()
  const period = season?.period ?? 1
  if (season && (!Number.isInteger(period) || period < 2)) throw new InvalidPeriodError()
  const D = season ? (season.D ?? (seasonalStrength(values, period) >= SEASONAL_STRENGTH_THRESHOLD ? 1 : 0)) : 0
  let seasonallyDifferenced = [...values]
  for (let i = 0; i < D; i++) {
    seasonallyDifferenced = seasonallyDifferenced.slice(period).map((v, t) => v - seasonallyDifferenced[t]!)
  }
  const d = init.d ?? differencesNeeded(seasonallyDifferenced)
  const conditionOn = maxP + maxSP * period

  const candidates: Candidate[] = []
  const models: ArimaModel[] = []
  let lastError: unknown
  for (const p of range(maxP)) {
    for (const q of range(maxQ)) {
      for (const P of range(maxSP)) {
        for (const Q of range(maxSQ)) {
          const spec: ArimaSpec = season
            ? { order: { p, d, q }, seasonal: { P, D, Q, period } }
            : { order: { p, d, q } }
          try {
            const model = fitArima(values, spec, { conditionOn })
            candidates.push({ spec, aic: model.aic })
            models.push(model)
          } catch (err) {
            // A constant series cannot be fitted by any candidate: report it rather than an empty grid.
            if ((err as Error).name === ConstantSeriesError.name) throw err
            lastError = err
          }
        }
      }
    }
  }
  if (models.length === 0) throw lastError
  const order = candidates.map((_, i) => i).sort((a, b) => candidates[a]!.aic - candidates[b]!.aic)
  return { model: models[order[0]!]!, candidates: order.map((i) => candidates[i]!) }
}
