/**
 * The deployer's fleet: plan a change to one cluster on one cloud (pure), render the worker's
 * user data from the node config (pure, no secrets), and apply the change through
 * `@synkti/cloud`'s adapters (observe first, all-or-nothing creation, prune after).
 *
 * @example
 * ```ts
 * const adapter = fleetAdapter({ cloud: 'aws', cluster: 'gpu-eu', region: 'eu-central-1' })
 * const target = { cloud: 'aws', cluster: 'gpu-eu', region: 'eu-central-1', count: 2,
 *   instanceType: 'g5.xlarge', image: 'ami-…', market: { kind: 'spot' } } as const
 * const config = workerConfig(deployerConfig, target, workerGpus('aws', 'g5.xlarge'))
 * const userData = renderUserData({ config, target, packageSpec: '@synkti/provider-node' })
 * const result = await fleetUp({ adapter, target, userData })
 * ```
 */
export { type FleetCloudInit, fleetAdapter, regionOf } from './adapters.js'
export {
  type FleetDownResult,
  type FleetListResult,
  type FleetUpInit,
  type FleetUpResult,
  fleetDown,
  fleetList,
  fleetUp,
  type SharedResource,
} from './apply.js'
export * from './constants.js'
export * from './errors.js'
export { type GpuSpec, knownGpus, workerGpus } from './gpus.js'
export { formatAge, launchedAt, launchSuffix } from './naming.js'
export {
  assertTarget,
  type FleetExtra,
  type FleetPlan,
  type FleetTarget,
  type MismatchReason,
  planFleet,
} from './plan.js'
export { type FleetRow, fleetRow, fleetTable } from './rows.js'
export { renderUserData, shellQuote, type UserDataInit, workerConfig } from './user-data.js'
