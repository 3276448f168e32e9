/**
 * @packageDocumentation
 *
 * Deterministic discrete-event simulation of a GPU fleet across clouds, regions and zones under
 * spot preemptions (correlated per zone) and mean-reverting spot prices, comparing failover
 * policies that all place jobs through `@synkti/planner` (and, for the risk-aware one, take
 * preemption risk from `@synkti/prognostics`) over a 3^5 scenario grid.
 *
 * @example
 * ```ts
 * import { parseScenario, runScenario, runGrid, buildReport } from '@synkti/simulator'
 *
 * const one = runScenario(parseScenario('model=high,bandwidth=low'), { seed: 1, days: 7 })
 * for (const r of one.runs) console.log(r.policy, r.effectiveCostUsd, r.servedFraction)
 *
 * const grid = await runGrid({ seed: 1, onProgress: (done, total) => console.error(done, total) })
 * const { markdown, files } = buildReport(grid, { seed: 1, days: 7, seconds: 30 })
 * ```
 */

export * from './constants.js'
export {
  FAILOVER_PHASES,
  type Failover,
  type FailoverPhase,
  type RunResult,
  type SimulateOptions,
  simulate,
} from './engine.js'
export * from './errors.js'
export {
  capabilityOf,
  findSpotPool,
  INSTANCE_TYPES,
  type InstanceType,
  type Market,
  POOLS,
  type Pool,
  SPOT_POOLS,
} from './fleet.js'
export { type GridOptions, runGrid } from './grid.js'
export * from './policies.js'
export { buildReport, type Report, type ReportMeta, verdict } from './report.js'
export { createStream, type Stream } from './rng.js'
export * from './run.js'
export * from './scenario.js'
export * from './stats.js'
export { formatTrace, parseTrace, TRACE_HEADER } from './trace.js'
export {
  costBetween,
  createWorld,
  type FleetEvent,
  poolRate,
  pricePerHourAt,
  type SimJob,
  syntheticPreemptions,
  type World,
  type ZoneRisk,
  zoneRisks,
} from './world.js'
