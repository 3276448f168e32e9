import ARIMA from 'arima'
import { describe, expect, it } from 'vitest'
import {
  differencesNeeded,
  fitArima,
  forecastArima,
  mase,
  psiWeights,
  seasonalNaive,
  seasonalStrength,
  selectArima,
} from '../src/index.js'
import { seeded } from './support/random.js'

/** y_t = Σ φᵢ y_{t−i} + ε_t + Σ θⱼ ε_{t−j}, after a burn-in that is dropped. */
function simulateArma(n: number, ar: number[], ma: number[], seed: number, sigma = 1): number[] {
  const rnd = seeded(seed)
  const burn = 200
  const y: number[] = []
  const e: number[] = []
  for (let t = 0; t < n + burn; t++) {
    const eps = sigma * rnd.normal()
    let v = eps
    ar.forEach((c, i) => {
      v += c * (y[t - 1 - i] ?? 0)
    })
    ma.forEach((c, j) => {
      v += c * (e[t - 1 - j] ?? 0)
    })
    y.push(v)
    e.push(eps)
  }
  return y.slice(burn)
}

const cumsum = (xs: number[]) => {
  let s = 0
  return xs.map((x) => {
    s += x
    return s
  })
}

describe('fitArima: parameter recovery on simulated data', () => {
  it('AR(1) φ = 0.6', () => {
    const m = fitArima(simulateArma(2000, [0.6], [], 1), { order: { p: 1, d: 0, q: 0 } })
    // Standard error √((1 − φ²)/n) ≈ 0.018.
    expect(Math.abs(m.ar[0]! - 0.6)).toBeLessThan(0.055)
    expect(m.sigma2).toBeGreaterThan(0.9)
    expect(m.sigma2).toBeLessThan(1.1)
  })

  it('MA(1) θ = 0.5', () => {
    const m = fitArima(simulateArma(2000, [], [0.5], 2), { order: { p: 0, d: 0, q: 1 } })
    expect(Math.abs(m.ma[0]! - 0.5)).toBeLessThan(0.06)
  })

  it('ARMA(1,1) φ = 0.7, θ = −0.3', () => {
    const m = fitArima(simulateArma(3000, [0.7], [-0.3], 3), { order: { p: 1, d: 0, q: 1 } })
    expect(Math.abs(m.ar[0]! - 0.7)).toBeLessThan(0.07)
    expect(Math.abs(m.ma[0]! + 0.3)).toBeLessThan(0.08)
  })

  it('seasonal AR Φ = 0.7 at period 12', () => {
    const rnd = seeded(4)
    const y: number[] = []
    for (let t = 0; t < 1500; t++) y.push(0.7 * (y[t - 12] ?? 0) + rnd.normal())
    const m = fitArima(y.slice(100), { order: { p: 0, d: 0, q: 0 }, seasonal: { P: 1, D: 0, Q: 0, period: 12 } })
    expect(Math.abs(m.seasonalAr[0]! - 0.7)).toBeLessThan(0.06)
  })

  it('random walk with drift: the mean of the differences is the drift', () => {
    const rnd = seeded(5)
    const y = cumsum(Array.from({ length: 1000 }, () => 0.5 + rnd.normal()))
    const m = fitArima(y, { order: { p: 0, d: 1, q: 0 } })
    expect(m.spec.includeMean).toBe(true)
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(0.1)
    expect(m.residualOffset).toBe(1)
    expect(m.residuals).toHaveLength(999)
  })
})

describe('forecastArima: closed-form means and variances', () => {
  it('AR(1): mean φʰ·z_n, variance σ²(1 − φ²ʰ)/(1 − φ²)', () => {
    const y = simulateArma(500, [0.6], [], 6)
    const m = fitArima(y, { order: { p: 1, d: 0, q: 0 } })
    const phi = m.ar[0]!
    const f = forecastArima(m, 6, 0.95)
    const zn = y[y.length - 1]! - m.mean
    for (let h = 1; h <= 6; h++) {
      expect(f.mean[h - 1]).toBeCloseTo(m.mean + phi ** h * zn, 10)
      expect(f.sd[h - 1]! ** 2).toBeCloseTo((m.sigma2 * (1 - phi ** (2 * h))) / (1 - phi ** 2), 10)
      expect(f.upper[h - 1]! - f.mean[h - 1]!).toBeCloseTo(1.959964 * f.sd[h - 1]!, 5)
    }
  })

  it('MA(1): variance σ² then σ²(1 + θ²); the mean reverts after one step', () => {
    const m = fitArima(simulateArma(500, [], [0.5], 7), { order: { p: 0, d: 0, q: 1 } })
    const theta = m.ma[0]!
    const f = forecastArima(m, 3)
    expect(f.sd[0]! ** 2).toBeCloseTo(m.sigma2, 10)
    expect(f.sd[1]! ** 2).toBeCloseTo(m.sigma2 * (1 + theta ** 2), 10)
    expect(f.mean[1]).toBeCloseTo(m.mean, 10)
    expect(f.mean[2]).toBeCloseTo(m.mean, 10)
  })

  it('random walk: variance hσ², the mean moves by the drift', () => {
    const rnd = seeded(8)
    const y = cumsum(Array.from({ length: 300 }, () => 0.2 + rnd.normal()))
    const m = fitArima(y, { order: { p: 0, d: 1, q: 0 } })
    const f = forecastArima(m, 4)
    for (let h = 1; h <= 4; h++) {
      expect(f.sd[h - 1]! ** 2).toBeCloseTo(h * m.sigma2, 10)
      expect(f.mean[h - 1]).toBeCloseTo(y[y.length - 1]! + h * m.mean, 10)
    }
  })

  it('seasonal (0,1,1)₁₂: ψ is 1 + Θ at whole seasons and 0 elsewhere', () => {
    const rnd = seeded(9)
    const base = Array.from({ length: 12 }, (_, i) => 5 * Math.sin((2 * Math.PI * i) / 12))
    const y = Array.from({ length: 240 }, (_, t) => base[t % 12]! + rnd.normal())
    const m = fitArima(y, { order: { p: 0, d: 0, q: 0 }, seasonal: { P: 0, D: 1, Q: 1, period: 12 } })
    const psi = psiWeights(m, 25)
    const Theta = m.seasonalMa[0]!
    expect(Theta).toBeLessThan(-0.5)
    expect(psi[12]).toBeCloseTo(1 + Theta, 10)
    expect(psi[24]).toBeCloseTo(1 + Theta, 10)
    expect(psi[5]).toBe(0)
    const f = forecastArima(m, 24)
    expect(f.sd[11]! ** 2).toBeCloseTo(m.sigma2, 10)
    expect(f.sd[12]! ** 2).toBeCloseTo(m.sigma2 * (1 + (1 + Theta) ** 2), 10)
    // The forecast follows the seasonal shape.
    expect(f.mean[2]! - f.mean[8]!).toBeGreaterThan(7)
  })

  it('95 % intervals cover about 95 % of simulated futures', () => {
    let covered1 = 0
    let covered5 = 0
    const runs = 400
    for (let r = 0; r < runs; r++) {
      const y = simulateArma(205, [0.7], [], 1000 + r)
      const m = fitArima(y.slice(0, 200), { order: { p: 1, d: 0, q: 0 } })
      const f = forecastArima(m, 5)
      if (y[200]! >= f.lower[0]! && y[200]! <= f.upper[0]!) covered1++
      if (y[204]! >= f.lower[4]! && y[204]! <= f.upper[4]!) covered5++
    }
    for (const c of [covered1 / runs, covered5 / runs]) {
      expect(c).toBeGreaterThan(0.91)
      expect(c).toBeLessThan(0.98)
    }
  })

  it('agrees with ctsa (the `arima` npm package) on an AR(1)', () => {
    const y = simulateArma(800, [0.6], [], 10)
    const m = fitArima(y, { order: { p: 1, d: 0, q: 0 } })
    const f = forecastArima(m, 5)
    const reference = new ARIMA({ p: 1, d: 0, q: 0, verbose: false }).train(y)
    const [refMean, refVariance] = reference.predict(5)
    reference.destroy()
    for (let h = 0; h < 5; h++) {
      expect(Math.abs(f.mean[h]! - refMean[h]!)).toBeLessThan(0.05)
      expect(f.sd[h]! ** 2 / refVariance[h]!).toBeGreaterThan(0.95)
      expect(f.sd[h]! ** 2 / refVariance[h]!).toBeLessThan(1.05)
    }
  })
})

describe('selectArima: AIC over a small grid', () => {
  it('picks the true AR(2) order', () => {
    const { model, candidates } = selectArima(simulateArma(1000, [0.5, 0.3], [], 11))
    expect(model.spec.order).toEqual({ p: 2, d: 0, q: 0 })
    expect(candidates).toHaveLength(9)
    expect(candidates[0]!.aic).toBe(model.aic)
    expect(candidates[1]!.aic).toBeGreaterThanOrEqual(candidates[0]!.aic)
  })

  it('differences a random walk once and white noise never', () => {
    const rnd = seeded(12)
    const noise = Array.from({ length: 500 }, () => rnd.normal())
    expect(differencesNeeded(noise)).toBe(0)
    expect(differencesNeeded(cumsum(noise))).toBe(1)
    expect(selectArima(cumsum(noise), { maxP: 1, maxQ: 1 }).model.spec.order.d).toBe(1)
  })

  it('takes a seasonal difference for a strong season', () => {
    const rnd = seeded(13)
    const y = Array.from({ length: 240 }, (_, t) => 4 * Math.sin((2 * Math.PI * t) / 12) + rnd.normal())
    expect(seasonalStrength(y, 12)).toBeGreaterThan(0.8)
    expect(
      seasonalStrength(
        Array.from({ length: 240 }, () => rnd.normal()),
        12,
      ),
    ).toBeLessThan(0.2)
    const { model } = selectArima(y, { maxP: 1, maxQ: 1, seasonal: { period: 12 } })
    expect(model.spec.seasonal).toMatchObject({ D: 1, period: 12 })
  })
})

describe('seasonal naive and MASE', () => {
  it('repeats the last season with widening intervals', () => {
    const y = [1, 2, 3, 1, 2, 4, 1, 3, 3]
    const f = seasonalNaive(y, 3, 5)
    expect(f.mean).toEqual([1, 3, 3, 1, 3])
    // In-sample seasonal differences: 0,0,1,0,1,-1 → σ² = 3/6.
    expect(f.sd[0]).toBeCloseTo(Math.sqrt(0.5), 12)
    expect(f.sd[3]).toBeCloseTo(Math.sqrt(0.5) * Math.SQRT2, 12)
  })

  it('scales the holdout error by the in-sample seasonal naive error', () => {
    const training = [1, 2, 1, 3, 1, 4]
    // Seasonal naive (period 2) in-sample MAE: |1−1|,|3−2|,|1−1|,|4−3| → 0.5.
    expect(mase([2, 2], [1, 3], training, 2)).toBeCloseTo(2, 12)
  })
})

describe('ARIMA: bad input', () => {
  const y = simulateArma(100, [0.5], [], 14)
  it.each([
    ['InvalidOrderError', () => fitArima(y, { order: { p: -1, d: 0, q: 0 } })],
    ['InvalidOrderError', () => fitArima(y, { order: { p: 1.5, d: 0, q: 0 } })],
    ['InvalidOrderError', () => fitArima(y, { order: { p: 0, d: 3, q: 0 } })],
    [
      'InvalidOrderError',
      () => fitArima(y, { order: { p: 0, d: 0, q: 0 }, seasonal: { P: 1, D: 0, Q: 0, period: 1 } }),
    ],
    ['TooShortSeriesError', () => fitArima(y.slice(0, 6), { order: { p: 1, d: 0, q: 0 } })],
    ['TooShortSeriesError', () => selectArima(y.slice(0, 5))],
    ['NonFiniteValueError', () => fitArima([...y, Number.NaN], { order: { p: 1, d: 0, q: 0 } })],
    ['ConstantSeriesError', () => fitArima(new Array(50).fill(3), { order: { p: 1, d: 0, q: 0 } })],
    ['ConstantSeriesError', () => selectArima(new Array(50).fill(3))],
    ['InvalidHorizonError', () => forecastArima(fitArima(y, { order: { p: 1, d: 0, q: 0 } }), 0)],
    ['InvalidLevelError', () => forecastArima(fitArima(y, { order: { p: 1, d: 0, q: 0 } }), 3, 1.2)],
    ['InvalidPeriodError', () => seasonalNaive(y, 0, 3)],
    ['LengthMismatchError', () => mase([1, 2], [1], y)],
  ])('%s', (name, act) => {
    expect(act).toThrow(expect.objectContaining({ name }))
  })
})
