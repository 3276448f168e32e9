import { describe, expect, it } from 'vitest'
import {
  type Capability,
  candidateCost,
  createPlanner,
  DEFAULT_WEIGHTS,
  type Fraction,
  fraction,
  gbPerSecond,
  gigabytes,
  type Job,
  NO_RISK,
  type Requirement,
  type Risk,
  type Slot,
  seconds,
  usd,
  usdPerHour,
  usdPerSecond,
} from '../src/index.js'

const capability = (over: Partial<Capability> = {}): Capability => ({
  gpu: { model: 'H100', count: 1, vramGb: 80 },
  cloud: 'aws',
  region: 'us-east',
  zone: 'us-east-1a',
  spot: true,
  runtimes: ['vllm', 'container'],
  cachedModels: [],
  diskGb: 1000,
  ...over,
})
const slot = (id: string, over: Partial<Slot> = {}, cap: Partial<Capability> = {}): Slot => ({
  id,
  capability: capability(cap),
  price: usdPerHour(2),
  bandwidth: gbPerSecond(1),
  latency: seconds(0.02),
  load: fraction(0),
  ...over,
})
const job = (id: string, req: Partial<Requirement> = {}, hours = 1): Job => ({
  id,
  requirement: {
    vramGb: 20,
    gpus: 1,
    spotAllowed: true,
    runtime: 'vllm',
    model: { name: 'llama-8b', sizeGb: 16 },
    ...req,
  },
  expectedDuration: seconds(hours * 3600),
})
const noSideTerms = { latency: usdPerSecond(0), load: usdPerSecond(0), outage: usdPerSecond(0) }

describe('units', () => {
  it('refuses negative, NaN and infinite quantities by name', () => {
    for (const make of [seconds, usd, gigabytes, gbPerSecond, usdPerSecond]) {
      expect(() => make(-1)).toThrow(expect.objectContaining({ name: 'InvalidQuantityError' }))
      expect(() => make(Number.NaN)).toThrow(expect.objectContaining({ name: 'InvalidQuantityError' }))
    }
    expect(() => fraction(1.5)).toThrow(expect.objectContaining({ name: 'InvalidQuantityError', unit: 'Fraction' }))
    expect(usdPerHour(36)).toBeCloseTo(0.01, 12)
  })
})

describe('cost model', () => {
  const w = DEFAULT_WEIGHTS

  it('prices a slot as price per second × expected duration', () => {
    const c = candidateCost(job('j', {}, 3), slot('s'), NO_RISK, { ...w, ...noSideTerms })
    expect(c.ok && c.cost.price).toBeCloseTo(6, 9)
    expect(c.ok && c.cost.total).toBeCloseTo(6, 9)
  })

  it('prices the weights transfer as outage, and nothing when the slot has them cached', () => {
    const s = slot('s', { bandwidth: gbPerSecond(0.5) })
    const cold = candidateCost(job('j'), s, NO_RISK, w)
    expect(cold.ok && cold.cost.transferTime).toBe(32)
    expect(cold.ok && cold.cost.transfer).toBeCloseTo(32 * w.outage, 9)
    const warm = candidateCost(job('j'), slot('s', {}, { cachedModels: ['llama-8b'] }), NO_RISK, w)
    expect(warm.ok && warm.cost.transfer).toBe(0)
    expect(warm.ok && warm.cost.transferTime).toBe(0)
  })

  it('prices preemption as risk × failover outage, and raises the risk of a hot zone', () => {
    const risk: Risk = { riskOf: () => 0.1 as Fraction, hotZones: new Set(['us-east-1a']) }
    const inHot = candidateCost(job('j'), slot('a'), risk, w)
    const elsewhere = candidateCost(job('j'), slot('b', {}, { zone: 'us-east-1b' }), risk, w)
    expect(elsewhere.ok && elsewhere.cost.risk).toBeCloseTo(0.1, 12)
    expect(inHot.ok && inHot.cost.risk).toBeCloseTo(1 - 0.9 * (1 - w.zoneCorrelation), 12)
    const outage = (w.failoverBase + 16) * w.outage
    expect(elsewhere.ok && elsewhere.cost.preemption).toBeCloseTo(0.1 * outage, 9)
    expect(inHot.ok && elsewhere.ok && inHot.cost.total > elsewhere.cost.total).toBe(true)
  })

  it('adds latency and load in proportion to the job duration', () => {
    const c = candidateCost(job('j', {}, 2), slot('s', { latency: seconds(0.1), load: fraction(0.5) }), NO_RISK, w)
    expect(c.ok && c.cost.latency).toBeCloseTo(0.1 * w.latency * 7200, 9)
    expect(c.ok && c.cost.load).toBeCloseTo(0.5 * w.load * 7200, 9)
  })

  it('returns the fits() reason for an infeasible pair', () => {
    const c = candidateCost(
      job('j', { vramGb: 80 }),
      slot('s', {}, { gpu: { model: 'L4', count: 1, vramGb: 24 } }),
      NO_RISK,
      w,
    )
    expect(c).toEqual({ ok: false, reason: { kind: 'vram', needGb: 80, haveGb: 24 } })
  })

  it('refuses a risk that is not a probability', () => {
    expect(() => candidateCost(job('j'), slot('s'), { riskOf: () => Number.NaN as Fraction }, w)).toThrow(
      expect.objectContaining({ name: 'InvalidRiskError', slotId: 's' }),
    )
  })
})

describe('createPlanner', () => {
  it('places displaced jobs optimally where greedy in arrival order does not', () => {
    // The 80 GB job fits only the H100; greedy lets the small job take it first because it is cheaper there.
    const slots = [
      slot('h100', { price: usdPerHour(1) }),
      slot('l4', { price: usdPerHour(1.5) }, { gpu: { model: 'L4', count: 1, vramGb: 24 } }),
      slot(
        'a100-ondemand',
        { price: usdPerHour(8) },
        { gpu: { model: 'A100-80GB', count: 1, vramGb: 80 }, spot: false },
      ),
    ]
    const jobs = [job('small'), job('big', { vramGb: 70, model: { name: 'llama-70b', sizeGb: 70 } })]
    const planner = createPlanner({ weights: noSideTerms })
    const opt = planner.plan({ jobs, slots })
    const greedy = planner.plan({ jobs, slots, strategy: 'greedy' })
    const naive = planner.plan({ jobs, slots, strategy: 'naive' })
    expect(opt.placements.map((p) => [p.jobId, p.slotId])).toEqual([
      ['small', 'l4'],
      ['big', 'h100'],
    ])
    expect(opt.totalCost).toBeCloseTo(2.5, 9)
    expect(greedy.placements.map((p) => [p.jobId, p.slotId])).toEqual([
      ['small', 'h100'],
      ['big', 'a100-ondemand'],
    ])
    expect(greedy.totalCost).toBeCloseTo(9, 9)
    expect(naive.placements[0]).toMatchObject({ jobId: 'small', slotId: 'h100' })
  })

  it('asks the risk estimator once per feasible pair, and the breakdowns add up to the total', () => {
    const slots = [
      slot('a', { price: usdPerHour(1) }),
      slot('b', { price: usdPerHour(2) }, { zone: 'us-east-1b' }),
      slot('small', {}, { gpu: { model: 'L4', count: 1, vramGb: 24 } }),
    ]
    const jobs = [job('x', {}, 1), job('y', {}, 2), job('big', { vramGb: 70 }, 3)]
    let asked = 0
    const risk: Risk = {
      riskOf: (s) => {
        asked++
        return (s.id === 'a' ? 0.2 : 0.01) as Fraction
      },
    }
    const plan = createPlanner().plan({ jobs, slots, risk })
    // 'big' does not fit 'small': 8 feasible pairs of 9
    expect(asked).toBe(8)
    const sum = plan.placements.reduce((acc, p) => acc + p.cost.total, 0)
    expect(sum).toBe(plan.totalCost)
    for (const p of plan.placements) {
      const direct = candidateCost(
        jobs.find((j) => j.id === p.jobId)!,
        slots.find((s) => s.id === p.slotId)!,
        risk,
        DEFAULT_WEIGHTS,
      )
      expect(direct.ok && direct.cost).toEqual(p.cost)
    }
  })

  it('avoids the zone being preempted right now when the risk says so', () => {
    const slots = [
      slot('hot', { price: usdPerHour(1) }),
      slot('cool', { price: usdPerHour(1.2) }, { zone: 'us-east-1b' }),
    ]
    const planner = createPlanner()
    const calm = planner.plan({ jobs: [job('j')], slots, risk: { riskOf: () => 0.05 as Fraction } })
    expect(calm.placements[0]?.slotId).toBe('hot')
    const wave = planner.plan({
      jobs: [job('j')],
      slots,
      risk: { riskOf: () => 0.05 as Fraction, hotZones: new Set(['us-east-1a']) },
    })
    expect(wave.placements[0]?.slotId).toBe('cool')
  })

  it('gives each unplaced job its reason: the rules every slot failed, or competition', () => {
    const slots = [
      slot('l4', {}, { gpu: { model: 'L4', count: 1, vramGb: 24 } }),
      slot('eu', {}, { region: 'eu-central' }),
    ]
    const jobs = [
      job('huge', { vramGb: 160, gpus: 2 }),
      job('pinned', { regions: ['eu-central'] }),
      job('pinned-too', { regions: ['eu-central'] }),
    ]
    const plan = createPlanner().plan({ jobs, slots })
    expect(plan.placements.map((p) => p.slotId)).toEqual(['eu'])
    expect(plan.unplaced).toEqual([
      {
        jobId: 'huge',
        reason: {
          kind: 'no-feasible-slot',
          byRule: { 'gpu-count': 2 },
          example: { kind: 'gpu-count', need: 2, have: 1 },
        },
      },
      {
        jobId: plan.placements[0]?.jobId === 'pinned' ? 'pinned-too' : 'pinned',
        reason: { kind: 'outcompeted', feasibleSlots: 1 },
      },
    ])
    expect(Number.isFinite(plan.totalCost)).toBe(true)
  })

  it('refuses duplicate ids, bad slots and bad weights by name', () => {
    const p = createPlanner()
    expect(() => p.plan({ jobs: [job('a'), job('a')], slots: [] })).toThrow(
      expect.objectContaining({ name: 'DuplicateIdError' }),
    )
    expect(() => p.plan({ jobs: [], slots: [slot('s', { bandwidth: 0 as never })] })).toThrow(
      expect.objectContaining({ name: 'InvalidSlotError', field: 'bandwidth' }),
    )
    expect(() => p.plan({ jobs: [], slots: [slot('s', { load: 2 as never })] })).toThrow(
      expect.objectContaining({ name: 'InvalidSlotError', field: 'load' }),
    )
    expect(() => p.plan({ jobs: [job('j', { gpus: 0 })], slots: [] })).toThrow(
      expect.objectContaining({ name: 'InvalidRequirementError' }),
    )
    expect(() => createPlanner({ weights: { outage: -1 as never } })).toThrow(
      expect.objectContaining({ name: 'InvalidWeightsError', field: 'outage' }),
    )
  })

  it('plans nothing for no jobs and everything unplaced for no slots', () => {
    const p = createPlanner()
    expect(p.plan({ jobs: [], slots: [slot('s')] })).toEqual({
      strategy: 'optimal',
      placements: [],
      totalCost: 0,
      unplaced: [],
    })
    const none = p.plan({ jobs: [job('j')], slots: [] })
    expect(none.unplaced).toEqual([{ jobId: 'j', reason: { kind: 'no-feasible-slot', byRule: {} } }])
  })
})
