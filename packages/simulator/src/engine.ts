import { createPlanner, fits, type Job, type Planner, seconds, usdPerSecond } from '@synkti/planner'
import {
  DRAIN_SECONDS,
  GPU_LOAD_GB_PER_SECOND,
  HEALTH_SECONDS,
  HOT_ZONE_SECONDS,
  NOTICE_SECONDS,
  PLAN_TICK_SECONDS,
  SELECT_SECONDS,
  SPARE_KEEP_RATIO,
  SPARE_REVIEW_SECONDS,
  SWITCH_SECONDS,
  USD_PER_REQUEST,
} from './constants.js'
import { capabilityOf, POOLS, type Pool } from './fleet.js'
import { EventQueue } from './heap.js'
import { type CandidateQuery, candidateSlots, createOccupancy } from './occupancy.js'
import type { Policy } from './policies.js'
import type { Failover, FailoverPhase, RunResult } from './results.js'
import { createRiskAdapter } from './risk.js'
import { BANDWIDTH_LEVELS, type Scenario } from './scenario.js'
import { isServing, type JobPhase, type JobState, type Machine, needsPlan, type Role } from './state.js'
import { costBetween, type FleetEvent, pricePerHourAt, type SimJob, type World } from './world.js'

export type { Failover, FailoverPhase, RunResult } from './results.js'
export { FAILOVER_PHASES } from './results.js'

type SimEvent =
  | { kind: 'end'; job: JobState }
  | { kind: 'terminate'; machine: Machine }
  | { kind: 'fleet'; fleet: FleetEvent }
  | { kind: 'arrival'; job: JobState }
  | { kind: 'ready'; machine: Machine }
  | { kind: 'plan' }
  | { kind: 'review'; zone?: string }

/** Order of kinds at one instant: jobs end and machines terminate before new notices and plans. */
const RANK: Record<SimEvent['kind'], number> = {
  end: 0,
  terminate: 1,
  fleet: 2,
  arrival: 3,
  ready: 4,
  plan: 5,
  review: 6,
}

export interface SimulateOptions {
  /** optional hook for tests: sees every placement decision */
  onPlan?: (time: number, jobs: string[], slots: string[]) => void
}

/** Runs one policy through one world. Pure: same world and policy, same result. */
export function simulate(world: World, scenario: Scenario, policy: Policy, options: SimulateOptions = {}): RunResult {
  const bandwidth = BANDWIDTH_LEVELS[scenario.bandwidth]
  const outagePerSecond = (world.jobs[0]?.requestsPerSecond ?? 1) * USD_PER_REQUEST
  const planner: Planner = createPlanner({ weights: { outage: usdPerSecond(outagePerSecond) } })
  const risk = createRiskAdapter(policy.prognostics)
  const queue = new EventQueue<SimEvent>()
  const occupancy = createOccupancy()
  const { occupant, cache, unavailableUntil } = occupancy
  const lastNoticeInZone = new Map<string, number>()
  const jobs: JobState[] = world.jobs.map((job) => ({
    job,
    phase: { kind: 'pending' },
    servingSince: 0,
    servedSeconds: 0,
    started: false,
    downSince: 0,
    downSeconds: 0,
  }))
  const result = {
    spend: 0,
    migrations: 0,
    failovers: [] as Failover[],
    spares: 0,
    events: 0,
    plans: 0,
    plannedJobs: 0,
    batched: 0,
  }
  const plannedAt = new Set<number>()

  const schedulePlan = (t: number) => {
    if (plannedAt.has(t)) return
    plannedAt.add(t)
    queue.push(t, RANK.plan, { kind: 'plan' })
  }
  for (const j of jobs) queue.push(j.job.arrival, RANK.arrival, { kind: 'arrival', job: j })
  for (const e of world.events) queue.push(e.time, RANK.fleet, { kind: 'fleet', fleet: e })
  if (risk.learning) {
    for (let t = SPARE_REVIEW_SECONDS; t < world.horizon; t += SPARE_REVIEW_SECONDS)
      queue.push(t, RANK.review, { kind: 'review' })
  }

  /** Every phase change goes through here, so served and down time are counted in one place. */
  function setPhase(j: JobState, next: JobPhase, t: number) {
    const was = isServing(j.phase)
    const now = isServing(next)
    if (!was && now) {
      j.servingSince = t
      if (j.started) j.downSeconds += t - j.downSince
      j.started = true
    } else if (was && !now) {
      j.servedSeconds += t - j.servingSince
      j.downSince = t
    }
    j.phase = next
  }

  function release(m: Machine, t: number) {
    if (m.released) return
    m.released = true
    result.spend += costBetween(world, m.pool, m.launchedAt, t)
    if (m.slot >= 0) {
      occupant[m.pool.index]![m.slot] = null
      // Providers' machines persist and keep the weights; a reclaimed or stopped cloud machine does not.
      if (m.pool.market === 'provider') {
        const c = cache[m.pool.index]![m.slot]!
        if (!c.includes(m.job.job.model.name)) c.push(m.job.job.model.name)
      }
    }
    if (m.pool.market === 'spot') risk.observe('down', m.pool, t)
  }

  /** Seconds from a placement decision until the machine serves: boot, weights, GPU load, health. */
  function startupSeconds(pool: Pool, job: SimJob, cached: boolean): { spawning: number; health: number } {
    const size = job.model.sizeGb
    return {
      spawning: pool.bootSeconds,
      health: (cached ? 0 : size / bandwidth) + size / GPU_LOAD_GB_PER_SECOND + HEALTH_SECONDS,
    }
  }

  function launch(j: JobState, pool: Pool, slot: number, role: Role, t: number, delay: number): Machine {
    const cached = slot >= 0 && pool.market === 'provider' && cache[pool.index]![slot]!.includes(j.job.model.name)
    const { spawning, health } = startupSeconds(pool, j.job, cached)
    const m: Machine = {
      pool,
      slot,
      role,
      job: j,
      launchedAt: t,
      readyAt: t + delay + spawning + health,
      ready: false,
      released: false,
      noticed: false,
      spawning,
      health,
      switched: false,
    }
    if (slot >= 0) occupant[pool.index]![slot] = m
    if (pool.market === 'spot') risk.observe('up', pool, t)
    queue.push(m.readyAt, RANK.ready, { kind: 'ready', machine: m })
    return m
  }

  const candidates = (time: number, wanted: number, excludeZone?: string) => {
    const q: CandidateQuery = { time, wanted, bandwidthGbPerSecond: bandwidth, onDemandOnly: policy.onDemandOnly }
    if (excludeZone !== undefined) q.excludeZone = excludeZone
    return candidateSlots(world, occupancy, q)
  }

  const plannerJob = (j: JobState, t: number): Job => ({
    id: j.job.id,
    requirement: j.job.requirement,
    expectedDuration: seconds(Math.max(0, j.job.arrival + j.job.duration - t)),
  })

  function plan(t: number) {
    const since = (j: JobState) => (needsPlan(j.phase) ? j.phase.since : 0)
    const batch = jobs
      .filter((j) => needsPlan(j.phase))
      .sort((a, b) => since(a) - since(b) || a.job.index - b.job.index)
    if (batch.length === 0) return
    result.plans++
    result.plannedJobs += batch.length
    if (batch.length > 1) result.batched++
    const { slots, where } = candidates(t, batch.length)
    const decided = planner.plan({
      jobs: batch.map((j) => plannerJob(j, t)),
      slots,
      risk: risk.riskAt(t),
      strategy: policy.strategy,
    })
    options.onPlan?.(
      t,
      batch.map((j) => j.job.id),
      decided.placements.map((p) => p.slotId),
    )
    const byId = new Map(batch.map((j) => [j.job.id, j]))
    const slotIndex = new Map(slots.map((s, k) => [s.id, k]))
    for (const p of decided.placements) {
      const j = byId.get(p.jobId)!
      const [pool, slot] = where[slotIndex.get(p.slotId)!]!
      const phase = j.phase
      if (phase.kind === 'displaced') {
        // Draining overlaps nothing: the replacement starts once in-flight work is drained.
        const drainLeft = Math.max(0, DRAIN_SECONDS - (t - phase.noticeAt))
        setPhase(j, { ...phase, next: launch(j, pool, slot, 'job', t, SELECT_SECONDS + drainLeft) }, t)
      } else {
        setPhase(j, { kind: 'starting', next: launch(j, pool, slot, 'job', t, SELECT_SECONDS) }, t)
      }
    }
    if (decided.unplaced.length > 0) schedulePlan(Math.floor(t / PLAN_TICK_SECONDS + 1) * PLAN_TICK_SECONDS)
  }

  /** A lower bound of what a spare for `j` outside `zone` costs over the horizon, to skip hopeless plans. */
  function cheapestSpare(j: JobState, t: number, horizon: number, zone: string): number {
    let best = Number.POSITIVE_INFINITY
    for (const pool of POOLS) {
      if (pool.zone === zone || (policy.onDemandOnly && pool.market === 'spot')) continue
      if (!fits(j.job.requirement, capabilityOf(pool, [j.job.model.name])).ok) continue
      best = Math.min(best, (pricePerHourAt(world, pool, t) * horizon) / 3600)
    }
    return best
  }

  /** Expected cost of one failover of `j` without a spare: downtime beyond the notice, priced. */
  function failoverCost(j: JobState, current: Machine): number {
    const boot = current.pool.bootSeconds
    const down =
      DRAIN_SECONDS +
      SELECT_SECONDS +
      boot +
      j.job.model.sizeGb / bandwidth +
      j.job.model.sizeGb / GPU_LOAD_GB_PER_SECOND +
      HEALTH_SECONDS -
      NOTICE_SECONDS
    return Math.max(0, down) * outagePerSecond
  }

  /**
   * Keep a pre-warmed spare for a job when the expected saving over the horizon (risk × cost of a
   * failover without one) exceeds what the spare costs over that horizon; drop it otherwise.
   */
  function reviewSpares(t: number, horizon: number, zone?: string) {
    // A spare lives at least until the next hourly review: that is what it costs.
    const life = SPARE_REVIEW_SECONDS
    if (!risk.learning) return
    for (const j of jobs) {
      const phase = j.phase
      if (phase.kind !== 'serving') continue
      const m = phase.current
      if (m.pool.market !== 'spot' || (zone !== undefined && m.pool.zone !== zone)) continue
      const p = risk.probability(m.pool, t, horizon)
      const saving = p * failoverCost(j, m)
      if (phase.spare !== null) {
        const keep = saving >= costBetween(world, phase.spare.pool, t, t + life) * SPARE_KEEP_RATIO
        if (!keep && zone === undefined) {
          release(phase.spare, t)
          phase.spare = null
        }
        continue
      }
      if (saving <= cheapestSpare(j, t, life, m.pool.zone)) continue
      const { slots, where } = candidates(t, 1, m.pool.zone)
      const res = planner.plan({ jobs: [plannerJob(j, t)], slots, risk: risk.riskAt(t), strategy: policy.strategy })
      const placed = res.placements[0]
      if (placed === undefined) continue
      const [pool, slot] = where[slots.findIndex((s) => s.id === placed.slotId)]!
      if (saving > costBetween(world, pool, t, t + life)) {
        phase.spare = launch(j, pool, slot, 'spare', t, SELECT_SECONDS)
        result.spares++
      }
    }
  }

  function onNotice(m: Machine, t: number) {
    m.noticed = true
    queue.push(t + NOTICE_SECONDS, RANK.terminate, { kind: 'terminate', machine: m })
    risk.observe('notice', m.pool, t)
    lastNoticeInZone.set(m.pool.zone, t)
    const j = m.job
    const phase = j.phase
    switch (phase.kind) {
      case 'serving': {
        if (phase.spare === m) {
          release(m, t)
          phase.spare = null
          return
        }
        const spare = phase.spare
        if (spare === null) {
          setPhase(j, { kind: 'displaced', noticeAt: t, current: m, next: null, since: t }, t)
          schedulePlan(t)
          return
        }
        // A pre-warmed (or warming) spare takes over: only routing changes.
        spare.role = 'job'
        spare.switched = true
        spare.readyAt = Math.max(spare.readyAt, t + DRAIN_SECONDS + SELECT_SECONDS + SWITCH_SECONDS)
        // A booting spare's own ready event now comes too early and is ignored; this one counts.
        queue.push(spare.readyAt, RANK.ready, { kind: 'ready', machine: spare })
        setPhase(j, { kind: 'displaced', noticeAt: t, current: m, next: spare, since: t }, t)
        return
      }
      case 'starting':
        // The first machine is reclaimed before it served: plan the job again.
        release(m, t)
        setPhase(j, { kind: 'queued', since: t }, t)
        schedulePlan(t)
        return
      case 'displaced':
        if (phase.next !== m) return
        // The replacement itself is being reclaimed before it served: find another.
        release(m, t)
        setPhase(j, { ...phase, next: null, since: t }, t)
        schedulePlan(t)
        return
      default:
        return
    }
  }

  function onFleet(e: FleetEvent, t: number) {
    if (e.kind === 'unavailable') unavailableUntil[e.pool] = Math.max(unavailableUntil[e.pool]!, e.until)
    else if (e.kind === 'available') unavailableUntil[e.pool] = t
    else {
      const occ = occupant[e.pool]!
      const m = e.slot >= 0 ? occ[e.slot] : occ.find((x) => x !== null && !x.noticed)
      if (m === null || m === undefined || m.noticed) return
      onNotice(m, t)
      if (risk.learning) {
        const zone = POOLS[e.pool]!.zone
        queue.push(t, RANK.review, { kind: 'review', zone })
      }
    }
  }

  function onReady(m: Machine, t: number) {
    if (m.released || t < m.readyAt) return
    m.ready = true
    if (m.role === 'spare') return
    const j = m.job
    const phase = j.phase
    if (phase.kind === 'starting' && phase.next === m) {
      setPhase(j, { kind: 'serving', current: m, spare: null }, t)
    } else if (phase.kind === 'displaced' && phase.next === m) {
      if (phase.current !== null) release(phase.current, t)
      setPhase(j, { kind: 'serving', current: m, spare: null }, t)
      const seconds = t - phase.noticeAt
      const downtime = Math.max(0, t - (phase.noticeAt + NOTICE_SECONDS))
      result.failovers.push({ seconds, downtime, viaSpare: m.switched, phases: phasesOf(m, seconds) })
      result.migrations++
    } else if (phase.kind === 'done') {
      release(m, t)
    }
  }

  function phasesOf(m: Machine, seconds: number): Record<FailoverPhase, number> {
    const [spawning, health] = m.switched ? [0, SWITCH_SECONDS] : [m.spawning, m.health]
    const rest = Math.max(0, seconds - SELECT_SECONDS - spawning - health)
    const draining = Math.min(DRAIN_SECONDS, rest)
    return { draining, waiting: rest - draining, selecting: SELECT_SECONDS, spawning, health }
  }

  function onEnd(j: JobState, t: number) {
    const phase = j.phase
    if (j.started && !isServing(phase)) j.downSeconds += t - j.downSince
    const machines =
      phase.kind === 'starting'
        ? [phase.next]
        : phase.kind === 'serving'
          ? [phase.current, phase.spare]
          : phase.kind === 'displaced'
            ? [phase.current, phase.next]
            : []
    setPhase(j, { kind: 'done' }, t)
    for (const m of machines) if (m !== null) release(m, t)
  }

  for (let item = queue.pop(); item !== undefined && item.time < world.horizon; item = queue.pop()) {
    const t = item.time
    const e = item.event
    result.events++
    switch (e.kind) {
      case 'arrival':
        setPhase(e.job, { kind: 'queued', since: t }, t)
        queue.push(t + e.job.job.duration, RANK.end, { kind: 'end', job: e.job })
        schedulePlan(Math.ceil(t / PLAN_TICK_SECONDS) * PLAN_TICK_SECONDS)
        break
      case 'plan':
        plannedAt.delete(t)
        plan(t)
        break
      case 'fleet':
        onFleet(e.fleet, t)
        break
      case 'terminate':
        if (!e.machine.released) {
          const j = e.machine.job
          if (j.phase.kind === 'displaced' && j.phase.current === e.machine)
            setPhase(j, { ...j.phase, current: null }, t)
          release(e.machine, t)
        }
        break
      case 'ready':
        onReady(e.machine, t)
        break
      case 'end':
        onEnd(e.job, t)
        break
      case 'review':
        if (e.zone === undefined) reviewSpares(t, SPARE_REVIEW_SECONDS)
        else if (t - (lastNoticeInZone.get(e.zone) ?? -1) <= HOT_ZONE_SECONDS)
          reviewSpares(t, 2 * HOT_ZONE_SECONDS, e.zone)
        break
    }
  }

  // Close the books at the horizon.
  const end = world.horizon
  let wanted = 0
  let served = 0
  let servedGpu = 0
  let dropped = 0
  let unserved = 0
  let neverPlaced = 0
  for (const j of jobs) {
    if (j.job.arrival >= end) continue
    if (j.phase.kind !== 'done') onEnd(j, end)
    const want = Math.min(end, j.job.arrival + j.job.duration) - j.job.arrival
    wanted += want
    served += j.servedSeconds
    servedGpu += (j.servedSeconds * j.job.requirement.gpus) / 3600
    if (!j.started) neverPlaced++
    dropped += j.downSeconds * j.job.requestsPerSecond
    unserved += want - j.servedSeconds
  }
  return {
    policy: policy.name,
    spendUsd: result.spend,
    servedGpuHours: servedGpu,
    servedFraction: wanted > 0 ? served / wanted : 1,
    requestsDropped: dropped,
    migrations: result.migrations,
    failovers: result.failovers,
    effectiveCostUsd: result.spend + unserved * outagePerSecond,
    costPerServedGpuHour: servedGpu > 0 ? result.spend / servedGpu : Number.POSITIVE_INFINITY,
    sparesLaunched: result.spares,
    jobsNeverPlaced: neverPlaced,
    planning: { calls: result.plans, jobs: result.plannedJobs, multiJobCalls: result.batched },
    events: result.events,
  }
}
