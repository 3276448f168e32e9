export { type Admission, type AdmissionContext, admitJob, type JobClaim } from './admission.js'
export { type AdmissionComponents, AdmissionService, gate } from './admission-service.js'
export { type ApiComponents, ApiService } from './api-service.js'
export { ChainState } from './chain-state.js'
export { addressOf, type NodeComponents, type OperatorKey, type Startable } from './components.js'
export {
  DEFAULT_CONFIG_PATH,
  DEFAULT_KEYPAIR_PATH,
  loadNodeConfig,
  type NodeConfig,
  type NodeConfigInput,
  nodeConfigSchema,
  parseNodeConfig,
  saveNodeConfig,
} from './config.js'
export * from './errors.js'
export * from './events.js'
export { FailoverCoordinator, type FailoverCoordinatorComponents } from './failover-coordinator.js'
export { type NodeFailoverDeps, nodeFailoverEffects } from './failover-effects.js'
export { HandoffTaker, type HandoffTakerComponents } from './handoff-taker.js'
export { type JobRecord, JobRecords } from './job-records.js'
export { containerArgs, JobManager, type JobManagerInit } from './jobs.js'
export { JobsService } from './jobs-service.js'
export { fetchLease } from './lease-lookup.js'
export { LeaseReconciler, type LeaseReconcilerComponents } from './lease-reconciler.js'
export {
  chooseListenAddresses,
  DEFAULT_LISTEN_ADDRESSES,
  DEFAULT_P2P_HOST,
  DEFAULT_P2P_PORT,
  isEphemeralListen,
} from './listen.js'
export { measure } from './measure.js'
export { type P2pComponents, P2pService } from './p2p-service.js'
export { modelDir, preflightEnv } from './preflight-env.js'
export { type PrognosticsComponents, PrognosticsService } from './prognostics-service.js'
export { ProviderNode, type ProviderNodeInit } from './provider-node.js'
export { leaseEndReason } from './reconcile.js'
export { type NodeRecordInput, nextSeq, nodeRecord, vramShare } from './record.js'
export { RecordPublisher, type RecordPublisherComponents } from './record-publisher.js'
export { type RunwayComponents, RunwayService } from './runway-service.js'
export { failedAttestation, type SettlementComponents, SettlementService } from './settlement-service.js'
