import { fits, type Requirement } from '@synkti/planner'
import {
  CONTAINER_SHARE,
  JOB_MEAN_SECONDS,
  JOB_MIN_SECONDS,
  NO_SPOT_SHARE,
  PINNED_SHARE,
  PRICE_REVERSION_PER_HOUR,
  PRICE_STEP_SECONDS,
  PRIMARY_HIT,
  PRIMARY_OUTAGE_MEAN_SECONDS,
  SECONDARY_DELAY_SECONDS,
  SECONDARY_HIT,
  SECONDARY_OUTAGE_MEAN_SECONDS,
  SECONDARY_POOL,
  SECONDS_PER_HOUR,
  SIMULTANEOUS_SHARE,
  STRAGGLER_MAX_SECONDS,
  STRAGGLER_MEAN_SECONDS,
  TYPE_RISK_SIGMA,
  VRAM_OVERHEAD,
  VRAM_PER_GPU_GB,
  WARMUP_SECONDS,
  ZONE_RISK_SIGMA,
} from './constants.js'
import { capabilityOf, POOLS, type Pool, SPOT_POOLS } from './fleet.js'
import { createStream } from './rng.js'
import {
  LOAD_LEVELS,
  MODEL_LEVELS,
  type ModelSpec,
  PREEMPTION_LEVELS,
  type Scenario,
  VOLATILITY_LEVELS,
} from './scenario.js'

/**
 * Everything the policies do not control, drawn before the run from separate streams:
 * price paths, preemptions and pool outages, job arrivals. A policy's decisions cannot shift
 * any of them (common random numbers).
 */
export interface SimJob {
  index: number
  id: string
  arrival: number
  duration: number
  model: ModelSpec
  requirement: Requirement
  requestsPerSecond: number
}

/**
 * `hit` reclaims the machine in one slot of a spot pool (slot -1: the lowest running one, used
 * by traces, which name no slots); `unavailable` stops launches in a pool until `until`
 * (or `available`).
 */
export type FleetEvent =
  | { time: number; kind: 'hit'; pool: number; slot: number }
  | { time: number; kind: 'unavailable'; pool: number; until: number }
  | { time: number; kind: 'available'; pool: number }

export interface World {
  horizon: number
  /** per pool: cumulative cost (USD) at each price step, for O(1) cost integrals; undefined = fixed price */
  cumulative: (Float64Array | undefined)[]
  /** per pool: price per hour at each price step; undefined = fixed price */
  prices: (Float64Array | undefined)[]
  events: FleetEvent[]
  jobs: SimJob[]
}

export function pricePerHourAt(world: World, pool: Pool, time: number): number {
  const path = world.prices[pool.index]
  if (path === undefined) return pool.pricePerHour
  return path[Math.min(path.length - 1, Math.floor(time / PRICE_STEP_SECONDS))]!
}

/** USD paid for one machine of `pool` from `from` to `to`. */
export function costBetween(world: World, pool: Pool, from: number, to: number): number {
  const cum = world.cumulative[pool.index]
  if (cum === undefined) return (pool.pricePerHour * (to - from)) / SECONDS_PER_HOUR
  const at = (t: number) => {
    const k = Math.min(cum.length - 2, Math.floor(t / PRICE_STEP_SECONDS))
    const price = world.prices[pool.index]![k]!
    return cum[k]! + (price * (t - k * PRICE_STEP_SECONDS)) / SECONDS_PER_HOUR
  }
  return at(to) - at(from)
}

/** Spot price paths: log price follows a mean-reverting (Ornstein–Uhlenbeck) process around its mean. */
function pricePaths(scenario: Scenario, seed: number, horizon: number) {
  const sigma = VOLATILITY_LEVELS[scenario.volatility]
  const steps = Math.ceil(horizon / PRICE_STEP_SECONDS) + 2
  const dt = PRICE_STEP_SECONDS / SECONDS_PER_HOUR
  const theta = PRICE_REVERSION_PER_HOUR
  const decay = Math.exp(-theta * dt)
  const noise = sigma * Math.sqrt((1 - decay * decay) / (2 * theta))
  const stationary = sigma / Math.sqrt(2 * theta)
  const prices: (Float64Array | undefined)[] = []
  const cumulative: (Float64Array | undefined)[] = []
  for (const pool of POOLS) {
    if (pool.market !== 'spot') {
      prices.push(undefined)
      cumulative.push(undefined)
      continue
    }
    const rng = createStream(seed, `price:${pool.zone}:${pool.type.name}`)
    const path = new Float64Array(steps)
    const cum = new Float64Array(steps)
    let x = stationary * rng.normal()
    // exp(x − s²/2) has mean 1 under the stationary law, so the path's mean is the pool's price.
    const correction = (stationary * stationary) / 2
    for (let k = 0; k < steps; k++) {
      path[k] = Math.min(pool.type.onDemandPerHour, pool.pricePerHour * Math.exp(x - correction))
      if (k > 0) cum[k] = cum[k - 1]! + (path[k - 1]! * PRICE_STEP_SECONDS) / SECONDS_PER_HOUR
      x = x * decay + noise * rng.normal()
    }
    prices.push(path)
    cumulative.push(cum)
  }
  return { prices, cumulative }
}

/** Expected hits per wave for an instance whose type starts a wave of its zone with probability `primaryShare`. */
const hitsPerWave = (primaryShare: number) =>
  primaryShare * PRIMARY_HIT + (1 - primaryShare) * SECONDARY_POOL * SECONDARY_HIT

/**
 * How risky each spot pool is. Pools differ (AWS's Spot Advisor puts pools anywhere from under 5 %
 * to over 20 % monthly interruption frequency): each zone gets a lognormal risk multiplier and
 * each type a share of the zone's waves. They are normalised so that the fleet-wide mean rate per
 * instance is the scenario's level. Drawn from their own stream, fixed for a seed.
 */
export interface ZoneRisk {
  zone: string
  /** waves per second */
  waveRate: number
  /** probability that a wave starts in each of the zone's pools, in SPOT_POOLS order */
  primaryShare: number[]
}

export function zoneRisks(scenario: Scenario, seed: number): ZoneRisk[] {
  const rng = createStream(seed, 'pool-risk')
  const zones = [...new Set(SPOT_POOLS.map((p) => p.zone))]
  const raw = zones.map(() => Math.exp(ZONE_RISK_SIGMA * rng.normal()))
  const meanRaw = raw.reduce((a, b) => a + b, 0) / raw.length
  return zones.map((zone, z) => {
    const weights = SPOT_POOLS.filter((p) => p.zone === zone).map(() => Math.exp(TYPE_RISK_SIGMA * rng.normal()))
    const total = weights.reduce((a, b) => a + b, 0)
    const primaryShare = weights.map((w) => w / total)
    const meanHits = primaryShare.reduce((a, share) => a + hitsPerWave(share), 0) / primaryShare.length
    const perInstance = (PREEMPTION_LEVELS[scenario.preemption] * raw[z]!) / meanRaw
    return { zone, waveRate: perInstance / meanHits / SECONDS_PER_HOUR, primaryShare }
  })
}

/** Expected preemptions per instance-hour of one spot pool under `zoneRisks`. */
export function poolRate(risks: readonly ZoneRisk[], pool: Pool): number {
  const r = risks.find((x) => x.zone === pool.zone)!
  const k = SPOT_POOLS.filter((p) => p.zone === pool.zone).indexOf(pool)
  return r.waveRate * SECONDS_PER_HOUR * hitsPerWave(r.primaryShare[k]!)
}

/** Correlated preemption waves per zone, and the pool outages they cause. */
export function syntheticPreemptions(scenario: Scenario, seed: number, horizon: number): FleetEvent[] {
  const events: FleetEvent[] = []
  for (const { zone, waveRate, primaryShare } of zoneRisks(scenario, seed)) {
    const pools = SPOT_POOLS.filter((p) => p.zone === zone)
    const rng = createStream(seed, `preempt:${zone}`)
    for (let t = rng.exp(1 / waveRate); t < horizon; t += rng.exp(1 / waveRate)) {
      let u = rng.next()
      let primary = 0
      while (primary < pools.length - 1 && u >= primaryShare[primary]!) u -= primaryShare[primary++]!
      pools.forEach((pool, k) => {
        const isPrimary = k === primary
        const drawn = isPrimary || rng.next() < SECONDARY_POOL
        const delay = isPrimary
          ? 0
          : SECONDARY_DELAY_SECONDS[0] + rng.next() * (SECONDARY_DELAY_SECONDS[1] - SECONDARY_DELAY_SECONDS[0])
        const outage = rng.exp(isPrimary ? PRIMARY_OUTAGE_MEAN_SECONDS : SECONDARY_OUTAGE_MEAN_SECONDS)
        // Draw for every slot whether or not the pool was drawn, so the streams stay aligned.
        for (let slot = 0; slot < pool.capacity; slot++) {
          const hit = rng.next() < (isPrimary ? PRIMARY_HIT : SECONDARY_HIT)
          const straggle =
            rng.next() < SIMULTANEOUS_SHARE ? 0 : Math.min(STRAGGLER_MAX_SECONDS, rng.exp(STRAGGLER_MEAN_SECONDS))
          if (drawn && hit)
            events.push({ time: t + delay + (isPrimary ? straggle : 0), kind: 'hit', pool: pool.index, slot })
        }
        if (drawn) events.push({ time: t + delay, kind: 'unavailable', pool: pool.index, until: t + delay + outage })
      })
    }
  }
  return events.filter((e) => e.time < horizon).sort((a, b) => a.time - b.time)
}

export function requirementOf(model: ModelSpec, pinned: boolean, noSpot: boolean, container: boolean): Requirement {
  const vramGb = Math.ceil(model.sizeGb * VRAM_OVERHEAD)
  const req: Requirement = {
    vramGb,
    gpus: Math.ceil(vramGb / VRAM_PER_GPU_GB),
    spotAllowed: !noSpot,
    runtime: container ? 'container' : 'vllm',
    model: { name: model.name, sizeGb: model.sizeGb },
  }
  if (pinned) req.regions = ['us-east-1']
  return req
}

/** Spot machines that fit the level's models, averaged over its models: the capacity load is measured against. */
export function fittingSpotCapacity(models: readonly ModelSpec[]): number {
  let total = 0
  for (const m of models) {
    const req = requirementOf(m, false, false, false)
    for (const p of SPOT_POOLS) if (fits(req, capabilityOf(p, [])).ok) total += p.capacity
  }
  return total / models.length
}

function jobsOf(scenario: Scenario, seed: number, horizon: number): SimJob[] {
  const rng = createStream(seed, 'jobs')
  const models = MODEL_LEVELS[scenario.model]
  const load = LOAD_LEVELS[scenario.load]
  const concurrent = load.utilisation * fittingSpotCapacity(models)
  const jobs: SimJob[] = []
  const make = (arrival: number) => {
    const model = rng.pick(models)
    const pinned = rng.next() < PINNED_SHARE
    const noSpot = rng.next() < NO_SPOT_SHARE
    const container = rng.next() < CONTAINER_SHARE
    const duration = Math.max(JOB_MIN_SECONDS, rng.exp(JOB_MEAN_SECONDS))
    const index = jobs.length
    jobs.push({
      index,
      id: `job-${index}`,
      arrival,
      duration,
      model,
      requirement: requirementOf(model, pinned, noSpot, container),
      requestsPerSecond: load.requestsPerSecond,
    })
  }
  const initial = Math.round(concurrent)
  const starts = Array.from({ length: initial }, () => rng.next() * WARMUP_SECONDS).sort((a, b) => a - b)
  for (const t of starts) make(t)
  const mean = JOB_MEAN_SECONDS / concurrent
  for (let t = WARMUP_SECONDS + rng.exp(mean); t < horizon; t += rng.exp(mean)) make(t)
  return jobs
}

export function createWorld(scenario: Scenario, seed: number, horizon: number, trace?: FleetEvent[]): World {
  const { prices, cumulative } = pricePaths(scenario, seed, horizon)
  const events = trace ?? syntheticPreemptions(scenario, seed, horizon)
  return { horizon, prices, cumulative, events, jobs: jobsOf(scenario, seed, horizon) }
}
