/**
 * Prognostics bench: a synthetic hourly workload with known structure — daily and weekly rhythms,
 * a linear trend and Gaussian noise, 2 % of training samples missing, jittered timestamps — drawn
 * from a seeded PRNG so every run prints the same line.
 *
 * - periods: FFT periodicity on the raw (uneven, gappy) training samples, in hours.
 * - MASE on the held-out final week, scaled by the in-sample seasonal naive error at the weekly
 *   season (Hyndman & Koehler 2006), for the AIC-selected seasonal ARIMA and for the seasonal
 *   naive baseline itself. The season comes from the detected periods (seasonFromPeriods).
 *
 * Prints one line: `prognostics periods_found=… periods_true=… mase_arima=… mase_seasonal_naive=…`
 */
import {
  findPeriods,
  forecastArima,
  mase,
  resample,
  seasonalNaive,
  seasonFromPeriods,
  selectArima,
} from '../src/index.js'
import { seeded } from '../test/support/random.js'

const HOUR = 3600
const TRUE_PERIODS_HOURS = [24, 168]
const WEEKS_TRAINING = 8
const HOLDOUT = 168

const rnd = seeded(20261123)
const total = WEEKS_TRAINING * 168 + HOLDOUT
const truth = (hour: number) =>
  50 +
  10 * Math.sin((2 * Math.PI * hour) / 24) +
  6 * Math.sin((2 * Math.PI * hour) / 168 + 1) +
  0.01 * hour +
  2 * rnd.normal()

const times: number[] = []
const values: number[] = []
const holdout: number[] = []
for (let i = 0; i < total; i++) {
  const observed = truth(i)
  if (i >= total - HOLDOUT) {
    holdout.push(observed)
    continue
  }
  // The first and last training samples stay, on time, so the grid spans exactly the training range.
  const interior = i > 0 && i < total - HOLDOUT - 1
  if (interior && rnd.uniform() < 0.02) continue
  times.push(i * HOUR + (interior ? (rnd.uniform() - 0.5) * 120 : 0))
  values.push(observed)
}

const detected = findPeriods({ times, values }, { gridStep: HOUR })
const grid = resample({ times, values }, HOUR)
const training = grid.values
const season = seasonFromPeriods(detected.periods) ?? 168

const { model } = selectArima(training, { maxP: 2, maxQ: 2, seasonal: { period: season, maxP: 1, maxQ: 1 } })
const arima = forecastArima(model, HOLDOUT)
const naive = seasonalNaive(training, season, HOLDOUT)

const found = detected.periods
  .map((p) => p.period / HOUR)
  .sort((a, b) => a - b)
  .map((h) => h.toFixed(1))
console.log(
  [
    'prognostics',
    `periods_found=${found.join(',') || 'none'}`,
    `periods_true=${TRUE_PERIODS_HOURS.join(',')}`,
    `mase_arima=${mase(holdout, arima.mean, training, season).toFixed(3)}`,
    `mase_seasonal_naive=${mase(holdout, naive.mean, training, season).toFixed(3)}`,
  ].join(' '),
)
