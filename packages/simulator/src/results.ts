/** What one policy's run through one world produced. */

/**
 * Where a failover's time went: draining in-flight work, waiting (for capacity, or for a
 * replacement that was itself reclaimed), running the planner, booting the replacement, and
 * loading weights plus the health check (for a pre-warmed spare: the routing switch).
 */
export type FailoverPhase = 'draining' | 'waiting' | 'selecting' | 'spawning' | 'health'
export const FAILOVER_PHASES: readonly FailoverPhase[] = ['draining', 'waiting', 'selecting', 'spawning', 'health']

/** One failover: from the notice to the replacement serving, and how much of it the job was down. */
export interface Failover {
  /** from the notice to the replacement serving */
  seconds: number
  /** the part of it after the old machine was gone */
  downtime: number
  viaSpare: boolean
  phases: Record<FailoverPhase, number>
}

export interface RunResult {
  policy: string
  spendUsd: number
  servedGpuHours: number
  /** served time over the time jobs wanted serving (from arrival to end or horizon) */
  servedFraction: number
  /** requests arriving while a job that had started was not serving */
  requestsDropped: number
  migrations: number
  failovers: Failover[]
  /** spend plus unserved time priced at the jobs' outage value (USD) */
  effectiveCostUsd: number
  costPerServedGpuHour: number
  sparesLaunched: number
  jobsNeverPlaced: number
  /** planner calls for placements (spares aside), the jobs they placed, and the calls with several jobs */
  planning: { calls: number; jobs: number; multiJobCalls: number }
  events: number
}
