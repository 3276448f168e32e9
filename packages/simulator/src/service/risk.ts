import { createHazardModel, type HazardKey } from '@synkti/prognostics'
import type { FleetPool } from './data-fleet.js'

/**
 * The base preemption probability of a spot slot, before spread. Blind policies assume one flat
 * rate everywhere; the prognostics policy learns each pool's hazard (and the excess after a
 * drop in its zone) from the capacity drops it has observed.
 */
export interface PoolRisk {
  /** a traced pool's capacity went from `from` to `to` at `time` (non-decreasing times) */
  observe(pool: FleetPool, from: number, to: number, time: number): void
  /** probability that a machine of `pool` is reclaimed within `horizon` seconds of `time` */
  probability(pool: FleetPool, time: number, horizon: number): number
}

/** The blind prior: one reclaim per ten instance-hours, the same everywhere. */
export const BLIND_RATE_PER_HOUR = 0.1

export const blindRisk = (ratePerHour = BLIND_RATE_PER_HOUR): PoolRisk => ({
  observe: () => {},
  probability: (pool, _time, horizon) => (pool.market === 'spot' ? 1 - Math.exp((-ratePerHour * horizon) / 3600) : 0),
})

/** Capacity beyond this many machines adds no exposure: the probes held at most 16. */
const MAX_UNITS = 16

/**
 * Each unit of a pool's capacity is one probe instance to the hazard model: a rise starts
 * exposures, a drop is a notice and ends one. That is what a system that probes the pools (as
 * the traces' collectors did, and as SkyServe does) observes.
 */
export function learntRisk(): PoolRisk {
  const model = createHazardModel()
  const keys = new Map<number, HazardKey>()
  const keyOf = (p: FleetPool): HazardKey => {
    let k = keys.get(p.index)
    if (k === undefined) {
      k = { cloud: p.cloud, region: p.region, zone: p.zone, instanceType: p.type.name }
      keys.set(p.index, k)
    }
    return k
  }
  return {
    observe(pool, from, to, time) {
      const key = keyOf(pool)
      const a = Math.min(from, MAX_UNITS)
      const b = Math.min(to, MAX_UNITS)
      for (let u = a; u < b; u++) model.observe({ kind: 'up', key, time })
      for (let u = b; u < a; u++) {
        model.observe({ kind: 'notice', key, time })
        model.observe({ kind: 'down', key, time })
      }
    },
    probability(pool, time, horizon) {
      if (pool.market !== 'spot') return 0
      return model.probabilityWithin(keyOf(pool), time, horizon)
    },
  }
}

/**
 * Correlated preemption: replicas in one zone go down together, so a zone already holding k
 * replicas makes one more there as risky as k + 1 independent draws of the zone's risk.
 */
export const spreadRisk = (p: number, replicasInZone: number): number => 1 - (1 - p) ** (1 + replicasInZone)
