import { checkHorizon, type Forecast, withInterval } from './arima.js'
import { DEFAULT_LEVEL } from './constants.js'
import { InvalidPeriodError, LengthMismatchError } from './errors.js'
import { checkFinite, checkLength } from './series.js'

function checkPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new InvalidPeriodError('period must be a positive integer')
}

/**
 * Seasonal naive: each step repeats the value one season earlier. The interval uses the
 * in-sample seasonal-difference residuals, sd_h = σ·√(k + 1) with k = ⌊(h − 1) / period⌋
 * complete seasons ahead (Hyndman & Athanasopoulos, FPP3 §5.5).
 */
export function seasonalNaive(
  values: readonly number[],
  period: number,
  horizon: number,
  level = DEFAULT_LEVEL,
): Forecast {
  checkFinite(values)
  checkPeriod(period)
  checkHorizon(horizon)
  checkLength(values, period + 2)
  const n = values.length
  let sumSq = 0
  for (let t = period; t < n; t++) sumSq += (values[t]! - values[t - period]!) ** 2
  const sigma = Math.sqrt(sumSq / (n - period))
  const means: number[] = []
  const sd: number[] = []
  for (let h = 1; h <= horizon; h++) {
    const k = Math.floor((h - 1) / period)
    means.push(values[n - period + ((h - 1) % period)]!)
    sd.push(sigma * Math.sqrt(k + 1))
  }
  return withInterval(means, sd, level)
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): out-of-sample MAE divided by the
 * in-sample MAE of the seasonal naive forecast with the given period (1 = naive).
 */
export function mase(
  actual: readonly number[],
  predicted: readonly number[],
  training: readonly number[],
  period = 1,
): number {
  if (actual.length !== predicted.length) throw new LengthMismatchError('actual and predicted differ in length')
  checkFinite(actual)
  checkFinite(predicted)
  checkFinite(training)
  checkPeriod(period)
  checkLength(training, period + 1, 'training series')
  checkLength(actual, 1, 'holdout')
  let scale = 0
  for (let t = period; t < training.length; t++) scale += Math.abs(training[t]! - training[t - period]!)
  scale /= training.length - period
  let error = 0
  for (let i = 0; i < actual.length; i++) error += Math.abs(actual[i]! - predicted[i]!)
  return error / actual.length / scale
}
