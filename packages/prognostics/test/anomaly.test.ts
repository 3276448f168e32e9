import { describe, expect, it } from 'vitest'
import { detectAnomalies, fitArima, selectArima } from '../src/index.js'
import { seeded } from './support/random.js'

function ar1(n: number, phi: number, seed: number, level = 50): number[] {
  const rnd = seeded(seed)
  const y: number[] = []
  let z = 0
  for (let t = 0; t < n; t++) {
    z = phi * z + rnd.normal()
    y.push(level + z)
  }
  return y
}

describe('detectAnomalies', () => {
  it('finds a spike, a dip and a level shift, each once, with its kind', () => {
    const y = ar1(400, 0.5, 31)
    y[100] = y[100]! + 9
    y[200] = y[200]! - 9
    for (let t = 300; t < y.length; t++) y[t] = y[t]! + 8
    const { model } = selectArima(y, { maxP: 2, maxQ: 1 })
    const anomalies = detectAnomalies(model)
    expect(anomalies.map((a) => [a.index, a.kind])).toEqual([
      [100, 'spike'],
      [200, 'dip'],
      [300, 'level-shift'],
    ])
    const spike = anomalies[0]!
    expect(spike.value - spike.expected).toBeCloseTo(spike.residual, 10)
    expect(spike.score).toBeGreaterThan(3.5)
  })

  it('finds nothing in clean data', () => {
    const model = fitArima(ar1(400, 0.5, 32), { order: { p: 1, d: 0, q: 0 } })
    expect(detectAnomalies(model)).toEqual([])
  })

  it('uses a robust scale: many outliers do not hide one another', () => {
    const y = ar1(300, 0.3, 33)
    const spikes = [40, 80, 120, 160, 200, 240]
    for (const t of spikes) y[t] = y[t]! + 10
    const model = fitArima(y, { order: { p: 1, d: 0, q: 0 } })
    const found = detectAnomalies(model).filter((a) => a.kind === 'spike')
    expect(found.map((a) => a.index)).toEqual(spikes)
  })

  it('respects the threshold', () => {
    const y = ar1(300, 0.3, 34)
    y[150] = y[150]! + 4.5
    const model = fitArima(y, { order: { p: 1, d: 0, q: 0 } })
    expect(detectAnomalies(model, { threshold: 3.5 }).map((a) => a.index)).toContain(150)
    expect(detectAnomalies(model, { threshold: 8 })).toEqual([])
  })

  it.each([
    ['LengthMismatchError', () => detectAnomalies({ history: [1, 2, 3], residuals: [0.1], residualOffset: 0 })],
    ['NonFiniteValueError', () => detectAnomalies({ history: [1, Number.NaN], residuals: [0, 0], residualOffset: 0 })],
    [
      'InvalidThresholdError',
      () => detectAnomalies({ history: [1, 2], residuals: [0, 1], residualOffset: 0 }, { threshold: 0 }),
    ],
    [
      'InvalidPeriodError',
      () => detectAnomalies({ history: [1, 2], residuals: [0, 1], residualOffset: 0 }, { window: 0 }),
    ],
  ])('%s', (name, act) => {
    expect(act).toThrow(expect.objectContaining({ name }))
  })
})
