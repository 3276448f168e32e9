import { describe, expect, it } from 'vitest'
import {
  bootstrapMeanInterval,
  createStream,
  GRID,
  paired,
  parseScenario,
  scenarioAt,
  scenarioId,
  scenarioIndex,
  signTest,
} from '../src/index.js'

describe('streams', () => {
  it('repeat for the same seed and name, and differ across seeds and names', () => {
    const draw = (seed: number, name: string) => {
      const s = createStream(seed, name)
      return Array.from({ length: 5 }, () => s.next())
    }
    expect(draw(1, 'jobs')).toEqual(draw(1, 'jobs'))
    expect(draw(1, 'jobs')).not.toEqual(draw(2, 'jobs'))
    expect(draw(1, 'jobs')).not.toEqual(draw(1, 'price'))
  })

  it('draws uniforms in [0, 1) and exponentials with the asked mean', () => {
    const s = createStream(9, 'check')
    let sum = 0
    let sumExp = 0
    for (let i = 0; i < 20_000; i++) {
      const u = s.next()
      expect(u >= 0 && u < 1).toBe(true)
      sum += u
      sumExp += s.exp(3)
    }
    expect(sum / 20_000).toBeCloseTo(0.5, 1)
    expect(sumExp / 20_000).toBeGreaterThan(2.85)
    expect(sumExp / 20_000).toBeLessThan(3.15)
  })
})

describe('scenario grid', () => {
  it('has 243 distinct scenarios whose index round-trips', () => {
    expect(GRID).toHaveLength(243)
    expect(new Set(GRID.map(scenarioId)).size).toBe(243)
    expect(GRID.map(scenarioIndex)).toEqual(GRID.map((_, i) => i))
    expect(scenarioAt(0)).toEqual({ model: 'low', bandwidth: 'low', volatility: 'low', preemption: 'low', load: 'low' })
    expect(scenarioAt(242).load).toBe('high')
  })

  it('parses factor=level pairs with mid defaults, or an index', () => {
    expect(parseScenario('model=high,load=low')).toEqual({
      model: 'high',
      bandwidth: 'mid',
      volatility: 'mid',
      preemption: 'mid',
      load: 'low',
    })
    expect(parseScenario('7')).toEqual(scenarioAt(7))
  })

  it.each(['model=huge', 'speed=low', 'model', 'model=low=high', '243'])('refuses "%s" by name', (spec) => {
    expect(() => parseScenario(spec)).toThrow(expect.objectContaining({ name: 'InvalidScenarioError' }))
  })
})

describe('statistics', () => {
  it('computes the exact two-sided sign test', () => {
    expect(signTest(10, 0)).toBeCloseTo(2 / 1024, 12)
    expect(signTest(5, 5)).toBe(1)
    expect(signTest(0, 0)).toBe(1)
    // P(X ≤ 2) for Bin(10, ½) = 56/1024, doubled
    expect(signTest(8, 2)).toBeCloseTo(112 / 1024, 12)
  })

  it('counts wins, losses and ties of paired costs, lower being better', () => {
    const s = paired([1, 2, 3, 4], [2, 2, 1, 5])
    expect([s.wins, s.losses, s.ties]).toEqual([2, 1, 1])
    expect(s.meanDiff).toBeCloseTo(0, 12)
    expect(s.medianDiff).toBeCloseTo(0.5, 12)
  })

  it('puts the mean inside its bootstrap interval and is reproducible', () => {
    const xs = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 10 + 3)
    const [lo, hi] = bootstrapMeanInterval(xs)
    const m = xs.reduce((a, b) => a + b, 0) / xs.length
    expect(lo).toBeLessThan(m)
    expect(hi).toBeGreaterThan(m)
    expect(bootstrapMeanInterval(xs)).toEqual([lo, hi])
  })
})
