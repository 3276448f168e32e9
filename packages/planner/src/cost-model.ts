import { type Capability, fits, type InfeasibleReason, type Requirement } from './capability.js'
import { InvalidRiskError, InvalidWeightsError } from './errors.js'
import {
  costOver,
  type Fraction,
  type GbPerSecond,
  type Gigabytes,
  type Seconds,
  sumUsd,
  transferTime,
  type Usd,
  type UsdPerSecond,
} from './units.js'

/** A displaced (or new) job to place. */
export interface Job {
  id: string
  requirement: Requirement
  /** how long the job is expected to keep running from now */
  expectedDuration: Seconds
}

/** One place a job could go: a machine (or a free share of one) with its terms. */
export interface Slot {
  id: string
  capability: Capability
  price: UsdPerSecond
  /** download bandwidth for model weights into this slot; must be > 0 */
  bandwidth: GbPerSecond
  /** round-trip latency to the job's consumer */
  latency: Seconds
  /** share of the node's capacity already in use */
  load: Fraction
}

export interface CostWeights {
  /** value of one second of a job not serving */
  outage: UsdPerSecond
  /** USD per second the job runs, per second of round-trip latency */
  latency: UsdPerSecond
  /** cost of a fully loaded node, per second the job runs */
  load: UsdPerSecond
  /** downtime of a failover with cached weights (boot, load, health) */
  failoverBase: Seconds
  /** probability that a slot in a zone under preemption now is hit by the same wave */
  zoneCorrelation: Fraction
}

/**
 * The risk input. The probability that `slot` is preempted within `horizon` comes from the
 * prognostics package; `hotZones` are the zones where preemptions are happening right now.
 */
export interface Risk {
  riskOf(slot: Slot, horizon: Seconds): Fraction
  hotZones?: ReadonlySet<string>
}

export const NO_RISK: Risk = { riskOf: () => 0 as Fraction }

/** Each term in USD, so they add up and can be shown to a user. */
export interface CostBreakdown {
  /** price per second × expected duration */
  price: Usd
  /** P(preempted during the job) × value of the outage a failover then causes */
  preemption: Usd
  /** weights download (zero when cached) priced as outage */
  transfer: Usd
  latency: Usd
  load: Usd
  total: Usd
  /** the preemption probability that was used, after zone correlation */
  risk: Fraction
  transferTime: Seconds
}

export type Candidate = { ok: true; cost: CostBreakdown } | { ok: false; reason: InfeasibleReason }

export function checkWeights(w: CostWeights): CostWeights {
  for (const [k, v] of Object.entries(w)) {
    if (!Number.isFinite(v) || v < 0 || (k === 'zoneCorrelation' && v > 1)) throw new InvalidWeightsError(k)
  }
  return w
}

/** Time to get the job's weights onto the slot: zero when cached, else size ÷ bandwidth. */
export function weightsTransfer(job: Job, slot: Slot): Seconds {
  if (slot.capability.cachedModels.includes(job.requirement.model.name)) return 0 as Seconds
  const size = job.requirement.model.sizeGb as Gigabytes
  return transferTime(size, slot.bandwidth)
}

/** The risk the planner uses: the estimator's, raised when the slot's zone is under preemption. */
export function effectiveRisk(slot: Slot, horizon: Seconds, risk: Risk, w: CostWeights): Fraction {
  const p = risk.riskOf(slot, horizon)
  if (!(p >= 0 && p <= 1)) throw new InvalidRiskError(slot.id, p)
  if (risk.hotZones?.has(slot.capability.zone) !== true) return p
  return (1 - (1 - p) * (1 - w.zoneCorrelation)) as Fraction
}

/** The cost of running `job` on `slot`, or the rule that forbids it. */
export function candidateCost(job: Job, slot: Slot, risk: Risk, w: CostWeights): Candidate {
  const fit = fits(job.requirement, slot.capability)
  if (!fit.ok) return fit
  return { ok: true, cost: costAtRisk(job, slot, effectiveRisk(slot, job.expectedDuration, risk, w), w) }
}

/**
 * The cost of running `job` on `slot` (which it fits) given the preemption probability `p` from
 * `effectiveRisk`. Apart from `p` it depends only on its arguments, so the planner can price all
 * pairs, keep only the totals and the probabilities, and rebuild the breakdown of the pairs it
 * places without asking the risk estimator again.
 */
export function costAtRisk(job: Job, slot: Slot, p: Fraction, w: CostWeights): CostBreakdown {
  const move = weightsTransfer(job, slot)
  // A preemption costs the failover's downtime, which includes moving the weights again.
  const failoverOutage = (w.failoverBase + move) as Seconds
  const price = costOver(slot.price, job.expectedDuration)
  const preemption = (p * costOver(w.outage, failoverOutage)) as Usd
  const transfer = costOver(w.outage, move)
  const latency = (slot.latency * costOver(w.latency, job.expectedDuration)) as Usd
  const load = (slot.load * costOver(w.load, job.expectedDuration)) as Usd
  const total = sumUsd(price, preemption, transfer, latency, load)
  return { price, preemption, transfer, latency, load, total, risk: p, transferTime: move }
}
