import { describe, expect, it } from 'vitest'
import { createHazardModel, type HazardKey, type HazardModel } from '../src/index.js'
import { seeded } from './support/random.js'

const HOUR = 3600
const key = (zone: string, instanceType = 'g5.xlarge', region = 'eu-central-1'): HazardKey => ({
  cloud: 'aws',
  region,
  zone,
  instanceType,
})

/**
 * Runs `fleet` instances of `k` for `hours`, preempting each at `rate` per hour (exponential
 * lifetimes); a preempted instance is replaced at once, so exposure stays `fleet` x `hours`.
 * Returns the number of notices.
 */
function simulatePool(model: HazardModel, k: HazardKey, fleet: number, hours: number, rate: number, seed: number) {
  const rnd = seeded(seed)
  const events: { time: number; kind: 'notice' | 'down' | 'up' }[] = []
  for (let i = 0; i < fleet; i++) {
    events.push({ time: 0, kind: 'up' })
    let t = rnd.exponential(rate) * HOUR
    while (t < hours * HOUR) {
      events.push({ time: t, kind: 'notice' }, { time: t + 60, kind: 'down' }, { time: t + 60, kind: 'up' })
      t += 60 + rnd.exponential(rate) * HOUR
    }
  }
  events.sort((a, b) => a.time - b.time || (a.kind === 'up' ? 1 : 0) - (b.kind === 'up' ? 1 : 0))
  for (const e of events) model.observe({ ...e, key: k })
  return events.filter((e) => e.kind === 'notice').length
}

describe('hazard: learning a rate from notices and exposure', () => {
  it('recovers a pool rate from notices over instance-hours', () => {
    const model = createHazardModel()
    const k = key('eu-central-1a')
    const notices = simulatePool(model, k, 40, 200, 0.05, 1)
    const end = 200 * HOUR
    const post = model.posterior(k, end)
    expect(post.notices).toBe(notices)
    expect(post.exposureHours).toBeCloseTo(40 * 200, 0)
    expect(post.mean).toBeGreaterThan(0.04)
    expect(post.mean).toBeLessThan(0.06)
    // Long after the last notice, the hazard is the base rate alone.
    const later = end + 2 * HOUR
    expect(model.hazard(k, later)).toBeCloseTo(model.posterior(k, later).mean, 6)
  })

  it('counts exposure: hours without notices lower the hazard below the prior', () => {
    const model = createHazardModel({ priorRatePerHour: 0.01 })
    const k = key('eu-central-1a')
    expect(model.hazard(k, 0)).toBeCloseTo(0.01, 10)
    model.observe({ kind: 'up', key: k, time: 0 })
    model.observe({ kind: 'up', key: k, time: 0 })
    // Exposure keeps accruing up to the query time while the instances run.
    const after = model.posterior(k, 500 * HOUR)
    expect(after.exposureHours).toBeCloseTo(1000, 6)
    expect(after.mean).toBeLessThan(0.001)
    model.observe({ kind: 'down', key: k, time: 10 * HOUR })
    expect(model.posterior(k, 500 * HOUR).exposureHours).toBeCloseTo(10 + 500, 6)
  })

  it('accepts aggregated history', () => {
    const model = createHazardModel()
    const k = key('eu-central-1b')
    model.addHistory(k, { notices: 30, instanceHours: 1000 })
    expect(model.hazard(k, 0)).toBeGreaterThan(0.025)
    expect(model.hazard(k, 0)).toBeLessThan(0.031)
  })
})

describe('hazard: hierarchical shrinkage', () => {
  const build = () => {
    const model = createHazardModel()
    model.addHistory(key('eu-central-1a'), { notices: 200, instanceHours: 2000 })
    model.addHistory(key('eu-central-1b'), { notices: 100, instanceHours: 1000 })
    return model
  }

  it('a new zone of a known pool starts at the region x type rate, not the cloud prior', () => {
    const model = build()
    const fresh = model.hazard(key('eu-central-1c'), 0)
    expect(fresh).toBeGreaterThan(0.08)
    expect(fresh).toBeLessThan(0.11)
  })

  it('a thinly observed key lies between its raw rate and its parent rate', () => {
    const model = build()
    const thin = key('eu-central-1c')
    model.addHistory(thin, { notices: 3, instanceHours: 6 })
    const post = model.posterior(thin, 0)
    expect(post.mean).toBeLessThan(0.5)
    expect(post.mean).toBeGreaterThan(post.priorMean)
  })

  it('a well observed key follows its own data', () => {
    const model = build()
    const rich = key('eu-central-1c')
    model.addHistory(rich, { notices: 20, instanceHours: 20000 })
    expect(model.hazard(rich, 0)).toBeLessThan(0.0015)
  })

  it('an instance type risky in one region is riskier in a new region than a quiet type', () => {
    const model = createHazardModel()
    model.addHistory(key('eu-central-1a', 'p4d.24xlarge'), { notices: 100, instanceHours: 500 })
    model.addHistory(key('eu-central-1a', 'g5.xlarge'), { notices: 1, instanceHours: 500 })
    model.addHistory(key('us-east-1a', 'g5.xlarge', 'us-east-1'), { notices: 1, instanceHours: 500 })
    const risky = model.hazard(key('us-east-1b', 'p4d.24xlarge', 'us-east-1'), 0)
    const quiet = model.hazard(key('us-east-1b', 'g5.xlarge', 'us-east-1'), 0)
    expect(risky).toBeGreaterThan(3 * quiet)
  })

  it('keys of other clouds do not inform each other', () => {
    const model = createHazardModel({ priorRatePerHour: 0.002 })
    model.addHistory(key('eu-central-1a'), { notices: 500, instanceHours: 1000 })
    const hetzner: HazardKey = { cloud: 'hetzner', region: 'fsn1', zone: 'fsn1-dc14', instanceType: 'gex44' }
    expect(model.hazard(hetzner, 0)).toBeCloseTo(0.002, 10)
  })
})

describe('hazard: zone correlation', () => {
  const zoneA = key('eu-central-1a')
  const zoneAOther = key('eu-central-1a', 'g6.xlarge')
  const zoneB = key('eu-central-1b')

  const withFleet = () => {
    const model = createHazardModel()
    for (const k of [zoneA, zoneAOther, zoneB]) {
      model.addHistory(k, { notices: 10, instanceHours: 1000 })
      for (let i = 0; i < 5; i++) model.observe({ kind: 'up', key: k, time: 0 })
    }
    return model
  }

  it('a notice raises the hazard of its zone, same type most, and leaves other zones alone', () => {
    const model = withFleet()
    const t0 = 10 * HOUR
    const before = model.hazard(zoneA, t0)
    const beforeB = model.hazard(zoneB, t0)
    model.observe({ kind: 'notice', key: zoneA, time: t0 })
    const at = t0 + 10
    const same = model.hazard(zoneA, at)
    const otherType = model.hazard(zoneAOther, at)
    const otherZone = model.hazard(zoneB, at)
    expect(same).toBeGreaterThan(100 * before)
    expect(otherType).toBeGreaterThan(10 * before)
    expect(same).toBeGreaterThan(2 * otherType)
    expect(otherZone).toBeCloseTo(beforeB, 3)
  })

  it('the excess decays: most of it is spent within three minutes', () => {
    const model = withFleet()
    const t0 = 10 * HOUR
    model.observe({ kind: 'notice', key: zoneA, time: t0 })
    const base = model.posterior(zoneA, t0 + HOUR).mean
    const excessAt = (dt: number) => model.hazard(zoneA, t0 + dt) - model.posterior(zoneA, t0 + dt).mean
    expect(excessAt(180) / excessAt(0)).toBeCloseTo(0.1, 6)
    expect(excessAt(60)).toBeLessThan(excessAt(30))
    expect(model.hazard(zoneA, t0 + HOUR)).toBeCloseTo(base, 6)
    const within3min = model.probabilityWithin(zoneA, t0, 180)
    const within1h = model.probabilityWithin(zoneA, t0, HOUR)
    const prior = model.coInterruption().sameType.probability
    expect(within3min).toBeGreaterThan(0.9 * prior)
    expect(within1h - within3min).toBeLessThan(0.1)
  })

  it('learns the co-interruption probability from bursts', () => {
    const truth = 0.7
    const model = createHazardModel()
    const rnd = seeded(7)
    const zone = key('eu-central-1a')
    let t = 0
    const fleet = 12
    for (let burst = 0; burst < 40; burst++) {
      for (let i = 0; i < fleet; i++) model.observe({ kind: 'up', key: zone, time: t })
      t += 2 * HOUR
      model.observe({ kind: 'notice', key: zone, time: t })
      let dt = 0
      for (let i = 1; i < fleet; i++) {
        dt += 5
        if (rnd.uniform() < truth) model.observe({ kind: 'notice', key: zone, time: t + dt })
      }
      t += 120
      for (let i = 0; i < fleet; i++) model.observe({ kind: 'down', key: zone, time: t })
      t += HOUR
    }
    model.observe({ kind: 'up', key: zone, time: t + HOUR })
    const learnt = model.coInterruption().sameType
    expect(learnt.trials).toBe(40 * (fleet - 1))
    expect(learnt.probability).toBeGreaterThan(0.62)
    expect(learnt.probability).toBeLessThan(0.78)
  })
})

describe('hazard: probabilityWithin', () => {
  it('is the Gamma-Poisson predictive when no burst is active', () => {
    const model = createHazardModel()
    const k = key('eu-central-1a')
    model.addHistory(k, { notices: 50, instanceHours: 1000 })
    const { shape, rateHours } = model.posterior(k, 0)
    const p = model.probabilityWithin(k, 0, 10 * HOUR)
    expect(p).toBeCloseTo(1 - (rateHours / (rateHours + 10)) ** shape, 12)
    expect(p).toBeCloseTo(1 - Math.exp(-10 * (shape / rateHours)), 2)
    expect(model.probabilityWithin(k, 0, 0)).toBe(0)
    expect(model.probabilityWithin(k, 0, 20 * HOUR)).toBeGreaterThan(p)
  })
})

describe('hazard: bad input', () => {
  const k = key('eu-central-1a')
  it.each([
    ['EventOutOfOrderError', (m: HazardModel) => m.observe({ kind: 'up', key: k, time: 5 })],
    ['NoRunningInstanceError', (m: HazardModel) => m.observe({ kind: 'down', key: key('eu-central-1c'), time: 20 })],
    ['InvalidHazardKeyError', (m: HazardModel) => m.hazard({ ...k, zone: '' }, 20)],
    ['InvalidHazardKeyError', (m: HazardModel) => m.hazard({ ...k, cloud: 'gcp' as 'aws' }, 20)],
    ['InvalidTimeError', (m: HazardModel) => m.observe({ kind: 'up', key: k, time: Number.NaN })],
    ['InvalidTimeError', (m: HazardModel) => m.hazard(k, -1)],
    ['InvalidDurationError', (m: HazardModel) => m.probabilityWithin(k, 20, -5)],
    ['InvalidPriorError', (m: HazardModel) => m.addHistory(k, { notices: 1.5, instanceHours: 3 })],
  ])('%s', (name, act) => {
    const model = createHazardModel()
    model.observe({ kind: 'up', key: k, time: 10 })
    expect(() => act(model)).toThrow(expect.objectContaining({ name }))
    // The failed call lost nothing: the running instance still accrues exposure.
    expect(model.posterior(k, 10 + HOUR).exposureHours).toBeCloseTo(1, 9)
  })

  it('rejects bad settings', () => {
    expect(() => createHazardModel({ priorRatePerHour: 0 })).toThrow(
      expect.objectContaining({ name: 'InvalidPriorError' }),
    )
    expect(() => createHazardModel({ sameTypeCoProbability: 1 })).toThrow(
      expect.objectContaining({ name: 'InvalidPriorError' }),
    )
  })
})
