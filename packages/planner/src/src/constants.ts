import type { CostWeights } from './cost-model.js'
import { fraction, seconds, usdPerHour, usdPerSecond } from './units.js'

/**
 * Default weights of the cost model, all in one place. They turn time into money so that
 * every term of a candidate's cost is in USD.
 */
export const DEFAULT_WEIGHTS: CostWeights = {
  // What one second of a job not serving costs its consumer: an inference endpoint that
  // earns or saves about $36/h. Downtime from weight transfers and preemptions is priced at it.
  outage: usdPerHour(36),
  // An extra second of round-trip latency to the consumer, priced per second of the job.
  latency: usdPerSecond(0.5 / 3600),
  // What a fully loaded node costs in queueing delay per hour of the job, scaled by its load.
  load: usdPerHour(1),
  // Downtime of one failover when the weights are already cached: boot, load, health check.
  failoverBase: seconds(90),
  // Probability that a slot in a zone being preempted right now is hit by the same wave;
  // co-interruptions of one zone mostly fall within minutes of each other.
  zoneCorrelation: fraction(0.5),
}

/** The Spot notice: a failover should complete within it. */
export const SPOT_NOTICE = seconds(120)
