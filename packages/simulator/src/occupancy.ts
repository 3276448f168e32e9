import { type Fraction, gbPerSecond, type Slot, seconds, usdPerSecond } from '@synkti/planner'
import { capabilityOf, POOLS, type Pool } from './fleet.js'
import type { Machine } from './state.js'
import { pricePerHourAt, type World } from './world.js'

/**
 * Which slot of which pool runs what, which weights each provider machine keeps, and which spot
 * pools cannot launch right now; and from that, the candidate slots a plan may choose from.
 */
export interface Occupancy {
  /** per pool, per slot: the machine there (finite pools only) */
  occupant: (Machine | null)[][]
  /** per provider pool, per slot: model names cached on that machine's disk */
  cache: string[][][]
  /** per pool: no launches before this time */
  unavailableUntil: Float64Array
}

export function createOccupancy(): Occupancy {
  return {
    occupant: POOLS.map((p) => (Number.isFinite(p.capacity) ? new Array(p.capacity).fill(null) : [])),
    cache: POOLS.map((p) => (p.market === 'provider' ? Array.from({ length: p.capacity }, () => []) : [])),
    unavailableUntil: new Float64Array(POOLS.length),
  }
}

// Capabilities of machines with nothing cached never change: build them once.
const BARE_CAPABILITY = POOLS.map((p) => capabilityOf(p, []))

export interface Candidates {
  slots: Slot[]
  /** for each slot, its pool and slot index (-1: a new cloud on-demand machine) */
  where: [Pool, number][]
}

export interface CandidateQuery {
  time: number
  /** how many jobs the plan places: at most this many interchangeable machines per pool are offered */
  wanted: number
  bandwidthGbPerSecond: number
  onDemandOnly: boolean
  /** leave this zone out (spares go elsewhere) */
  excludeZone?: string
}

/**
 * The slots a plan may use, in a fixed order (spot pools, providers, on-demand) so that the
 * naive baseline's "first feasible" is well defined. Slot ids start with the pool index.
 */
export function candidateSlots(world: World, occupancy: Occupancy, q: CandidateQuery): Candidates {
  const slots: Slot[] = []
  const where: [Pool, number][] = []
  const bandwidth = gbPerSecond(q.bandwidthGbPerSecond)
  for (const pool of POOLS) {
    if (q.onDemandOnly && pool.market === 'spot') continue
    if (pool.zone === q.excludeZone) continue
    if (pool.market === 'spot' && q.time < occupancy.unavailableUntil[pool.index]!) continue
    const price = usdPerSecond(pricePerHourAt(world, pool, q.time) / 3600)
    const latency = seconds(pool.latency)
    const add = (slot: number, cached: string[]) => {
      slots.push({
        id: `${pool.index}:${slot}:${slots.length}`,
        capability: cached.length === 0 ? BARE_CAPABILITY[pool.index]! : capabilityOf(pool, cached),
        price,
        bandwidth,
        latency,
        load: 0 as Fraction,
      })
      where.push([pool, slot])
    }
    if (!Number.isFinite(pool.capacity)) {
      for (let k = 0; k < q.wanted; k++) add(-1, [])
      continue
    }
    // Free cloud machines of one pool are interchangeable: offer only as many as there are jobs.
    // Providers' machines differ by what they have cached: offer them all.
    let offered = 0
    const occ = occupancy.occupant[pool.index]!
    for (let s = 0; s < occ.length && (pool.market === 'provider' || offered < q.wanted); s++) {
      if (occ[s] !== null) continue
      add(s, pool.market === 'provider' ? occupancy.cache[pool.index]![s]! : [])
      offered++
    }
  }
  return { slots, where }
}
