import { describe, expect, it } from 'vitest'
import {
  analyseSeries,
  combineRisk,
  crossingProbability,
  hysteresis,
  nextSpareState,
  prognosticsReport,
} from '../../src/prognostics/index.js'
import { series, T0 } from './synthetic.js'

const STEP = 10

describe('analyseSeries: periods', () => {
  it('finds a known 600 s rhythm in noisy memory samples', () => {
    const samples = series(360, STEP, (t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 600), 1)
    const { report } = analyseSeries({ name: 'memory', samples, threshold: 90 }, { now: samples.at(-1)!.t })
    expect(report.samples).toBe(360)
    expect(report.periodsSec).toHaveLength(1)
    expect(report.periodsSec[0]).toBeGreaterThan(600 * 0.97)
    expect(report.periodsSec[0]).toBeLessThan(600 * 1.03)
    // Peaks at 60 % stay far below 90 %: no crossing.
    expect(report.timeToThresholdSec).toBeNull()
  })

  it('finds no period in noise around a level', () => {
    const samples = series(200, STEP, () => 40, 1, 7)
    const analysis = analyseSeries({ name: 'memory', samples, threshold: 90 }, { now: samples.at(-1)!.t })
    expect(analysis.report.periodsSec).toEqual([])
    expect(analysis.crossing?.kind).toBe('none-within-horizon')
    expect(analysis.probability).toBe(0)
  })
})

describe('analyseSeries: time to threshold', () => {
  // 20 % rising 0.05 %/s: after 120 samples (1 190 s) at ≈ 79.5 %, it reaches 90 % at 1 400 s.
  const ramp = series(120, STEP, (t) => 20 + 0.05 * t, 0.5, 3)
  const last = ramp.at(-1)!
  const trueCrossing = T0 + 1_400 - last.t // seconds from the last sample

  it('predicts a ramp crossing before it happens, in the right window', () => {
    expect(last.v).toBeLessThan(90)
    const { report, crossing } = analyseSeries({ name: 'memory', samples: ramp, threshold: 90 }, { now: last.t })
    expect(crossing?.kind).toBe('crossing')
    const ttt = report.timeToThresholdSec!
    // The warning comes before the event: the pessimistic bound is not later than the truth.
    expect(ttt.earliest).toBeGreaterThan(0)
    expect(ttt.earliest).toBeLessThanOrEqual(trueCrossing)
    expect(ttt.earliest).toBeLessThanOrEqual(ttt.likely)
    expect(ttt.likely).toBeLessThanOrEqual(ttt.latest)
    expect(Math.abs(ttt.likely - trueCrossing)).toBeLessThan(0.15 * trueCrossing)
  })

  it('counts time from now, not from the last sample', () => {
    const later = analyseSeries({ name: 'memory', samples: ramp, threshold: 90 }, { now: last.t + 60 })
    const atLast = analyseSeries({ name: 'memory', samples: ramp, threshold: 90 }, { now: last.t })
    expect(later.report.timeToThresholdSec!.likely).toBeCloseTo(atLast.report.timeToThresholdSec!.likely - 60, 6)
  })

  it('the chance within the warm-up window follows the interval: near 1 past it, near 0 before', () => {
    const long = analyseSeries({ name: 'memory', samples: ramp, threshold: 90 }, { now: last.t, warmupSec: 600 })
    const short = analyseSeries({ name: 'memory', samples: ramp, threshold: 90 }, { now: last.t, warmupSec: 60 })
    expect(long.probability).toBeGreaterThan(0.9)
    expect(short.probability).toBeLessThan(0.05)
  })

  it('a series already past its threshold crosses now, with certainty', () => {
    const samples = series(40, STEP, () => 95, 0.5)
    const a = analyseSeries({ name: 'memory', samples, threshold: 90 }, { now: samples.at(-1)!.t })
    expect(a.report.timeToThresholdSec).toEqual({ earliest: 0, likely: 0, latest: 0 })
    expect(a.probability).toBe(1)
  })

  it('a falling series against a `below` threshold crosses too', () => {
    const falling = series(120, STEP, (t) => 80 - 0.05 * t, 0.5, 5)
    const a = analyseSeries(
      { name: 'memory', samples: falling, threshold: 10, direction: 'below' },
      { now: falling.at(-1)!.t },
    )
    expect(a.crossing?.kind).toBe('crossing')
    expect(a.report.timeToThresholdSec!.likely).toBeGreaterThan(0)
  })

  it('with too few samples: no forecast, no period, no risk', () => {
    const samples = series(10, STEP, (t) => 20 + 0.05 * t, 0.5)
    const a = analyseSeries({ name: 'requests', samples, threshold: 90 }, { now: samples.at(-1)!.t })
    expect(a).toMatchObject({ crossing: null, probability: 0, report: { periodsSec: [], timeToThresholdSec: null } })
  })

  it('a constant series (an idle server: zero requests) forecasts itself', () => {
    const samples = series(60, STEP, () => 0, 0)
    const a = analyseSeries({ name: 'requests', samples, threshold: 256 }, { now: samples.at(-1)!.t })
    expect(a.crossing?.kind).toBe('none-within-horizon')
    expect(a.probability).toBe(0)
  })

  it('error: a non-positive warm-up window is InvalidPrognosticsOptionError', () => {
    expect(() => analyseSeries({ name: 'memory', samples: [], threshold: 90 }, { now: T0, warmupSec: 0 })).toThrow(
      expect.objectContaining({ name: 'InvalidPrognosticsOptionError', option: 'warmupSec' }),
    )
  })
})

describe('crossingProbability', () => {
  const crossing = { kind: 'crossing', earliest: 100, likely: 200, latest: 300 } as const
  it('is a piecewise-linear CDF through the interval quantiles', () => {
    expect(crossingProbability(crossing, 50)).toBeCloseTo(0.0125, 10)
    expect(crossingProbability(crossing, 100)).toBeCloseTo(0.025, 10)
    expect(crossingProbability(crossing, 150)).toBeCloseTo(0.2625, 10)
    expect(crossingProbability(crossing, 200)).toBeCloseTo(0.5, 10)
    expect(crossingProbability(crossing, 300)).toBeCloseTo(0.975, 10)
    expect(crossingProbability(crossing, 10_000)).toBeCloseTo(0.975, 10)
  })
  it('caps `possible` and a beyond-horizon bound at one half', () => {
    expect(crossingProbability({ kind: 'possible', earliest: 100, horizonEnd: 1_000 }, 10_000)).toBe(0.5)
    expect(
      crossingProbability({ kind: 'crossing', earliest: 100, likely: 200, latest: 'beyond-horizon' }, 10_000),
    ).toBe(0.5)
    expect(crossingProbability({ kind: 'none-within-horizon', horizonEnd: 1_000 }, 500)).toBe(0)
    expect(crossingProbability({ kind: 'already-crossed', value: 99 }, 0)).toBe(1)
  })
  it('places an optimistic bound beyond the horizon at the horizon, when known (errs early)', () => {
    const beyond = { kind: 'crossing', earliest: 100, likely: 200, latest: 'beyond-horizon' } as const
    expect(crossingProbability(beyond, 600, { horizonEnd: 1_000 })).toBeCloseTo(0.5 + 0.475 * 0.5, 10)
    expect(crossingProbability(beyond, 1_000, { horizonEnd: 1_000 })).toBeCloseTo(0.975, 10)
    expect(crossingProbability(crossing, 100, { level: 0.8 })).toBeCloseTo(0.1, 10)
  })
})

describe('risk', () => {
  it('combines independent causes: at least one of them', () => {
    expect(combineRisk([])).toBe(0)
    expect(combineRisk([0.5, 0.5])).toBeCloseTo(0.75, 12)
    expect(combineRisk([0.2, 1])).toBe(1)
  })

  it('adds the spot hazard to the series', () => {
    const flat = series(60, STEP, () => 40, 1)
    const now = flat.at(-1)!.t
    const quiet = prognosticsReport([{ name: 'memory', samples: flat, threshold: 90 }], { now })
    expect(quiet.risk).toBe(0)
    const spot = prognosticsReport([{ name: 'memory', samples: flat, threshold: 90 }], { now, hazard: 0.4 })
    expect(spot).toMatchObject({ hazard: 0.4, risk: 0.4 })
    expect(spot.series).toEqual(quiet.series)
  })
})

describe('spare hysteresis', () => {
  it('raises at raiseAt, holds until risk falls below clearAt, so it does not flap', () => {
    const h = hysteresis({ raiseAt: 0.5, clearAt: 0.3 })
    const risks = [0.2, 0.49, 0.55, 0.45, 0.31, 0.5, 0.29, 0.45, 0.5]
    const states: boolean[] = []
    let on = false
    for (const r of risks) {
      on = nextSpareState(on, r, h)
      states.push(on)
    }
    expect(states).toEqual([false, false, true, true, true, true, false, false, true])
  })

  it('error: clearAt not below raiseAt is InvalidHysteresisError', () => {
    expect(() => hysteresis({ raiseAt: 0.3, clearAt: 0.3 })).toThrow(
      expect.objectContaining({ name: 'InvalidHysteresisError' }),
    )
    expect(() => hysteresis({ raiseAt: 1.2 })).toThrow(expect.objectContaining({ name: 'InvalidHysteresisError' }))
  })
})
