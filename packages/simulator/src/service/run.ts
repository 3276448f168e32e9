import { InvalidServiceOptionError } from '../errors.js'
import { createStream } from '../rng.js'
import { availabilityShare, type DataFleet, type FleetPool } from './data-fleet.js'
import {
  DEFAULT_SERVICE,
  type ServiceControl,
  type ServiceResult,
  type ServiceSpec,
  simulateService,
} from './engine.js'
import { SERVICE_POLICIES, type ServicePolicy, type ServicePolicyName, servicePolicyByName } from './policies.js'

export interface TraceSetRunOptions {
  service?: ServiceSpec
  policies?: readonly ServicePolicy[]
  /** how many windows are drawn for the paired statistics */
  windows?: number
  windowDays?: number
  seed?: number
  control?: Partial<ServiceControl>
  /** hysteresis settings the claim policy is also run with over the whole trace */
  hysteresis?: readonly Pick<ServiceControl, 'stableSeconds' | 'dwellSeconds'>[]
}

/** No hysteresis, the default, and a cautious one. */
export const HYSTERESIS_SETTINGS: readonly Pick<ServiceControl, 'stableSeconds' | 'dwellSeconds'>[] = [
  { stableSeconds: 0, dwellSeconds: 0 },
  { stableSeconds: 600, dwellSeconds: 600 },
  { stableSeconds: 1800, dwellSeconds: 3600 },
]

/** The policy the report makes its claim for, and the one the hysteresis table varies. */
export const CLAIM_POLICY: ServicePolicyName = 'km-return-spread'

export interface WindowResult {
  start: number
  end: number
  bestZone: string
  runs: ServiceResult[]
}

/** What the data say about one spot pool over the whole trace, before any policy. */
export interface PoolSummary {
  zone: string
  instanceType: string
  traceKind: string
  /** share of time with room for one machine, and for all N */
  oneShare: number
  allShare: number
  /** capacity changes downward */
  drops: number
  /** the most the trace ever counted (after the capacity scale) */
  peak: number
}

export interface TraceSetResult {
  name: string
  pools: PoolSummary[]
  horizon: number
  zones: number
  spotPools: number
  /** the whole trace, one run per policy, with timelines */
  full: WindowResult
  /** windows at seeded offsets, the same for every policy (common random numbers) */
  windows: WindowResult[]
  /** the claim policy over the whole trace under each hysteresis setting */
  hysteresis: { stableSeconds: number; dwellSeconds: number; run: ServiceResult; onDemand: ServiceResult }[]
}

export const DEFAULT_WINDOWS = 30
export const DEFAULT_WINDOW_DAYS = 3

/** The zone whose best fitting pool had capacity for the most time in [start, end): chosen in hindsight. */
export function bestZone(fleet: DataFleet, service: ServiceSpec, start: number, end: number): string {
  let best = { zone: '', share: -1 }
  for (const p of fleet.pools) {
    if (p.market !== 'spot' || p.type.gpu.vramGb < service.vramGb) continue
    const share = availabilityShare(p, start, end, 1)
    if (share > best.share || (share === best.share && p.zone < best.zone)) best = { zone: p.zone, share }
  }
  return best.zone
}

/** Capacity per dollar of `r` over that of the on-demand run of the same window. */
export function capacityPerDollarVsOnDemand(r: ServiceResult, onDemand: ServiceResult): number {
  const per = (x: ServiceResult) => (x.spendUsd > 0 ? x.serving.replicaHours / x.spendUsd : 0)
  const base = per(onDemand)
  return base > 0 ? per(r) / base : Number.NaN
}

function runWindow(
  fleet: DataFleet,
  service: ServiceSpec,
  policies: readonly ServicePolicy[],
  start: number,
  end: number,
  control: Partial<ServiceControl>,
  timeline: boolean,
): WindowResult {
  const zone = bestZone(fleet, service, start, end)
  const runs = policies.map((p) =>
    simulateService(fleet, service, p, { start, end, bestZone: zone }, { control, timeline }),
  )
  return { start, end, bestZone: zone, runs }
}

/** Runs every policy over the whole trace set and over seeded windows of it. */
export function runTraceSet(fleet: DataFleet, options: TraceSetRunOptions = {}): TraceSetResult {
  const service = options.service ?? DEFAULT_SERVICE
  const policies = options.policies ?? SERVICE_POLICIES
  const count = options.windows ?? DEFAULT_WINDOWS
  const days = options.windowDays ?? DEFAULT_WINDOW_DAYS
  const seed = options.seed ?? 1
  const control = options.control ?? {}
  if (!(Number.isInteger(service.replicas) && service.replicas >= 1))
    throw new InvalidServiceOptionError(`replicas ${service.replicas} (a positive integer)`)
  if (!(Number.isInteger(count) && count >= 0)) throw new InvalidServiceOptionError(`windows ${count} (an integer ≥ 0)`)
  if (!(days > 0)) throw new InvalidServiceOptionError(`windowDays ${days} (positive)`)
  if (!policies.some((p) => p.name === 'on-demand'))
    throw new InvalidServiceOptionError('the policies must include on-demand: capacity per dollar is relative to it')
  const length = Math.min(fleet.horizon, days * 86_400)
  const rng = createStream(seed, `windows:${fleet.name}`)
  const windows: WindowResult[] = []
  for (let k = 0; k < count; k++) {
    const start = Math.floor(rng.next() * (fleet.horizon - length))
    windows.push(runWindow(fleet, service, policies, start, start + length, control, false))
  }
  const spot = fleet.pools.filter((p) => p.market === 'spot')
  const full = runWindow(fleet, service, policies, 0, fleet.horizon, control, true)
  const onDemand = full.runs.find((r) => r.policy === 'on-demand')!
  const hysteresis = (options.hysteresis ?? HYSTERESIS_SETTINGS).map((h) => ({
    ...h,
    run: simulateService(
      fleet,
      service,
      servicePolicyByName(CLAIM_POLICY),
      { start: 0, end: fleet.horizon },
      { control: { ...control, ...h } },
    ),
    onDemand,
  }))
  return {
    name: fleet.name,
    pools: spot.map((p) => summarisePool(p, fleet.horizon, service.replicas)),
    horizon: fleet.horizon,
    zones: new Set(spot.map((p) => p.zone)).size,
    spotPools: spot.length,
    full,
    windows,
    hysteresis,
  }
}

function summarisePool(pool: FleetPool, horizon: number, replicas: number): PoolSummary {
  const c = pool.capacity
  let drops = 0
  let peak = 0
  if (c.kind === 'trace') {
    for (let k = 0; k < c.counts.length; k++) {
      peak = Math.max(peak, c.counts[k]!)
      if (k > 0 && c.counts[k]! < c.counts[k - 1]!) drops++
    }
  }
  return {
    zone: pool.zone,
    instanceType: pool.type.name,
    traceKind: c.kind === 'trace' ? c.traceKind : 'none',
    oneShare: availabilityShare(pool, 0, horizon, 1),
    allShare: availabilityShare(pool, 0, horizon, replicas),
    drops,
    peak,
  }
}
