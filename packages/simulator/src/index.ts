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
 *
 * A service of N replicas on a fleet loaded from real spot traces (skypilot-org/spot-traces):
 *
 * @example
 * ```ts
 * import { fleetFromTraces, loadSpotTraces, runTraceSet, buildServiceReport } from '@synkti/simulator'
 *
 * const fleet = fleetFromTraces(loadSpotTraces(['spot-traces/availability/1-node/aws-02-15-2023'], 'spot-traces'), { capacityScale: 4 })
 * const set = runTraceSet(fleet, { windows: 30, windowDays: 3 })
 * for (const r of set.full.runs) console.log(r.policy, r.serving.anyUp, r.spendUsd)
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
export { type CatalogType, INSTANCE_CATALOG, regionOfZone } from './service/catalog.js'
export {
  availabilityShare,
  type CapacityChange,
  type CapacitySource,
  capacityAt,
  capacityChanges,
  costOf,
  type DataFleet,
  DEFAULT_SPOT_SHARE,
  type FleetInit,
  type FleetPool,
  fleetFromTraces,
  type PoolMarket,
  type PriceSource,
  type ProviderSpec,
  parseFleetFile,
  priceAt,
} from './service/data-fleet.js'
export {
  DEFAULT_CONTROL,
  DEFAULT_SERVICE,
  type ServiceControl,
  type ServiceResult,
  type ServiceSpec,
  type ServiceWindow,
  type SimulateServiceOptions,
  simulateService,
} from './service/engine.js'
export { loadSpotTraces } from './service/load.js'
export {
  type Markets,
  SERVICE_POLICIES,
  type ServicePolicy,
  type ServicePolicyName,
  servicePolicyByName,
} from './service/policies.js'
export {
  buildServiceReport,
  comparePolicies,
  dailyMean,
  type ServiceReport,
  type ServiceReportMeta,
} from './service/report.js'
export { BLIND_RATE_PER_HOUR, blindRisk, learntRisk, type PoolRisk, spreadRisk } from './service/risk.js'
export {
  bestZone,
  CLAIM_POLICY,
  capacityPerDollarVsOnDemand,
  DEFAULT_WINDOW_DAYS,
  DEFAULT_WINDOWS,
  HYSTERESIS_SETTINGS,
  runTraceSet,
  type TraceSetResult,
  type TraceSetRunOptions,
  type WindowResult,
} from './service/run.js'
export { type ServingMetrics, ServingTracker } from './service/serving.js'
export {
  formatSpotTrace,
  parseSpotTrace,
  parseTraceName,
  type SpotTrace,
  type TraceKind,
  traceKindOf,
} from './service/spot-traces.js'
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
