import { type FleetPool, priceAt } from './data-fleet.js'
import type { Machine } from './machine.js'

/** What the SpotHedge controller needs from the engine. */
export interface SpotHedgeComponents {
  /** the pools the service may use */
  pools: readonly FleetPool[]
  replicas: number
  /** over-provisioned spot replicas */
  extra: number
  /** whether the policy is SpotHedge (its zone sets only learn then) */
  enabled: boolean
  /** replicas that will be there: not noticed, not a move's replacement */
  alive(): Machine[]
  free(pool: FleetPool): number
  replicasInZone(zone: string): number
  launch(pool: FleetPool, time: number): void
  release(machine: Machine, time: number): void
}

export interface SpotHedge {
  onPreempted(zone: string): void
  onLaunched(zone: string): void
  reconcile(time: number): void
}

/**
 * SpotHedge as published (SkyServe, EuroSys '25), as this simulator models it: keep N + extra
 * spot replicas spread over the zones that have not preempted us lately (fewest replicas first;
 * a zone that preempts or refuses a launch leaves the active set, a launch that comes up brings
 * it back, an empty set resets to all), and fill the gap to N with on-demand replicas, released
 * once N spot replicas serve.
 */
export function createSpotHedge(c: SpotHedgeComponents): SpotHedge {
  const spotZones = [...new Set(c.pools.filter((p) => p.market === 'spot').map((p) => p.zone))].sort()
  const active = new Set(spotZones)
  const onDemandPools = c.pools.filter((p) => p.market !== 'spot')
  const cheapestOnDemand = (t: number) => Math.min(...onDemandPools.map((p) => priceAt(p, t)), Number.POSITIVE_INFINITY)
  const spotAlive = () => c.alive().filter((m) => m.pool.market === 'spot').length

  return {
    onPreempted(zone) {
      if (c.enabled) active.delete(zone)
    },
    onLaunched(zone) {
      if (c.enabled && spotZones.includes(zone)) active.add(zone)
    },
    reconcile(t) {
      let resets = 0
      while (spotAlive() < c.replicas + c.extra) {
        if (active.size === 0) {
          if (resets++ > 0) break
          for (const z of spotZones) active.add(z)
        }
        const zone = [...active].sort((a, b) => c.replicasInZone(a) - c.replicasInZone(b) || a.localeCompare(b))[0]!
        // Spot dearer than the on-demand fallback is no hedge (the 2022 set's V100 spot vs K80 on-demand).
        const pool = c.pools
          .filter((p) => p.market === 'spot' && p.zone === zone && c.free(p) > 0 && priceAt(p, t) < cheapestOnDemand(t))
          .sort((a, b) => priceAt(a, t) - priceAt(b, t))[0]
        if (pool === undefined) {
          active.delete(zone)
          continue
        }
        c.launch(pool, t)
      }
      const onDemand = c.alive().filter((m) => m.pool.market !== 'spot')
      const want = Math.max(0, c.replicas - spotAlive())
      const cheapest = [...onDemandPools].sort((a, b) => priceAt(a, t) - priceAt(b, t))[0]
      for (let k = onDemand.length; cheapest !== undefined && k < want; k++) c.launch(cheapest, t)
      // On-demand replicas go only once enough spot replicas serve, not when they merely boot.
      const spotReady = c.alive().filter((m) => m.pool.market === 'spot' && m.ready).length
      const keep = Math.max(want, c.replicas - spotReady)
      const surplus = onDemand.sort((a, b) => b.launchedAt - a.launchedAt).slice(0, Math.max(0, onDemand.length - keep))
      for (const m of surplus) c.release(m, t)
    },
  }
}
