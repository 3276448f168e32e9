export { type Admission, type AdmissionContext, admitJob, type JobClaim } from './admission.js'
export { ChainState } from './chain-state.js'
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
export { type NodeFailoverDeps, nodeFailoverEffects } from './failover-effects.js'
export { type JobRecord, JobRecords } from './job-records.js'
export { containerArgs, JobManager, type JobManagerInit } from './jobs.js'
export { modelDir, preflightEnv } from './preflight-env.js'
export { type NodeEvent, ProviderNode, type ProviderNodeInit } from './provider-node.js'
