import {
  CO_PRUNE_DECAYS,
  DEFAULT_CO_DECAY_SECONDS,
  DEFAULT_CO_PRIOR_TRIALS,
  DEFAULT_CO_WINDOW_SECONDS,
  DEFAULT_OTHER_TYPE_CO_PROBABILITY,
  DEFAULT_PRIOR_RATE_PER_HOUR,
  DEFAULT_PRIOR_STRENGTH_HOURS,
  DEFAULT_SAME_TYPE_CO_PROBABILITY,
  DEFAULT_SHRINKAGE_HOURS,
  SECONDS_PER_HOUR,
} from './constants.js'
import {
  EventOutOfOrderError,
  InvalidDurationError,
  InvalidHazardKeyError,
  InvalidPriorError,
  InvalidTimeError,
  NoRunningInstanceError,
} from './errors.js'

/** Clouds a provider can run on (mirrors the planner's `Cloud`; kept here so prognostics imports nothing). */
export type Cloud = 'aws' | 'hetzner' | 'ovh' | 'local'

const CLOUDS: readonly Cloud[] = ['aws', 'hetzner', 'ovh', 'local']

/** The pool a preemption hazard is learnt for. `instanceType` is the cloud's type name (e.g. `g5.xlarge`). */
export interface HazardKey {
  cloud: Cloud
  region: string
  zone: string
  instanceType: string
}

/**
 * What the model learns from, in non-decreasing `time` (seconds; unix or simulated, only
 * differences matter). `up`/`down` start and end one instance's exposure; `notice` is a
 * preemption notice (the instance's own `down` follows separately when it terminates).
 */
export type HazardEvent =
  | { kind: 'up'; key: HazardKey; time: number }
  | { kind: 'down'; key: HazardKey; time: number }
  | { kind: 'notice'; key: HazardKey; time: number }

/** Aggregated history for a key, e.g. imported from a provider's logs or a cloud's advisor. */
export interface HazardHistory {
  notices: number
  instanceHours: number
}

/** Gamma posterior of one key's base rate (per instance-hour), with the prior it was shrunk toward. */
export interface RatePosterior {
  /** Gamma shape: notices plus prior pseudo-notices. */
  shape: number
  /** Gamma rate: instance-hours plus prior pseudo-hours. */
  rateHours: number
  /** Posterior mean rate per instance-hour (shape / rateHours). */
  mean: number
  /** The parent rate (region x instance type) this key is shrunk toward. */
  priorMean: number
  notices: number
  exposureHours: number
}

/** Learnt co-interruption probabilities (Beta posterior means) within the window after a notice in a zone. */
export interface CoInterruption {
  sameType: { probability: number; successes: number; trials: number }
  otherType: { probability: number; successes: number; trials: number }
  windowSeconds: number
  decaySeconds: number
}

export interface HazardModelInit {
  /** Cloud-wide prior mean rate per instance-hour. */
  priorRatePerHour?: number
  /** Pseudo instance-hours behind the cloud-wide prior. */
  priorStrengthHours?: number
  /** Pseudo instance-hours each lower level borrows from its parent. */
  shrinkageHours?: number
  /** Co-interruption window after a notice (seconds). */
  coWindowSeconds?: number
  /** Decay constant of the excess hazard after a notice (seconds). */
  coDecaySeconds?: number
  /** Prior co-interruption probability for the same instance type in the zone. */
  sameTypeCoProbability?: number
  /** Prior co-interruption probability for other instance types in the zone. */
  otherTypeCoProbability?: number
  /** Pseudo trials behind both co-interruption priors. */
  coPriorTrials?: number
}

export interface HazardModel {
  /** Learn from one event; events must arrive in non-decreasing time. */
  observe(event: HazardEvent): void
  /** Add aggregated history (notices over instance-hours) to a key, outside the event stream. */
  addHistory(key: HazardKey, history: HazardHistory): void
  /** Instantaneous hazard per instance-hour for one running instance of `key` at `atTime` (seconds). */
  hazard(key: HazardKey, atTime: number): number
  /** Probability that one running instance of `key` gets a notice within `seconds` after `atTime`. */
  probabilityWithin(key: HazardKey, atTime: number, seconds: number): number
  /** The base-rate posterior of `key` at `atTime` (exposure counted up to then). */
  posterior(key: HazardKey, atTime: number): RatePosterior
  /** What the model has learnt about zone co-interruptions. */
  coInterruption(): CoInterruption
}

interface KeyStats {
  key: HazardKey
  notices: number
  closedHours: number
  running: number
  lastTime: number
}

/** A burst of notices in one zone and instance type, opened by its first notice. */
interface Cluster {
  zoneId: string
  instanceType: string
  start: number
  othersSameType: number
  othersOtherType: number
  coSameType: number
  coOtherType: number
  closed: boolean
}

interface Totals {
  notices: number
  hours: number
}

function checkKey(key: HazardKey): void {
  const ok =
    key !== null &&
    typeof key === 'object' &&
    CLOUDS.includes(key.cloud) &&
    [key.region, key.zone, key.instanceType].every((part) => typeof part === 'string' && part.length > 0)
  if (!ok) throw new InvalidHazardKeyError()
}

function checkTime(time: number): void {
  if (!Number.isFinite(time) || time < 0) throw new InvalidTimeError()
}

function positive(value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (!Number.isFinite(v) || v <= 0) throw new InvalidPriorError()
  return v
}

function probability(value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (!Number.isFinite(v) || v <= 0 || v >= 1) throw new InvalidPriorError()
  return v
}

const keyId = (k: HazardKey): string => `${k.cloud}\u0000${k.region}\u0000${k.zone}\u0000${k.instanceType}`
const zoneIdOf = (k: HazardKey): string => `${k.cloud}\u0000${k.region}\u0000${k.zone}`

/** Hot path of `posterior`: a plain function, not a closure made per key visited. */
function addTo(t: { notices: number; hours: number }, notices: number, hours: number): void {
  t.notices += notices
  t.hours += hours
}

/** Gamma-Poisson shrinkage: posterior mean with `strength` pseudo-hours at the parent's rate. */
const shrink = (t: Totals, parentMean: number, strength: number): number =>
  (t.notices + strength * parentMean) / (t.hours + strength)

/**
 * Creates a preemption-hazard model.
 *
 * Base rate: each key's notices over its instance-hours, Gamma-Poisson with hierarchical
 * shrinkage — cloud (toward the prior), then region and instance type (toward the cloud), then
 * region x instance type (toward region rate x type rate / cloud rate, a log-additive main-effects
 * guess), then the zone key (toward region x type). Parent totals include the child's data, a
 * common approximation that matters little because the pseudo-hours are small.
 *
 * Zone correlation: a notice opens a cluster for its zone and instance type. Running instances of
 * that zone get an excess hazard Λ·e^(−Δt/τ)/τ, where Λ = −ln(1 − p) and p is the learnt probability
 * that another instance (same type, or other type) is noticed within the window. p is a Beta
 * posterior: each closed cluster adds its co-noticed instances as successes over the instances
 * that were running in the zone when it opened.
 */
export function createHazardModel(init: HazardModelInit = {}): HazardModel {
  const priorRate = positive(init.priorRatePerHour, DEFAULT_PRIOR_RATE_PER_HOUR)
  const priorStrength = positive(init.priorStrengthHours, DEFAULT_PRIOR_STRENGTH_HOURS)
  const shrinkage = positive(init.shrinkageHours, DEFAULT_SHRINKAGE_HOURS)
  const windowSeconds = positive(init.coWindowSeconds, DEFAULT_CO_WINDOW_SECONDS)
  const decaySeconds = positive(init.coDecaySeconds, DEFAULT_CO_DECAY_SECONDS)
  const samePrior = probability(init.sameTypeCoProbability, DEFAULT_SAME_TYPE_CO_PROBABILITY)
  const otherPrior = probability(init.otherTypeCoProbability, DEFAULT_OTHER_TYPE_CO_PROBABILITY)
  const priorTrials = positive(init.coPriorTrials, DEFAULT_CO_PRIOR_TRIALS)

  const stats = new Map<string, KeyStats>()
  const clusters: Cluster[] = []
  const co = { sameSuccesses: 0, sameTrials: 0, otherSuccesses: 0, otherTrials: 0 }
  let clock = 0

  function statsOf(key: HazardKey): KeyStats {
    const id = keyId(key)
    let s = stats.get(id)
    if (s === undefined) {
      s = { key: { ...key }, notices: 0, closedHours: 0, running: 0, lastTime: clock }
      stats.set(id, s)
    }
    return s
  }

  function accrue(s: KeyStats, time: number): void {
    s.closedHours += (s.running * (time - s.lastTime)) / SECONDS_PER_HOUR
    s.lastTime = time
  }

  function runningInZone(zoneId: string): { byType: Map<string, number>; total: number } {
    const byType = new Map<string, number>()
    let total = 0
    for (const s of stats.values()) {
      if (zoneIdOf(s.key) !== zoneId) continue
      byType.set(s.key.instanceType, (byType.get(s.key.instanceType) ?? 0) + s.running)
      total += s.running
    }
    return { byType, total }
  }

  function closeClusters(now: number): void {
    for (const c of clusters) {
      if (c.closed || now <= c.start + windowSeconds) continue
      c.closed = true
      co.sameTrials += c.othersSameType
      co.sameSuccesses += Math.min(c.coSameType, c.othersSameType)
      co.otherTrials += c.othersOtherType
      co.otherSuccesses += Math.min(c.coOtherType, c.othersOtherType)
    }
    const horizon = now - CO_PRUNE_DECAYS * decaySeconds
    for (let i = clusters.length - 1; i >= 0; i--) {
      const c = clusters[i]!
      if (c.closed && c.start < horizon) clusters.splice(i, 1)
    }
  }

  function onNotice(key: HazardKey, time: number): void {
    const zoneId = zoneIdOf(key)
    let openSameType = false
    for (const c of clusters) {
      if (c.closed || c.zoneId !== zoneId) continue
      if (c.instanceType === key.instanceType) {
        c.coSameType += 1
        openSameType = true
      } else {
        c.coOtherType += 1
      }
    }
    if (openSameType) return
    const { byType, total } = runningInZone(zoneId)
    const sameRunning = byType.get(key.instanceType) ?? 0
    clusters.push({
      zoneId,
      instanceType: key.instanceType,
      start: time,
      othersSameType: Math.max(0, sameRunning - 1),
      othersOtherType: total - sameRunning,
      coSameType: 0,
      coOtherType: 0,
      closed: false,
    })
  }

  function coProbabilities(): { same: number; other: number } {
    return {
      same: (co.sameSuccesses + priorTrials * samePrior) / (co.sameTrials + priorTrials),
      other: (co.otherSuccesses + priorTrials * otherPrior) / (co.otherTrials + priorTrials),
    }
  }

  /** Bursts in the zone of `key` that started by `at`: their total excess Λ and their age in seconds. */
  function burstsAffecting(key: HazardKey, at: number): { mass: number; age: number }[] {
    const { same, other } = coProbabilities()
    const zoneId = zoneIdOf(key)
    return clusters
      .filter((c) => c.zoneId === zoneId && c.start <= at)
      .map((c) => ({ mass: -Math.log(1 - (c.instanceType === key.instanceType ? same : other)), age: at - c.start }))
  }

  /** Integrated excess hazard (dimensionless) over [from, from + seconds] for an instance of `key`. */
  function excessMass(key: HazardKey, from: number, seconds: number): number {
    const decayed = 1 - Math.exp(-seconds / decaySeconds)
    return burstsAffecting(key, from).reduce((sum, b) => sum + b.mass * Math.exp(-b.age / decaySeconds) * decayed, 0)
  }

  function excessRatePerHour(key: HazardKey, at: number): number {
    return burstsAffecting(key, at).reduce(
      (sum, b) => sum + (b.mass / decaySeconds) * Math.exp(-b.age / decaySeconds) * SECONDS_PER_HOUR,
      0,
    )
  }

  function posterior(key: HazardKey, atTime: number): RatePosterior {
    checkKey(key)
    checkTime(atTime)
    const cloud: Totals = { notices: 0, hours: 0 }
    const region: Totals = { notices: 0, hours: 0 }
    const type: Totals = { notices: 0, hours: 0 }
    const regionType: Totals = { notices: 0, hours: 0 }
    const own: Totals = { notices: 0, hours: 0 }
    for (const s of stats.values()) {
      if (s.key.cloud !== key.cloud) continue
      const hours = s.closedHours + (s.running * Math.max(0, atTime - s.lastTime)) / SECONDS_PER_HOUR
      addTo(cloud, s.notices, hours)
      const sameRegion = s.key.region === key.region
      const sameType = s.key.instanceType === key.instanceType
      if (sameRegion) addTo(region, s.notices, hours)
      if (sameType) addTo(type, s.notices, hours)
      if (sameRegion && sameType) addTo(regionType, s.notices, hours)
      if (sameRegion && sameType && s.key.zone === key.zone) addTo(own, s.notices, hours)
    }
    const cloudMean = shrink(cloud, priorRate, priorStrength)
    const regionMean = shrink(region, cloudMean, shrinkage)
    const typeMean = shrink(type, cloudMean, shrinkage)
    const regionTypeMean = shrink(regionType, (regionMean * typeMean) / cloudMean, shrinkage)
    const shape = own.notices + shrinkage * regionTypeMean
    const rateHours = own.hours + shrinkage
    return {
      shape,
      rateHours,
      mean: shape / rateHours,
      priorMean: regionTypeMean,
      notices: own.notices,
      exposureHours: own.hours,
    }
  }

  return {
    observe(event) {
      checkKey(event.key)
      checkTime(event.time)
      if (event.time < clock) throw new EventOutOfOrderError()
      if (event.kind === 'down' && (stats.get(keyId(event.key))?.running ?? 0) === 0) throw new NoRunningInstanceError()
      const s = statsOf(event.key)
      clock = event.time
      closeClusters(event.time)
      accrue(s, event.time)
      switch (event.kind) {
        case 'up':
          s.running += 1
          break
        case 'down':
          s.running -= 1
          break
        case 'notice':
          s.notices += 1
          onNotice(event.key, event.time)
          break
      }
    },

    addHistory(key, history) {
      checkKey(key)
      const { notices, instanceHours } = history
      if (!Number.isInteger(notices) || notices < 0)
        throw new InvalidPriorError('notices must be a non-negative integer')
      if (!Number.isFinite(instanceHours) || instanceHours < 0) {
        throw new InvalidPriorError('instanceHours must be finite and non-negative')
      }
      const s = statsOf(key)
      s.notices += notices
      s.closedHours += instanceHours
    },

    hazard(key, atTime) {
      return posterior(key, atTime).mean + excessRatePerHour(key, atTime)
    },

    probabilityWithin(key, atTime, seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new InvalidDurationError()
      const { shape, rateHours } = posterior(key, atTime)
      const hours = seconds / SECONDS_PER_HOUR
      // Gamma-Poisson predictive: P(no notice in h hours) = (b / (b + h))^a, i.e. rate uncertainty included.
      const survivalBase = (rateHours / (rateHours + hours)) ** shape
      const survivalExcess = Math.exp(-excessMass(key, atTime, seconds))
      return 1 - survivalBase * survivalExcess
    },

    posterior,

    coInterruption() {
      const { same, other } = coProbabilities()
      return {
        sameType: { probability: same, successes: co.sameSuccesses, trials: co.sameTrials },
        otherType: { probability: other, successes: co.otherSuccesses, trials: co.otherTrials },
        windowSeconds,
        decaySeconds,
      }
    },
  }
}
