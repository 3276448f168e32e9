import { describe, expect, it } from 'vitest'
import { type Forecast, fitArima, forecastArima, timeToThreshold } from '../src/index.js'
import { seeded } from './support/random.js'

/** A straight-line forecast with a band of ± width that widens by `widen` per step. */
function line(start: number, slope: number, steps: number, width: number, widen = 0): Forecast {
  const mean = Array.from({ length: steps }, (_, i) => start + slope * (i + 1))
  const sd = mean.map((_, i) => width + widen * i)
  return { mean, sd, lower: mean.map((m, i) => m - sd[i]!), upper: mean.map((m, i) => m + sd[i]!), level: 0.95 }
}

describe('timeToThreshold', () => {
  it('gives earliest, likely and latest crossing times, interpolated, in time units', () => {
    // Memory pressure at 80 %, rising 1 % per 5-minute step, ± 2 %: 90 % is likely in 10 steps.
    const f = line(80, 1, 24, 2)
    const result = timeToThreshold(f, 90, { origin: 1000, step: 300, current: 80 })
    expect(result).toEqual({
      kind: 'crossing',
      earliest: 1000 + 8 * 300,
      likely: 1000 + 10 * 300,
      latest: 1000 + 12 * 300,
    })
  })

  it('interpolates inside a step', () => {
    const result = timeToThreshold(line(0, 2, 5, 1), 5, { current: 0 })
    expect(result).toMatchObject({ kind: 'crossing', likely: 2.5, earliest: 2, latest: 3 })
  })

  it('reports a crossing whose optimistic bound stays below within the horizon', () => {
    const result = timeToThreshold(line(80, 1, 12, 3), 90, { current: 80 })
    expect(result).toEqual({ kind: 'crossing', earliest: 7, likely: 10, latest: 'beyond-horizon' })
  })

  it('reports a possible crossing when only the pessimistic bound gets there', () => {
    const result = timeToThreshold(line(80, 0, 12, 1, 1), 90, { current: 80 })
    expect(result).toEqual({ kind: 'possible', earliest: 10, horizonEnd: 12 })
  })

  it('reports none within the horizon', () => {
    expect(timeToThreshold(line(50, 0.1, 12, 2), 90, { step: 60 })).toEqual({
      kind: 'none-within-horizon',
      horizonEnd: 720,
    })
  })

  it('handles falling series and series already past the threshold', () => {
    const falling = line(50, -5, 10, 5)
    expect(timeToThreshold(falling, 20, { direction: 'below', current: 50 })).toEqual({
      kind: 'crossing',
      earliest: 5,
      likely: 6,
      latest: 7,
    })
    expect(timeToThreshold(falling, 60, { direction: 'below', current: 50 })).toEqual({
      kind: 'already-crossed',
      value: 50,
    })
  })

  it('works on an ARIMA forecast: a trend crosses, its interval brackets the time', () => {
    const rnd = seeded(21)
    let level = 40
    const y = Array.from({ length: 200 }, () => {
      level += 0.1 + 0.2 * rnd.normal()
      return level
    })
    const model = fitArima(y, { order: { p: 0, d: 1, q: 0 } })
    const f = forecastArima(model, 300)
    const current = y[y.length - 1]!
    const target = current + 10
    const result = timeToThreshold(f, target, { current })
    expect(result.kind).toBe('crossing')
    if (result.kind !== 'crossing') return
    expect(result.likely).toBeCloseTo(10 / model.mean, 0)
    expect(result.earliest).toBeLessThan(result.likely)
    expect(result.latest === 'beyond-horizon' || result.latest > result.likely).toBe(true)
  })

  it.each([
    ['InvalidThresholdError', () => timeToThreshold(line(0, 1, 3, 1), Number.NaN)],
    ['InvalidPeriodError', () => timeToThreshold(line(0, 1, 3, 1), 2, { step: 0 })],
    ['NonFiniteValueError', () => timeToThreshold(line(0, 1, 3, 1), 2, { current: Number.POSITIVE_INFINITY })],
    ['TooShortSeriesError', () => timeToThreshold({ mean: [], lower: [], upper: [], sd: [], level: 0.95 }, 2)],
    ['LengthMismatchError', () => timeToThreshold({ mean: [1, 2], lower: [1], upper: [1, 2], sd: [], level: 0.95 }, 2)],
  ])('%s', (name, act) => {
    expect(act).toThrow(expect.objectContaining({ name }))
  })
})
