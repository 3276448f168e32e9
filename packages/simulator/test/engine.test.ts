import { describe, expect, it } from 'vitest'
import {
  createWorld,
  DRAIN_SECONDS,
  GPU_LOAD_GB_PER_SECOND,
  HEALTH_SECONDS,
  NOTICE_SECONDS,
  POLICIES,
  POOLS,
  parseScenario,
  policyByName,
  runScenario,
  SELECT_SECONDS,
  simulate,
  type World,
} from '../src/index.js'
import { requirementOf } from '../src/world.js'

const DAY = 86_400
const scenario = parseScenario('preemption=high,load=mid')

describe('simulate', () => {
  const world = createWorld(scenario, 21, 2 * DAY)

  it('is deterministic: the same world and policy give the same result', () => {
    for (const p of POLICIES) expect(simulate(world, scenario, p)).toEqual(simulate(world, scenario, p))
  })

  it('leaves the world untouched, so every policy meets the same arrivals, prices and preemptions', () => {
    const before = structuredClone(world)
    for (const p of POLICIES) simulate(world, scenario, p)
    expect(world).toEqual(before)
  })

  it('keeps its books consistent for every policy', () => {
    for (const p of POLICIES) {
      const r = simulate(world, scenario, p)
      expect(r.servedFraction).toBeGreaterThan(0.5)
      expect(r.servedFraction).toBeLessThanOrEqual(1)
      expect(r.spendUsd).toBeGreaterThan(0)
      expect(r.effectiveCostUsd).toBeGreaterThanOrEqual(r.spendUsd)
      expect(r.failovers).toHaveLength(r.migrations)
      for (const f of r.failovers) {
        expect(f.downtime).toBeLessThanOrEqual(f.seconds)
        const sum = Object.values(f.phases).reduce((a, b) => a + b, 0)
        expect(sum).toBeCloseTo(f.seconds, 6)
      }
      expect(r.costPerServedGpuHour).toBeCloseTo(r.spendUsd / r.servedGpuHours, 9)
      expect(r.planning.calls).toBeGreaterThan(0)
      expect(r.planning.jobs).toBeGreaterThanOrEqual(r.planning.calls + r.planning.multiJobCalls)
    }
  })

  it('never preempts the on-demand policy, and preempts the spot ones', () => {
    const od = simulate(world, scenario, policyByName('on-demand'))
    expect(od.migrations).toBe(0)
    expect(od.requestsDropped).toBe(0)
    for (const name of ['naive', 'greedy', 'km'] as const) {
      expect(simulate(world, scenario, policyByName(name)).migrations).toBeGreaterThan(0)
    }
  })

  it('places through the planner: naive, greedy and KM decide differently on the same world', () => {
    const decisions = (name: string) => {
      const seen: string[] = []
      simulate(world, scenario, policyByName(name), { onPlan: (t, jobs, slots) => seen.push(`${t}:${jobs}:${slots}`) })
      return seen
    }
    const naive = decisions('naive')
    const greedy = decisions('greedy')
    expect(naive).not.toEqual(greedy)
    expect(naive.length).toBeGreaterThan(10)
  })

  it('keeps pre-warmed spares only in the prognostics policy', () => {
    // Large models over a slow link: a failover without a spare costs twenty minutes of a busy endpoint.
    const s = parseScenario('model=high,bandwidth=low,preemption=high,load=high')
    const w = createWorld(s, 3, 3 * DAY)
    expect(simulate(w, s, policyByName('km')).sparesLaunched).toBe(0)
    expect(simulate(w, s, policyByName('km-prognostics')).sparesLaunched).toBeGreaterThan(0)
  })
})

describe('a failover, phase by phase', () => {
  const s = parseScenario('model=mid,bandwidth=mid')
  const model = { name: 'qwen2.5-32b', sizeGb: 64 }
  const oneJob = (events: World['events']): World => {
    const w = createWorld(s, 8, 2 * 3600, events)
    w.jobs = [
      {
        index: 0,
        id: 'job-0',
        arrival: 0,
        duration: 10 * 3600,
        model,
        requirement: requirementOf(model, false, false, false),
        requestsPerSecond: 4,
      },
    ]
    return w
  }
  const plans = (w: World) => {
    const seen: { t: number; pool: number }[] = []
    const r = simulate(w, s, policyByName('greedy'), {
      onPlan: (t, _jobs, slots) => seen.push({ t, pool: Number.parseInt(slots[0]!, 10) }),
    })
    return { r, seen }
  }

  it('drains, selects, spawns and health-checks within the notice when it can, and counts the rest as downtime', () => {
    const first = plans(oneJob([])).seen[0]!
    const pool = first.pool
    const hit = 1800
    const { r, seen } = plans(
      oneJob([
        { time: hit, kind: 'hit', pool, slot: -1 },
        { time: hit, kind: 'unavailable', pool, until: 7200 },
      ]),
    )
    expect(seen.map((x) => x.t)).toEqual([0, hit])
    const replacement = POOLS[seen[1]!.pool]!
    expect(replacement.index).not.toBe(pool)
    const bw = 0.625
    const startup = (p: (typeof POOLS)[number]) =>
      p.bootSeconds + model.sizeGb / bw + model.sizeGb / GPU_LOAD_GB_PER_SECOND + HEALTH_SECONDS
    const expected = DRAIN_SECONDS + SELECT_SECONDS + startup(replacement)
    expect(r.migrations).toBe(1)
    expect(r.failovers[0]!.seconds).toBeCloseTo(expected, 6)
    const { phases } = r.failovers[0]!
    expect(phases.draining).toBeCloseTo(DRAIN_SECONDS, 9)
    expect(phases.waiting).toBeCloseTo(0, 9)
    expect(phases.selecting).toBe(SELECT_SECONDS)
    expect(phases.spawning).toBe(replacement.bootSeconds)
    expect(phases.health).toBeCloseTo(model.sizeGb / bw + model.sizeGb / GPU_LOAD_GB_PER_SECOND + HEALTH_SECONDS, 9)
    expect(r.failovers[0]!.viaSpare).toBe(false)
    const downtime = Math.max(0, expected - NOTICE_SECONDS)
    expect(r.failovers[0]!.downtime).toBeCloseTo(downtime, 6)
    expect(r.requestsDropped).toBeCloseTo(4 * downtime, 6)
    const firstReady = SELECT_SECONDS + startup(POOLS[pool]!)
    expect(r.servedFraction * 7200).toBeCloseTo(7200 - firstReady - downtime, 6)
  })

  it('ignores an interruption of a pool where nothing runs', () => {
    const pool = plans(oneJob([])).seen[0]!.pool
    const other = POOLS.find((p) => p.market === 'spot' && p.index !== pool)!
    const { r } = plans(oneJob([{ time: 1800, kind: 'hit', pool: other.index, slot: -1 }]))
    expect(r.migrations).toBe(0)
  })
})

describe('runScenario', () => {
  it('is reproducible by seed and changes with it', () => {
    const a = runScenario(scenario, { seed: 4, days: 1 })
    expect(runScenario(scenario, { seed: 4, days: 1 })).toEqual(a)
    expect(runScenario(scenario, { seed: 5, days: 1 }).runs).not.toEqual(a.runs)
    expect(a.runs.map((r) => r.policy)).toEqual(POLICIES.map((p) => p.name))
  })

  it('refuses a bad seed or length by name', () => {
    expect(() => runScenario(scenario, { seed: -1 })).toThrow(
      expect.objectContaining({ name: 'InvalidRunOptionError' }),
    )
    expect(() => runScenario(scenario, { days: 0 })).toThrow(expect.objectContaining({ name: 'InvalidRunOptionError' }))
  })
})
