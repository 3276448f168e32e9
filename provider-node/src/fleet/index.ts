/**
 * The deployer's fleet: plan a change to one cluster on one cloud (pure), give every worker its
 * own operator key and provider account under the deployer's authority (chain), render each
 * worker's user data from the node config (pure, no secrets), and apply the change through
 * `@synkti/cloud`'s adapters (observe first, accounts before machines, all-or-nothing
 * creation, prune after).
 *
 * @example
 * ```ts
 * const adapter = fleetAdapter({ cloud: 'aws', cluster: 'gpu-eu', region: 'eu-central-1' })
 * const target = { cloud: 'aws', cluster: 'gpu-eu', region: 'eu-central-1', count: 2,
 *   instanceType: 'g5.xlarge', image: 'ami-…', market: { kind: 'spot' } } as const
 * const gpu = workerGpus('aws', 'g5.xlarge')
 * const userData = (worker: WorkerSlot) => renderUserData({
 *   config: workerConfig(deployerConfig, target, gpu, worker.provider ?? undefined),
 *   target, worker, packageSpec: '@synkti/provider-node',
 *   keyCommand: 'aws ssm get-parameter --name /synkti/{cluster}/operator-{index} … > /etc/synkti/operator.json',
 * })
 * const chain = { client, market, authority, keyDir: defaultKeyDir(configPath, 'gpu-eu'),
 *   capabilities: chainCapabilities(target, gpu), pricePerSecond: 7n }
 * const result = await fleetUp({ adapter, target, userData, chain })
 * ```
 */
export { type FleetCloudInit, fleetAdapter, regionOf } from './adapters.js'
export {
  type ChainSide,
  type ChainSideInit,
  type FleetDownOptions,
  type FleetDownResult,
  type FleetListResult,
  type FleetUpInit,
  type FleetUpResult,
  fleetDown,
  fleetList,
  fleetUp,
  type SharedResource,
} from './apply.js'
export {
  applyChain,
  type ChainAction,
  type ChainPlan,
  type ChainReport,
  type ChainView,
  chainCapabilities,
  chainReport,
  type FleetChainInit,
  type FleetChainRead,
  type FleetChainState,
  idleIndexes,
  indexView,
  observeChain,
  type ProviderRow,
  pausePlan,
  pauseProviders,
  planChain,
  providerRow,
  readFleetChain,
  type WorkerIdentity,
} from './chain.js'
export * from './constants.js'
export * from './errors.js'
export { type GpuSpec, knownGpus, workerGpus } from './gpus.js'
export { createFleetKey, defaultKeyDir, operatorKeyPath, readFleetKeys } from './keys.js'
export { formatAge, launchedAt, launchSuffix, workerIndex, workerSuffix } from './naming.js'
export {
  assertTarget,
  type ChainReason,
  type FleetExtra,
  type FleetPlan,
  type FleetTarget,
  type IndexView,
  type MismatchReason,
  planFleet,
} from './plan.js'
export { type FleetRow, fleetRow, fleetTable, shortKey } from './rows.js'
export {
  assertKeyCommand,
  fillKeyCommand,
  renderUserData,
  shellQuote,
  type UserDataInit,
  type WorkerSlot,
  workerConfig,
} from './user-data.js'
