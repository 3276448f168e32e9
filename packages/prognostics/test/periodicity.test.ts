import { describe, expect, it } from 'vitest'
import { type DetectedPeriod, findPeriods, resample, seasonFromPeriods } from '../src/index.js'
import { seeded } from './support/random.js'

const TAU = 2 * Math.PI

function sines(n: number, components: { period: number; amplitude: number }[], noise: number, seed: number) {
  const rnd = seeded(seed)
  return Array.from(
    { length: n },
    (_, t) => components.reduce((s, c) => s + c.amplitude * Math.sin((TAU * t) / c.period), 0) + noise * rnd.normal(),
  )
}

describe('findPeriods', () => {
  it('finds one known period with its strength and confidence', () => {
    const values = sines(480, [{ period: 24, amplitude: 2 }], 1, 1)
    const { periods } = findPeriods(values)
    expect(periods).toHaveLength(1)
    expect(periods[0]!.period).toBeCloseTo(24, 0)
    expect(periods[0]!.strength).toBeGreaterThan(0.5)
    expect(periods[0]!.confidence).toBeGreaterThanOrEqual(0.99)
  })

  it('finds two periods, stronger first, in time units of the step, despite a trend', () => {
    const base = sines(
      1344,
      [
        { period: 24, amplitude: 3 },
        { period: 168, amplitude: 1.5 },
      ],
      1,
      2,
    )
    const values = base.map((v, t) => v + 0.02 * t)
    const { periods } = findPeriods(values, { step: 3600 })
    expect(periods).toHaveLength(2)
    // Within 1 %: the native resolution at 8 cycles is coarse, interpolation between bins refines it.
    expect(Math.abs(periods[0]!.period / 3600 - 24) / 24).toBeLessThan(0.01)
    expect(Math.abs(periods[1]!.period / 3600 - 168) / 168).toBeLessThan(0.01)
    expect(periods[0]!.strength).toBeGreaterThan(periods[1]!.strength)
  })

  it('finds the period through gaps and uneven sampling', () => {
    const rnd = seeded(3)
    const times: number[] = []
    const values: number[] = []
    let t = 0
    while (t < 600) {
      // Jittered spacing around 1, and a 15 % chance of a gap of 2 to 4 samples.
      t += rnd.uniform() < 0.15 ? 2 + 2 * rnd.uniform() : 0.6 + 0.8 * rnd.uniform()
      times.push(t)
      values.push(Math.sin((TAU * t) / 37) * 2 + 0.5 * rnd.normal())
    }
    const result = findPeriods({ times, values })
    expect(result.interpolated).toBeGreaterThan(0)
    expect(result.periods.length).toBeGreaterThanOrEqual(1)
    expect(result.periods[0]!.period).toBeGreaterThan(36)
    expect(result.periods[0]!.period).toBeLessThan(38)
  })

  it('reports no period in white noise', () => {
    for (const seed of [11, 12, 13, 14, 15]) {
      const rnd = seeded(seed)
      const noise = Array.from({ length: 512 }, () => rnd.normal())
      expect(findPeriods(noise).periods).toEqual([])
    }
  })

  it('reports nothing for a constant series', () => {
    expect(findPeriods(new Array(64).fill(5)).periods).toEqual([])
  })

  it('marks harmonics of a non-sinusoidal rhythm', () => {
    // A square wave of period 40 has odd harmonics at 40/3, 40/5, …
    const values = Array.from({ length: 800 }, (_, t) => (t % 40 < 20 ? 1 : -1))
    const { periods } = findPeriods(values)
    expect(periods[0]!.period).toBeCloseTo(40, 0)
    expect(periods[0]!.harmonicOf).toBeUndefined()
    const third = periods.find((p) => Math.abs(p.period - 40 / 3) < 0.5)
    expect(third?.harmonicOf).toBeCloseTo(periods[0]!.period, 6)
  })

  it('gives the same confidences for the same seed', () => {
    const values = sines(256, [{ period: 16, amplitude: 0.4 }], 1, 4)
    expect(findPeriods(values, { seed: 9 })).toEqual(findPeriods(values, { seed: 9 }))
  })

  it.each([
    ['TooShortSeriesError', () => findPeriods([1, 2, 3])],
    ['NonFiniteValueError', () => findPeriods([...new Array(20).fill(1), Number.NaN])],
    ['NonIncreasingTimestampsError', () => findPeriods({ times: [0, 1, 1, 2], values: [1, 2, 3, 4] })],
    ['LengthMismatchError', () => findPeriods({ times: [0, 1, 2], values: [1, 2] })],
    ['InvalidPeriodError', () => findPeriods(new Array(32).fill(1), { step: 0 })],
    ['InvalidPeriodError', () => findPeriods({ times: [0, 1, 2], values: [1, 2, 3] }, { gridStep: -1 })],
    ['NonFiniteValueError', () => findPeriods({ times: [0, Number.NaN, 2], values: [1, 2, 3] })],
    ['InvalidLevelError', () => findPeriods(new Array(32).fill(1), { minConfidence: 1 })],
  ])('%s', (name, act) => {
    expect(act).toThrow(expect.objectContaining({ name }))
  })
})

describe('resample', () => {
  it('fills gaps linearly on the median spacing', () => {
    const grid = resample({ times: [0, 1, 2, 5, 6], values: [0, 1, 2, 5, 6] })
    expect(grid.step).toBe(1)
    expect(grid.values).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(grid.interpolated).toBe(2)
  })

  it('interpolates uneven samples onto a given step', () => {
    const grid = resample({ times: [0, 0.5, 2], values: [0, 10, 40] }, 1)
    expect(grid.values).toEqual([0, 20, 40])
  })
})

describe('seasonFromPeriods', () => {
  const period = (periodSamples: number, strength: number, harmonicOf?: number): DetectedPeriod => ({
    period: periodSamples,
    periodSamples,
    strength,
    confidence: 0.995,
    ...(harmonicOf === undefined ? {} : { harmonicOf }),
  })
  it('snaps the longest period to a multiple of the strongest', () => {
    expect(seasonFromPeriods([period(24.01, 0.6), period(167.3, 0.2)])).toBe(168)
  })
  it('keeps a longest period that is no multiple, and ignores harmonics', () => {
    expect(seasonFromPeriods([period(24, 0.6), period(37.2, 0.2), period(12, 0.1, 24)])).toBe(37)
    expect(seasonFromPeriods([period(12, 0.1, 24)])).toBeUndefined()
    expect(seasonFromPeriods([])).toBeUndefined()
  })
})
