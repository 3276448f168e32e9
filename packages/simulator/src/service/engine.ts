import {
  type Capability,
  createPlanner,
  type Fraction,
  gbPerSecond,
  type Job,
  type Requirement,
  type Risk,
  type Slot,
  seconds,
  usdPerHour,
  usdPerSecond,
} from '@synkti/planner'
import { GPU_LOAD_GB_PER_SECOND, HEALTH_SECONDS, NOTICE_SECONDS, SELECT_SECONDS } from '../constants.js'
import { EventQueue } from '../heap.js'
import {
  type CapacityChange,
  capacityAt,
  capacityChanges,
  costOf,
  type DataFleet,
  type FleetPool,
  type PoolMarket,
  priceAt,
} from './data-fleet.js'
import type { Machine } from './machine.js'
import type { ServicePolicy } from './policies.js'
import { blindRisk, learntRisk, type PoolRisk, spreadRisk } from './risk.js'
import { type ServingMetrics, ServingTracker } from './serving.js'
import { createSpotHedge } from './spothedge.js'

/** The service: N replicas of one model that must stay up. */
export interface ServiceSpec {
  replicas: number
  model: { name: string; sizeGb: number }
  /** VRAM one replica needs (weights plus KV cache) */
  vramGb: number
  /** weights download into a fresh machine, GB/s */
  bandwidthGbPerSecond: number
  /** value of one replica down, per hour: prices risk and weight transfers in the planner */
  outagePerHour: number
}

export const DEFAULT_SERVICE: ServiceSpec = {
  replicas: 4,
  model: { name: 'llama-3.1-8b-awq', sizeGb: 6 },
  vramGb: 8,
  bandwidthGbPerSecond: 0.625,
  outagePerHour: 36,
}

/** Knobs of the controllers, each defaulted with its reason in `DEFAULT_CONTROL`. */
export interface ServiceControl {
  /** a spot pool is a return target only after this long with room and without a drop (hysteresis) */
  stableSeconds: number
  /** a replica is offered a move only after serving this long where it is */
  dwellSeconds: number
  /** the expected stay a placement is priced over */
  planHorizonSeconds: number
  /** a replica on spot moves to a cheaper spot pool only if that saves at least this share */
  returnMargin: number
  /** the controller looks at the fleet at least this often, besides every event */
  tickSeconds: number
  /** SpotHedge's over-provisioned spot replicas */
  hedgeExtra: number
  /** the first replicas' boot is not counted against availability */
  warmupSeconds: number
  /** prognostics learn from this much trace history before the window */
  historySeconds: number
}

export const DEFAULT_CONTROL: ServiceControl = {
  // Ten minutes is three ticks of the nine-zone trace and one of the 10-minute ones: a pool
  // that comes back for a single tick pulls no replica in. Longer waits cut migrations but cost
  // spot hours; the report's hysteresis table shows the trade on the public traces.
  stableSeconds: 600,
  // A replica that just moved (or failed over) is not moved again within ten minutes.
  dwellSeconds: 600,
  planHorizonSeconds: 3600,
  returnMargin: 0.2,
  tickSeconds: 300,
  hedgeExtra: 1,
  warmupSeconds: 600,
  historySeconds: 7 * 86_400,
}

export interface ServiceWindow {
  start: number
  end: number
  /** the zone the `best-zone` policy uses */
  bestZone?: string
}

export interface ServiceResult {
  policy: string
  start: number
  end: number
  spendUsd: number
  spendByMarket: Record<PoolMarket, number>
  serving: ServingMetrics
  /** replica-hours served on spot machines (capped per instant like `serving.replicaHours`) */
  spotReplicaHours: number
  launches: number
  /** launches after the first placement: failovers, returns and SpotHedge's relaunches */
  migrations: number
  /** notices received: capacity drops that took a machine of ours */
  preemptions: number
  /** completed make-before-break moves to a cheaper pool */
  returns: number
  events: number
  /** (time, replicas serving) at each change, when asked for */
  timeline?: [number, number][]
}

type SvcEvent =
  | { kind: 'terminate'; machine: Machine }
  | { kind: 'capacity'; change: CapacityChange }
  | { kind: 'ready'; machine: Machine }
  | { kind: 'tick' }

const RANK: Record<SvcEvent['kind'], number> = { terminate: 0, capacity: 1, ready: 2, tick: 3 }
const RUNTIMES: Capability['runtimes'] = ['process', 'container', 'vllm']
const DISK_GB = 2000

export interface SimulateServiceOptions {
  control?: Partial<ServiceControl>
  timeline?: boolean
}

/** Runs one policy over one window of a trace-driven fleet. Pure: same inputs, same result. */
export function simulateService(
  fleet: DataFleet,
  service: ServiceSpec,
  policy: ServicePolicy,
  window: ServiceWindow,
  options: SimulateServiceOptions = {},
): ServiceResult {
  const control = { ...DEFAULT_CONTROL, ...options.control }
  const { start, end } = window
  const N = service.replicas
  const planner = createPlanner({ weights: { outage: usdPerHour(service.outagePerHour) } })
  const requirement: Requirement = {
    vramGb: service.vramGb,
    gpus: 1,
    spotAllowed: true,
    runtime: 'vllm',
    model: service.model,
  }
  const bandwidth = gbPerSecond(service.bandwidthGbPerSecond)
  const learning = policy.kind === 'planned' && policy.prognostics
  const poolRisk: PoolRisk = learning ? learntRisk() : blindRisk()
  const spread = policy.kind === 'planned' && policy.spread
  const riskAware = spread || learning
  const queue = new EventQueue<SvcEvent>()
  const capacity = fleet.pools.map((p) => capacityAt(p, start))
  // A pool is stable once it has had room, without a drop, for `stableSeconds`; one with room at
  // the window's start counts as stable already (the window cuts into a longer history).
  const stableSince = capacity.map((c) => (c > 0 ? start - control.stableSeconds : start))
  const live: Machine[] = []
  const tracker = new ServingTracker(start + control.warmupSeconds, N, options.timeline === true)
  const spend: Record<PoolMarket, number> = { spot: 0, 'on-demand': 0, provider: 0 }
  const counts = { launches: 0, migrations: 0, preemptions: 0, returns: 0, events: 0, spotSeconds: 0 }
  let lastSpotCheck = start
  let nextId = 0

  const allowed = (pool: FleetPool): boolean => {
    if (policy.kind === 'spothedge') return true
    if (policy.markets === 'on-demand' && pool.market === 'spot') return false
    if (policy.markets === 'spot' && pool.market !== 'spot') return false
    if (policy.zones === 'best' && pool.market === 'spot' && pool.zone !== window.bestZone) return false
    if (policy.zones === 'best' && pool.market === 'on-demand') {
      const best = fleet.pools.find((p) => p.zone === window.bestZone)
      if (best !== undefined && best.region !== pool.region) return false
    }
    return fitsService(pool)
  }
  const fitsService = (pool: FleetPool) => pool.type.gpu.vramGb >= service.vramGb
  const pools = fleet.pools.filter(allowed)

  // Prognostics learn from the trace before the window, as a running system would have seen it.
  if (learning) {
    const from = Math.max(0, start - control.historySeconds)
    const before = fleet.pools.map((p) => capacityAt(p, from))
    for (const c of capacityChanges(fleet, from, start)) {
      const pool = fleet.pools[c.pool]!
      if (c.time > from) poolRisk.observe(pool, before[c.pool]!, c.capacity, c.time)
      else poolRisk.observe(pool, 0, c.capacity, c.time)
      before[c.pool] = c.capacity
    }
  }
  for (const c of capacityChanges(fleet, start, end))
    if (c.time > start) queue.push(c.time, RANK.capacity, { kind: 'capacity', change: c })
  for (let t = start; t < end; t += control.tickSeconds) queue.push(t, RANK.tick, { kind: 'tick' })

  // --- bookkeeping -------------------------------------------------------------------------

  const servingNow = () => live.reduce((n, m) => n + (m.ready ? 1 : 0), 0)
  const spotServingNow = () => live.reduce((n, m) => n + (m.ready && m.pool.market === 'spot' ? 1 : 0), 0)
  let lastServing = 0
  let lastSpotServing = 0
  function account(t: number) {
    // Spot replica-seconds, capped like the tracker: spot replicas count first.
    counts.spotSeconds +=
      Math.min(lastSpotServing, N) * Math.max(0, t - Math.max(lastSpotCheck, start + control.warmupSeconds))
    lastSpotCheck = Math.max(lastSpotCheck, t)
    lastServing = servingNow()
    lastSpotServing = spotServingNow()
    tracker.set(t, lastServing)
  }

  const holding = (pool: FleetPool) => live.reduce((n, m) => n + (m.pool === pool && !m.noticed ? 1 : 0), 0)
  const free = (pool: FleetPool) => capacity[pool.index]! - holding(pool)
  const replicasInZone = (zone: string, except?: Machine) =>
    live.reduce((n, m) => n + (m.pool.zone === zone && !m.noticed && m !== except && m.replaces === null ? 1 : 0), 0)
  /** replicas that will be there: not noticed, and not a move's replacement still booting */
  const alive = () => live.filter((m) => !m.noticed && m.replaces === null)

  function launch(pool: FleetPool, t: number, replaces: Machine | null = null): Machine {
    const size = service.model.sizeGb
    const startup =
      SELECT_SECONDS +
      pool.type.bootSeconds +
      size / service.bandwidthGbPerSecond +
      size / GPU_LOAD_GB_PER_SECOND +
      HEALTH_SECONDS
    const m: Machine = {
      id: nextId++,
      pool,
      launchedAt: t,
      readyAt: t + startup,
      ready: false,
      noticed: false,
      released: false,
      replaces,
      replacedBy: null,
    }
    if (replaces !== null) replaces.replacedBy = m
    live.push(m)
    counts.launches++
    if (t > start) counts.migrations++
    queue.push(m.readyAt, RANK.ready, { kind: 'ready', machine: m })
    return m
  }

  function release(m: Machine, t: number) {
    if (m.released) return
    account(t)
    m.released = true
    spend[m.pool.market] += costOf(m.pool, m.launchedAt, t)
    live.splice(live.indexOf(m), 1)
    if (m.replacedBy !== null) {
      // The old machine went first: its replacement is a replica in its own right now.
      m.replacedBy.replaces = null
      m.replacedBy = null
    }
    if (m.replaces !== null) {
      m.replaces.replacedBy = null
      m.replaces = null
    }
    account(t)
  }

  function notice(m: Machine, t: number) {
    m.noticed = true
    counts.preemptions++
    hedge.onPreempted(m.pool.zone)
    if (m.replaces !== null) {
      // A move's replacement reclaimed before it served: the old machine simply stays.
      release(m, t)
      return
    }
    if (m.replacedBy !== null) {
      m.replacedBy.replaces = null
      m.replacedBy = null
    }
    queue.push(t + NOTICE_SECONDS, RANK.terminate, { kind: 'terminate', machine: m })
  }

  function onCapacity(c: CapacityChange, t: number) {
    const pool = fleet.pools[c.pool]!
    const before = capacity[c.pool]!
    capacity[c.pool] = c.capacity
    poolRisk.observe(pool, before, c.capacity, t)
    if (c.capacity < before || before === 0) stableSince[c.pool] = t
    // The pool holds fewer machines than we run there: the newest go first.
    const holders = live
      .filter((m) => m.pool === pool && !m.noticed)
      .sort((a, b) => b.launchedAt - a.launchedAt || b.id - a.id)
    for (let k = 0; k < holders.length - c.capacity; k++) notice(holders[k]!, t)
  }

  function onReady(m: Machine, t: number) {
    if (m.released) return
    m.ready = true
    hedge.onLaunched(m.pool.zone)
    const old = m.replaces
    if (old !== null) {
      m.replaces = null
      old.replacedBy = null
      counts.returns++
      account(t)
      release(old, t)
    }
    account(t)
  }

  // --- placement through the planner ---------------------------------------------------------

  interface Offer {
    slots: Slot[]
    pool: Map<string, FleetPool>
    zoneLoad: Map<string, number>
  }

  const capabilityOf = (pool: FleetPool, cached: boolean): Capability => ({
    gpu: pool.type.gpu,
    cloud: pool.cloud,
    region: pool.region,
    zone: pool.zone,
    spot: pool.market === 'spot',
    runtimes: RUNTIMES,
    cachedModels: cached ? [service.model.name] : [],
    diskGb: DISK_GB,
  })

  function addSlot(offer: Offer, id: string, pool: FleetPool, t: number, cached: boolean, zoneLoad: number) {
    offer.slots.push({
      id,
      capability: capabilityOf(pool, cached),
      price: usdPerSecond(priceAt(pool, t) / 3600),
      bandwidth,
      latency: seconds(0),
      load: 0 as Fraction,
    })
    offer.pool.set(id, pool)
    offer.zoneLoad.set(id, zoneLoad)
  }

  /**
   * Slots for `wanted` replicas: per pool at most that many, spot only where it has room now.
   * `hiddenTransfer`: the plan is a make-before-break move, whose weight download happens while
   * the old machine still serves, so the planner must not price it as an outage.
   */
  function offerSlots(
    wanted: number,
    t: number,
    spotFilter: (p: FleetPool) => boolean = () => true,
    hiddenTransfer = false,
  ): Offer {
    const offer: Offer = { slots: [], pool: new Map(), zoneLoad: new Map() }
    for (const pool of pools) {
      if (pool.market === 'spot' && !spotFilter(pool)) continue
      const room = pool.market === 'on-demand' ? wanted : Math.min(wanted, free(pool))
      const inZone = replicasInZone(pool.zone)
      // The k-th slot of a zone in one plan counts the k − 1 before it: a batch spreads too.
      for (let k = 0; k < room; k++) addSlot(offer, `${pool.index}:${k}`, pool, t, hiddenTransfer, inZone + k)
    }
    return offer
  }

  function riskOf(offer: Offer, t: number): Risk {
    if (!riskAware) return { riskOf: () => 0 as Fraction }
    return {
      riskOf: (slot, horizon) => {
        const pool = offer.pool.get(slot.id)!
        const p = poolRisk.probability(pool, t, horizon)
        return (spread ? spreadRisk(p, offer.zoneLoad.get(slot.id)!) : p) as Fraction
      },
    }
  }

  const job = (id: string): Job => ({ id, requirement, expectedDuration: seconds(control.planHorizonSeconds) })

  function placeNew(k: number, t: number, strategy: Extract<ServicePolicy, { kind: 'planned' }>['strategy']) {
    const offer = offerSlots(k, t)
    if (offer.slots.length === 0) return
    const jobs = Array.from({ length: k }, (_, i) => job(`new-${i}`))
    const plan = planner.plan({ jobs, slots: offer.slots, risk: riskOf(offer, t), strategy })
    for (const p of plan.placements) launch(offer.pool.get(p.slotId)!, t)
  }

  /** Pools a move may go to: spot, with room, and no empty spell or drop for `stableSeconds`. */
  const stableTarget = (t: number) => (p: FleetPool) =>
    p.market === 'spot' && free(p) > 0 && t - stableSince[p.index]! >= control.stableSeconds

  /**
   * Make-before-break return: replicas on on-demand, or on a spot pool dearer than a stable one
   * by the margin, are planned together with their own machines as "stay" slots; the plan's
   * choice of new slots over stays is the set of moves.
   */
  function returnToSpot(t: number, strategy: Extract<ServicePolicy, { kind: 'planned' }>['strategy']) {
    const targetOk = stableTarget(t)
    const targets = pools.filter(targetOk)
    if (targets.length === 0) return
    const cheapest = Math.min(...targets.map((p) => priceAt(p, t)))
    const movers = live.filter(
      (m) =>
        m.ready &&
        !m.noticed &&
        m.replaces === null &&
        m.replacedBy === null &&
        t - m.readyAt >= control.dwellSeconds &&
        (m.pool.market !== 'spot' || priceAt(m.pool, t) * (1 - control.returnMargin) > cheapest),
    )
    if (movers.length === 0) return
    const offer = offerSlots(movers.length, t, targetOk, true)
    const moveSlots = offer.slots.filter((s) => offer.pool.get(s.id)!.market === 'spot')
    const stays: Offer = { slots: moveSlots, pool: offer.pool, zoneLoad: offer.zoneLoad }
    if (moveSlots.length === 0) return
    for (const m of movers) addSlot(stays, `stay:${m.id}`, m.pool, t, true, replicasInZone(m.pool.zone, m))
    const plan = planner.plan({
      jobs: movers.map((m) => job(`move-${m.id}`)),
      slots: stays.slots,
      risk: riskOf(stays, t),
      strategy,
    })
    // Replicas are interchangeable: the stays not chosen are the machines that move.
    const kept = new Set(plan.placements.filter((p) => p.slotId.startsWith('stay:')).map((p) => p.slotId))
    const leaving = movers.filter((m) => !kept.has(`stay:${m.id}`))
    const arriving = plan.placements.filter((p) => !p.slotId.startsWith('stay:'))
    arriving.forEach((p, k) => {
      const old = leaving[k]
      if (old !== undefined) launch(stays.pool.get(p.slotId)!, t, old)
    })
  }

  const hedge = createSpotHedge({
    pools,
    replicas: N,
    extra: control.hedgeExtra,
    enabled: policy.kind === 'spothedge',
    alive,
    free,
    replicasInZone,
    launch: (pool, t) => {
      launch(pool, t)
    },
    release,
  })

  function reconcile(t: number) {
    if (policy.kind === 'spothedge') {
      hedge.reconcile(t)
    } else {
      const deficit = N - alive().length
      if (deficit > 0) placeNew(deficit, t, policy.strategy)
      if (policy.returnToSpot) returnToSpot(t, policy.strategy)
    }
    account(t)
  }

  reconcile(start)
  for (let item = queue.pop(); item !== undefined && item.time < end; item = queue.pop()) {
    const t = item.time
    const e = item.event
    counts.events++
    switch (e.kind) {
      case 'capacity':
        onCapacity(e.change, t)
        break
      case 'terminate':
        release(e.machine, t)
        break
      case 'ready':
        onReady(e.machine, t)
        break
      case 'tick':
        break
    }
    reconcile(t)
  }
  for (const m of [...live]) release(m, end)
  account(end)
  const serving = tracker.finish(end)
  const spendUsd = spend.spot + spend['on-demand'] + spend.provider
  const result: ServiceResult = {
    policy: policy.name,
    start,
    end,
    spendUsd,
    spendByMarket: spend,
    serving,
    spotReplicaHours: counts.spotSeconds / 3600,
    launches: counts.launches,
    migrations: counts.migrations,
    preemptions: counts.preemptions,
    returns: counts.returns,
    events: counts.events,
  }
  if (options.timeline === true) result.timeline = tracker.timeline
  return result
}
