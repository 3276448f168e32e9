/**
 * Runway: how long each served lease's escrow still pays, a warning when it runs low, and, when
 * it runs out, the job stopped, the end of service attested and the lease closed, so the node
 * only does paid work. A disputed lease is stopped too.
 *
 * @example
 * ```ts
 * import { createRunwayWatcher } from './runway/index.js'
 *
 * await using runway = createRunwayWatcher({
 *   client, operator, provider,
 *   leases: () => served,                              // the settlement loop's leases
 *   stopJob: (lease, reason) => jobs.stop(lease, reason, drainDeadlineMs),
 *   settle: (lease, until) => settlement.settle(lease, until),
 *   onEvent: (e) => log(e),
 * })
 * runway.start()
 * runway.status() // { leases: [{ lease, level, secondsLeft, paidThrough }], ending, lastError }
 * ```
 */
export {
  DEFAULT_RUNWAY_POLL_MS,
  DEFAULT_RUNWAY_WARN_SEC,
} from './constants.js'
export { InvalidRunwayThresholdError, RunwayWatcherStoppedError } from './errors.js'
export {
  assessLease,
  type LeaseAssessment,
  type NotServing,
  type Runway,
  type RunwayLevel,
  runwayLevel,
  runwayOf,
} from './runway.js'
export {
  createRunwayWatcher,
  type EndingStep,
  type RunwayEvent,
  type RunwayLeaseStatus,
  type RunwayReport,
  type RunwayStatus,
  type RunwayStopReason,
  type RunwayWatcher,
  type RunwayWatcherInit,
} from './watcher.js'
