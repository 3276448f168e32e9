import type { Cloud } from '@synkti/planner'
import { InvalidTraceSetError, UnknownInstanceTypeError } from '../errors.js'
import { type CatalogType, INSTANCE_CATALOG, regionOfZone } from './catalog.js'
import type { SpotTrace } from './spot-traces.js'

/**
 * A fleet loaded from data: spot pools whose capacity (and, where the trace has it, price)
 * follows a trace, cloud on-demand per region and type (unbounded, at the list price), and
 * optional marketplace providers with a fixed number of machines that are never reclaimed.
 */
export type PoolMarket = 'spot' | 'on-demand' | 'provider'

export type PriceSource =
  | { kind: 'flat'; perHour: number }
  /** per hour at each step, and the cumulative USD at each step's start (for O(1) integrals) */
  | { kind: 'path'; stepSeconds: number; perHour: Float64Array; cumulative: Float64Array }

export type CapacitySource =
  | { kind: 'unbounded' }
  | { kind: 'fixed'; machines: number }
  | { kind: 'trace'; stepSeconds: number; counts: Int32Array; traceKind: SpotTrace['kind']; source: string }

export interface FleetPool {
  index: number
  market: PoolMarket
  cloud: Cloud
  region: string
  zone: string
  type: CatalogType
  price: PriceSource
  capacity: CapacitySource
}

export interface DataFleet {
  name: string
  /** seconds: the shortest trace's end. A trace that ends ends the run; nothing is extrapolated. */
  horizon: number
  pools: FleetPool[]
}

export interface ProviderSpec {
  cloud: Cloud
  region: string
  zone: string
  /** a catalog key or a key of `instanceTypes` */
  instanceType: string
  machines: number
  pricePerHour: number
}

export interface FleetInit {
  name?: string
  /** spot price as a share of on-demand where the trace has no prices (default 0.3: the 70 % discount) */
  spotShare?: number
  /** a trace's count times this is the pool's capacity (a 1-node probe that succeeds says "at least one") */
  capacityScale?: number
  /** added to or overriding the catalog, by `<accelerator>_<count>` key */
  instanceTypes?: Record<string, CatalogType>
  providers?: ProviderSpec[]
}

export const DEFAULT_SPOT_SHARE = 0.3

/**
 * A fleet file (`--fleet fleet.json`): the `FleetInit` fields as JSON, so that prices, instance
 * types and providers come from data. Unknown fields are refused rather than ignored.
 */
export function parseFleetFile(text: string, source = 'fleet file'): FleetInit {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new InvalidTraceSetError(`${source}: not JSON (${(err as Error).message})`)
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new InvalidTraceSetError(`${source}: expected an object`)
  const allowed = ['name', 'spotShare', 'capacityScale', 'instanceTypes', 'providers']
  const extra = Object.keys(json).filter((k) => !allowed.includes(k))
  if (extra.length > 0)
    throw new InvalidTraceSetError(`${source}: unknown fields ${extra.join(', ')} (allowed: ${allowed.join(', ')})`)
  return json as FleetInit
}

function pathPrice(stepSeconds: number, perHour: readonly number[]): PriceSource {
  const cumulative = new Float64Array(perHour.length + 1)
  for (let k = 0; k < perHour.length; k++) cumulative[k + 1] = cumulative[k]! + (perHour[k]! * stepSeconds) / 3600
  return { kind: 'path', stepSeconds, perHour: Float64Array.from(perHour), cumulative }
}

/** Price per hour of one machine of `pool` at `time` (seconds from the trace's start). */
export function priceAt(pool: FleetPool, time: number): number {
  const p = pool.price
  if (p.kind === 'flat') return p.perHour
  return p.perHour[Math.min(p.perHour.length - 1, Math.max(0, Math.floor(time / p.stepSeconds)))]!
}

/** USD one machine of `pool` costs from `from` to `to`. */
export function costOf(pool: FleetPool, from: number, to: number): number {
  const p = pool.price
  if (p.kind === 'flat') return (p.perHour * Math.max(0, to - from)) / 3600
  const at = (t: number) => {
    const k = Math.min(p.perHour.length - 1, Math.max(0, Math.floor(t / p.stepSeconds)))
    return p.cumulative[k]! + (p.perHour[k]! * (t - k * p.stepSeconds)) / 3600
  }
  return Math.max(0, at(to) - at(from))
}

/** Capacity of a pool at `time`; unbounded pools give Infinity. */
export function capacityAt(pool: FleetPool, time: number): number {
  const c = pool.capacity
  if (c.kind === 'unbounded') return Number.POSITIVE_INFINITY
  if (c.kind === 'fixed') return c.machines
  return c.counts[Math.min(c.counts.length - 1, Math.max(0, Math.floor(time / c.stepSeconds)))]!
}

/** Builds the fleet from parsed traces (one per zone and instance type) and the options. */
export function fleetFromTraces(traces: readonly SpotTrace[], init: FleetInit = {}): DataFleet {
  if (traces.length === 0) throw new InvalidTraceSetError('no trace files')
  const spotShare = init.spotShare ?? DEFAULT_SPOT_SHARE
  const scale = init.capacityScale ?? 1
  if (!(spotShare > 0 && spotShare <= 1)) throw new InvalidTraceSetError(`spotShare ${spotShare} (in (0, 1])`)
  if (!(Number.isInteger(scale) && scale >= 1))
    throw new InvalidTraceSetError(`capacityScale ${scale} (an integer ≥ 1)`)
  const types = { ...INSTANCE_CATALOG, ...init.instanceTypes }
  const typeOf = (key: string): CatalogType => {
    const t = types[key]
    if (t === undefined) throw new UnknownInstanceTypeError(key)
    return t
  }
  const seen = new Set<string>()
  const pools: FleetPool[] = []
  const add = (p: Omit<FleetPool, 'index'>) => pools.push({ ...p, index: pools.length })
  const sorted = [...traces].sort((a, b) => a.zone.localeCompare(b.zone) || a.accelerator.localeCompare(b.accelerator))
  for (const t of sorted) {
    const key = `${t.zone}/${t.accelerator}`
    if (seen.has(key)) throw new InvalidTraceSetError(`two traces for ${key} (${t.source})`)
    seen.add(key)
    const type = typeOf(t.accelerator)
    add({
      market: 'spot',
      cloud: type.cloud,
      region: regionOfZone(t.zone),
      zone: t.zone,
      type,
      price:
        t.prices === undefined
          ? { kind: 'flat', perHour: type.onDemandPerHour * spotShare }
          : pathPrice(t.gapSeconds, t.prices),
      capacity: {
        kind: 'trace',
        stepSeconds: t.gapSeconds,
        counts: Int32Array.from(t.counts, (c) => c * scale),
        traceKind: t.kind,
        source: t.source,
      },
    })
  }
  // On-demand per region and type: capacity is not the constraint there, price is.
  const onDemand = new Map<string, FleetPool>()
  for (const p of [...pools]) {
    const key = `${p.region}/${p.type.name}`
    if (onDemand.has(key)) continue
    add({
      market: 'on-demand',
      cloud: p.cloud,
      region: p.region,
      zone: `${p.region} (on-demand)`,
      type: p.type,
      price: { kind: 'flat', perHour: p.type.onDemandPerHour },
      capacity: { kind: 'unbounded' },
    })
    onDemand.set(key, pools.at(-1)!)
  }
  for (const pr of init.providers ?? []) {
    if (!(Number.isInteger(pr.machines) && pr.machines > 0 && pr.pricePerHour >= 0))
      throw new InvalidTraceSetError(`provider ${pr.zone}: machines must be a positive integer and price ≥ 0`)
    add({
      market: 'provider',
      cloud: pr.cloud,
      region: pr.region,
      zone: pr.zone,
      type: typeOf(pr.instanceType),
      price: { kind: 'flat', perHour: pr.pricePerHour },
      capacity: { kind: 'fixed', machines: pr.machines },
    })
  }
  const horizon = Math.min(...traces.map((t) => t.counts.length * t.gapSeconds))
  return { name: init.name ?? 'trace set', horizon, pools }
}

/** A change of a traced pool's capacity, at the tick where its count changes. */
export interface CapacityChange {
  time: number
  pool: number
  capacity: number
}

/** The capacity changes in [start, end), each pool's value at `start` first. */
export function capacityChanges(fleet: DataFleet, start: number, end: number): CapacityChange[] {
  const out: CapacityChange[] = []
  for (const pool of fleet.pools) {
    const c = pool.capacity
    if (c.kind !== 'trace') continue
    const first = Math.floor(start / c.stepSeconds)
    out.push({ time: start, pool: pool.index, capacity: c.counts[Math.min(first, c.counts.length - 1)]! })
    for (let k = first + 1; k < c.counts.length && k * c.stepSeconds < end; k++) {
      if (c.counts[k] !== c.counts[k - 1])
        out.push({ time: k * c.stepSeconds, pool: pool.index, capacity: c.counts[k]! })
    }
  }
  return out.sort((a, b) => a.time - b.time || a.pool - b.pool)
}

/** Share of time in [start, end) a traced pool had at least `machines` capacity. */
export function availabilityShare(pool: FleetPool, start: number, end: number, machines = 1): number {
  const c = pool.capacity
  if (c.kind !== 'trace') return 1
  let up = 0
  for (let k = Math.floor(start / c.stepSeconds); k * c.stepSeconds < end && k < c.counts.length; k++) {
    const from = Math.max(start, k * c.stepSeconds)
    const to = Math.min(end, (k + 1) * c.stepSeconds)
    if (c.counts[k]! >= machines) up += to - from
  }
  return end > start ? up / (end - start) : 0
}
