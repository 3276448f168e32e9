import type { ArimaModel } from './arima.js'
import { DEFAULT_ANOMALY_THRESHOLD, DEFAULT_ANOMALY_WINDOW, MAD_TO_SIGMA } from './constants.js'
import { InvalidPeriodError, InvalidThresholdError, LengthMismatchError } from './errors.js'
import { checkFinite, median } from './series.js'

export type AnomalyKind = 'spike' | 'dip' | 'level-shift'

export interface Anomaly {
  /** Index in the model's history. */
  index: number
  value: number
  /** The one-step-ahead prediction the value is compared with. */
  expected: number
  residual: number
  /** Robust z-score: 0.6745·(residual − median) / MAD. */
  score: number
  kind: AnomalyKind
}

export interface AnomalyInit {
  /** |robust z| from which a residual is anomalous (Iglewicz & Hoaglin recommend 3.5). */
  threshold?: number
  /** Samples on each side used to tell a level shift from a spike. */
  window?: number
}

/** Anything with one-step-ahead residuals aligned to a history, such as a fitted {@link ArimaModel}. */
export type ResidualSource = Pick<ArimaModel, 'history' | 'residuals' | 'residualOffset'>

/**
 * Anomalies from one-step-ahead residuals. A residual is anomalous when its robust z-score
 * (median and MAD, so the anomalies themselves do not hide in an inflated scale) reaches the
 * threshold. Its kind compares the median level of `window` samples before and after it: the
 * level stays where the point went → `level-shift`, it returns → `spike` (up) or `dip` (down).
 * Flagged points right after an anomaly that are its echo (the model still remembers the jump:
 * after a spike or dip, an opposite residual with the value back near the earlier level; after
 * a level shift, residuals of the same sign) are not reported again.
 */
export function detectAnomalies(source: ResidualSource, init: AnomalyInit = {}): Anomaly[] {
  const { history, residuals, residualOffset } = source
  if (residualOffset + residuals.length !== history.length) {
    throw new LengthMismatchError('residuals do not line up with the history')
  }
  checkFinite(history)
  checkFinite(residuals, 'residual')
  const threshold = init.threshold ?? DEFAULT_ANOMALY_THRESHOLD
  if (!Number.isFinite(threshold) || threshold <= 0) throw new InvalidThresholdError('threshold must be positive')
  const window = init.window ?? DEFAULT_ANOMALY_WINDOW
  if (!Number.isInteger(window) || window < 1) throw new InvalidPeriodError('window must be a positive integer')
  if (residuals.length === 0) return []

  const centre = median(residuals)
  let scale = median(residuals.map((r) => Math.abs(r - centre))) * MAD_TO_SIGMA
  if (!(scale > 0)) {
    // More than half the residuals are identical: fall back to the mean absolute deviation (×√(π/2)).
    scale = (residuals.reduce((s, r) => s + Math.abs(r - centre), 0) / residuals.length) * Math.sqrt(Math.PI / 2)
  }
  if (!(scale > 0)) return []

  const anomalies: Anomaly[] = []
  for (let i = 0; i < residuals.length; i++) {
    const score = (residuals[i]! - centre) / scale
    if (Math.abs(score) < threshold) continue
    const index = residualOffset + i
    const value = history[index]!
    const previous = anomalies[anomalies.length - 1]
    if (previous !== undefined && index - previous.index <= window && isEcho(previous, score, value, history, window))
      continue
    anomalies.push({
      index,
      value,
      expected: value - residuals[i]!,
      residual: residuals[i]!,
      score,
      kind: classify(history, index, window, score),
    })
  }
  return anomalies
}

function levelBefore(history: readonly number[], index: number, window: number): number | undefined {
  const before = history.slice(Math.max(0, index - window), index)
  return before.length > 0 ? median(before) : undefined
}

function classify(history: readonly number[], index: number, window: number, score: number): AnomalyKind {
  const before = levelBefore(history, index, window)
  const afterSamples = history.slice(index + 1, index + 1 + window)
  if (before !== undefined && afterSamples.length > 0) {
    const jump = history[index]! - before
    const shift = median(afterSamples) - before
    if (Math.sign(shift) === Math.sign(jump) && Math.abs(shift) >= 0.5 * Math.abs(jump)) return 'level-shift'
  }
  return score > 0 ? 'spike' : 'dip'
}

function isEcho(previous: Anomaly, score: number, value: number, history: readonly number[], window: number): boolean {
  if (previous.kind === 'level-shift') return Math.sign(score) === Math.sign(previous.score)
  if (Math.sign(score) === Math.sign(previous.score)) return false
  const before = levelBefore(history, previous.index, window) ?? previous.expected
  return Math.abs(value - before) < Math.abs(value - previous.value)
}
