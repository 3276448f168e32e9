import { describe, expect, it } from 'vitest'
import {
  capacityPerDollarVsOnDemand,
  type DataFleet,
  DEFAULT_SERVICE,
  fleetFromTraces,
  formatSpotTrace,
  parseSpotTrace,
  runTraceSet,
  type ServiceControl,
  type ServiceSpec,
  ServingTracker,
  servicePolicyByName,
  simulateService,
  spreadRisk,
} from '../src/index.js'

const GAP = 600
const HOUR = 3600
const OD = 3.06

/** A fleet of p3.2xlarge spot pools, one per zone, from counts per 10-minute tick. */
function fleetOf(zones: Record<string, number[]>): DataFleet {
  return fleetFromTraces(
    Object.entries(zones).map(([zone, counts]) =>
      parseSpotTrace(`availability/${zone}_v100_1.json`, formatSpotTrace(GAP, counts)),
    ),
  )
}
const ticks = (hours: number, count: number) => new Array<number>((hours * HOUR) / GAP).fill(count)

function run(
  fleet: DataFleet,
  policy: string,
  service: Partial<ServiceSpec> = {},
  control: Partial<ServiceControl> = {},
) {
  return simulateService(
    fleet,
    { ...DEFAULT_SERVICE, ...service },
    servicePolicyByName(policy),
    { start: 0, end: fleet.horizon, bestZone: 'us-east-1a' },
    { control },
  )
}

describe('ServingTracker', () => {
  it('integrates replicas (at most N), time with any and with all up, and the longest outage', () => {
    const t = new ServingTracker(0, 2)
    t.set(0, 3)
    t.set(100, 1)
    t.set(200, 0)
    t.set(250, 2)
    const m = t.finish(400)
    expect(m.replicaHours).toBeCloseTo((2 * 100 + 1 * 100 + 2 * 150) / 3600)
    expect(m.anyUp).toBeCloseTo(350 / 400)
    expect(m.allUp).toBeCloseTo(250 / 400)
    expect(m.longestOutageSeconds).toBe(50)
    expect(m.outages).toBe(1)
  })
})

describe('simulateService', () => {
  it('on-demand pays N list prices for the whole trace, which ends the run', () => {
    const fleet = fleetFromTraces([
      parseSpotTrace('availability/us-east-1a_v100_1.json', formatSpotTrace(GAP, ticks(10, 1))),
      parseSpotTrace('availability/us-east-1b_v100_1.json', formatSpotTrace(GAP, ticks(6, 1))),
    ])
    expect(fleet.horizon).toBe(6 * HOUR)
    const r = run(fleet, 'on-demand')
    expect(r.end).toBe(6 * HOUR)
    expect(r.spendUsd).toBeCloseTo(4 * OD * 6)
    expect(r.spendByMarket.spot).toBe(0)
    expect(r.serving.anyUp).toBe(1)
    expect(r.serving.allUp).toBe(1)
    expect(r.serving.replicaHours).toBeCloseTo(4 * (6 - 600 / HOUR))
  })

  it('a capacity drop is one event that takes as many machines as the pool lost', () => {
    const fleet = fleetOf({ 'us-east-1a': [...ticks(2, 4), ...ticks(2, 2)] })
    const r = run(fleet, 'spot-only')
    expect(r.preemptions).toBe(2)
    expect(r.serving.anyUp).toBe(1)
    expect(r.serving.allUp).toBeLessThan(0.6)
    expect(r.spendByMarket['on-demand']).toBe(0)
  })

  it('spot only goes down when no pool has room, and counts the outage', () => {
    const fleet = fleetOf({ 'us-east-1a': [...ticks(2, 4), ...ticks(1, 0), ...ticks(2, 4)] })
    const r = run(fleet, 'spot-only')
    expect(r.serving.longestOutageSeconds).toBeGreaterThan(HOUR - 200)
    expect(r.serving.outages).toBe(1)
    expect(r.serving.anyUp).toBeLessThan(0.85)
  })

  it('returns replicas from on-demand to spot make-before-break; KM as built stays on on-demand', () => {
    const fleet = fleetOf({ 'us-east-1a': [...ticks(2, 0), ...ticks(6, 4)] })
    const built = run(fleet, 'km')
    expect(built.returns).toBe(0)
    expect(built.spendByMarket.spot).toBe(0)
    const back = run(fleet, 'km-return')
    expect(back.returns).toBe(4)
    // On on-demand for the first two hours, and ten minutes more while the pool proves stable.
    expect(back.spendByMarket['on-demand']).toBeGreaterThan(4 * OD * (2 + 10 / 60))
    expect(back.spendByMarket['on-demand']).toBeLessThan(4 * OD * (2 + 15 / 60))
    expect(back.spendByMarket.spot).toBeGreaterThan(0)
    expect(back.serving.allUp).toBe(1)
    const od = run(fleet, 'on-demand')
    expect(capacityPerDollarVsOnDemand(back, od)).toBeGreaterThan(2)
    expect(capacityPerDollarVsOnDemand(built, od)).toBeCloseTo(1, 2)
  })

  it('does not churn on a flapping zone: the hysteresis holds replicas on on-demand', () => {
    const flapping = [...ticks(1, 0)]
    for (let k = 0; k < 30; k++) flapping.push(k % 2 === 0 ? 4 : 0)
    const fleet = fleetOf({ 'us-east-1a': flapping })
    expect(run(fleet, 'km-return').returns).toBe(0)
    // Without the hysteresis the same zone pulls replicas in and out.
    const eager = run(fleet, 'km-return', {}, { stableSeconds: 0, dwellSeconds: 0 })
    expect(eager.returns).toBeGreaterThan(0)
    expect(eager.preemptions).toBeGreaterThan(0)
  })

  it('spread keeps the service up through a zone outage that takes every replica when they are stacked', () => {
    const fleet = fleetOf({
      'us-east-1a': [...ticks(2, 4), ...ticks(1, 0), ...ticks(2, 4)],
      'us-east-1b': ticks(5, 4),
    })
    // Slow weights: a replacement serves 99 s after its predecessor's notice runs out.
    const slow = { bandwidthGbPerSecond: 0.05 }
    const stacked = run(fleet, 'km-return', slow)
    expect(stacked.serving.anyUp).toBeLessThan(1)
    expect(stacked.serving.longestOutageSeconds).toBeGreaterThan(60)
    const spread = run(fleet, 'km-return-spread', slow)
    expect(spread.serving.anyUp).toBe(1)
    expect(spread.serving.allUp).toBeLessThan(1)
    expect(spread.preemptions).toBe(2)
    expect(spreadRisk(0.1, 0)).toBeCloseTo(0.1)
    expect(spreadRisk(0.1, 1)).toBeCloseTo(0.19)
  })

  it('SpotHedge keeps one spare spot replica across zones and falls back to on-demand', () => {
    const fleet = fleetOf({
      'us-east-1a': [...ticks(2, 4), ...ticks(2, 0), ...ticks(2, 4)],
      'us-east-1b': [...ticks(2, 4), ...ticks(2, 0), ...ticks(2, 4)],
    })
    const hedge = run(fleet, 'spothedge')
    expect(hedge.serving.anyUp).toBe(1)
    expect(hedge.spendByMarket['on-demand']).toBeGreaterThan(4 * OD * 1.9)
    expect(hedge.spendByMarket['on-demand']).toBeLessThan(4 * OD * 2.3)
    // Five spot machines for four replicas in the spot hours: dearer than the planned policy.
    expect(hedge.spendByMarket.spot).toBeGreaterThan(5 * 0.3 * OD * 3.8)
    const planned = run(fleet, 'km-return-spread', {}, { stableSeconds: 0 })
    expect(planned.spendUsd).toBeLessThan(hedge.spendUsd)
  })

  it('prognostics learn from history to stay out of a zone that keeps dropping', () => {
    // Zone a empties for ten minutes every two hours, for four days; zone b never does.
    const flapping = Array.from({ length: (96 * HOUR) / GAP }, (_, i) => (i % 12 === 6 ? 0 : 4))
    const fleet = fleetOf({ 'us-east-1a': flapping, 'us-east-1b': ticks(96, 4) })
    const start = 48 * HOUR
    const window = { start, end: fleet.horizon, bestZone: 'us-east-1b' }
    const service = { ...DEFAULT_SERVICE, replicas: 2 }
    const blind = simulateService(fleet, service, servicePolicyByName('km-return-spread'), window)
    const learnt = simulateService(fleet, service, servicePolicyByName('km-return-spread-prognostics'), window)
    expect(learnt.preemptions).toBeLessThan(blind.preemptions)
  })
})

describe('runTraceSet', () => {
  const fleet = fleetOf({
    'us-east-1a': [...ticks(20, 4), ...ticks(4, 0), ...ticks(24, 4)],
    'us-west-2a': ticks(48, 1),
  })

  it('runs every policy on the same windows (common random numbers), reproducibly by seed', () => {
    const a = runTraceSet(fleet, { windows: 4, windowDays: 0.5, seed: 7 })
    const b = runTraceSet(fleet, { windows: 4, windowDays: 0.5, seed: 7 })
    expect(a).toEqual(b)
    expect(a.windows).toHaveLength(4)
    for (const w of a.windows) {
      expect(w.end - w.start).toBe(12 * HOUR)
      expect(new Set(w.runs.map((r) => `${r.start}-${r.end}`)).size).toBe(1)
      const od = w.runs.find((r) => r.policy === 'on-demand')!
      expect(capacityPerDollarVsOnDemand(od, od)).toBe(1)
    }
    expect(a.full.runs.every((r) => r.timeline !== undefined)).toBe(true)
    expect(a.zones).toBe(2)
    // What the data say, before any policy: us-east-1a is empty for 4 of 48 hours, us-west-2a never holds 4.
    expect(a.pools).toEqual([
      {
        zone: 'us-east-1a',
        instanceType: 'p3.2xlarge',
        traceKind: 'availability',
        oneShare: 44 / 48,
        allShare: 44 / 48,
        drops: 1,
        peak: 4,
      },
      {
        zone: 'us-west-2a',
        instanceType: 'p3.2xlarge',
        traceKind: 'availability',
        oneShare: 1,
        allShare: 0,
        drops: 0,
        peak: 1,
      },
    ])
    const c = runTraceSet(fleet, { windows: 4, windowDays: 0.5, seed: 8 })
    expect(c.windows.map((w) => w.start)).not.toEqual(a.windows.map((w) => w.start))
  })

  it('refuses options it cannot honour', () => {
    expect(() => runTraceSet(fleet, { service: { ...DEFAULT_SERVICE, replicas: 0 } })).toThrow(
      expect.objectContaining({ name: 'InvalidServiceOptionError' }),
    )
    expect(() => runTraceSet(fleet, { policies: [servicePolicyByName('km')] })).toThrow(/on-demand/)
    expect(() => servicePolicyByName('best')).toThrow(expect.objectContaining({ name: 'UnknownPolicyError' }))
  })
})
