import { type Fraction, NO_RISK, type Risk, type Slot } from '@synkti/planner'
import { createHazardModel, type HazardKey } from '@synkti/prognostics'
import { POOLS, type Pool } from './fleet.js'

/**
 * The risk-aware policy's view of preemption: the prognostics package's hazard estimator, fed
 * with the policy's own machines, adapted to the planner's `Risk` input. Policies without
 * prognostics get a blind adapter (no risk, nothing learnt).
 */
export interface RiskAdapter {
  readonly learning: boolean
  /** tell the estimator a spot machine started, stopped or got a notice */
  observe(kind: 'up' | 'down' | 'notice', pool: Pool, time: number): void
  /** probability that a machine of `pool` gets a notice within `horizon` seconds of `time` */
  probability(pool: Pool, time: number, horizon: number): number
  /** the planner's risk input at `time` */
  riskAt(time: number): Risk
}

/** The estimator's answers are memoised this long (and a zone's dropped on each notice there). */
const MEMO_SECONDS = 600
/** Horizons are rounded up to 15 min × 2^k, at most a day. */
const HORIZON_MIN = 900
const HORIZON_MAX = 86_400

/** Slot ids made by the simulator start with the pool index. */
const poolOfSlot = (slot: Slot): Pool => POOLS[Number.parseInt(slot.id, 10)]!

const BLIND: RiskAdapter = {
  learning: false,
  observe: () => {},
  probability: () => 0,
  riskAt: () => NO_RISK,
}

export function createRiskAdapter(prognostics: boolean): RiskAdapter {
  if (!prognostics) return BLIND
  const hazard = createHazardModel()
  const keys: HazardKey[] = POOLS.map((pool) => ({
    cloud: pool.cloud,
    region: pool.region,
    zone: pool.zone,
    instanceType: pool.type.name,
  }))
  // The answers move fast only after a notice, and then in the notice's zone (its excess hazard);
  // exposure changes them slowly. Memoise them for ten minutes, and drop a zone's on its notices.
  const memo = { time: -1, values: new Map<number, number>() }
  const zoneOf = POOLS.map((p) => p.zone)
  const adapter: RiskAdapter = {
    learning: true,
    observe(kind, pool, time) {
      hazard.observe({ kind, key: keys[pool.index]!, time })
      if (kind === 'notice') {
        for (const key of memo.values.keys()) if (zoneOf[Math.floor(key / 1e9)] === pool.zone) memo.values.delete(key)
      }
    },
    probability(pool, time, horizon) {
      if (pool.market !== 'spot') return 0
      if (memo.time < 0 || time - memo.time >= MEMO_SECONDS) {
        memo.time = time
        memo.values.clear()
      }
      // Rounding the horizon lets a plan ask a few questions per pool rather than one per job;
      // risk beyond a day hardly ranks slots differently.
      const bucket = Math.min(HORIZON_MAX, HORIZON_MIN * 2 ** Math.ceil(Math.log2(Math.max(1, horizon / HORIZON_MIN))))
      const key = pool.index * 1e9 + bucket
      let p = memo.values.get(key)
      if (p === undefined) {
        p = hazard.probabilityWithin(keys[pool.index]!, time, bucket)
        memo.values.set(key, p)
      }
      return p
    },
    riskAt(time) {
      return { riskOf: (slot, horizon) => adapter.probability(poolOfSlot(slot), time, horizon) as Fraction }
    },
  }
  return adapter
}
