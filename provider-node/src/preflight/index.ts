/**
 * The Banker's check: before the node starts, and before it accepts a lease, spawns or takes
 * over a job, one typed list of requirements, each saying how it was observed and, when it
 * fails, the exact command that fixes it. Nothing starts while an item fails.
 *
 * @example
 * ```ts
 * const report = await runPreflight('accept-lease', env, { requirement: requirementOf(spec), command: spec.run.command })
 * if (!report.ok) console.log(formatDoctor(report))
 * await assertPreflight('start', env) // throws PreflightFailedError (err.report) when an item fails
 * ```
 */
export * from './constants.js'
export * from './doctor.js'
export * from './errors.js'
export * from './evaluate.js'
export { shortAddress } from './format.js'
export { observeBalance, observeRegistration, observeRpc, type RegistrationProbe, withTimeout } from './probes/chain.js'
export { observeDisk } from './probes/disk.js'
export { observeEngines } from './probes/engine.js'
export { findTool, runTool, type ToolEnv, type ToolRun } from './probes/exec.js'
export { NVIDIA_SMI_ARGS, observeGpu, parseNvidiaSmi } from './probes/gpu.js'
export { observeKeypair } from './probes/keypair.js'
export {
  type ModelWeightsProbe,
  observeModelWeights,
  type WeightsCacheView,
  type WeightsSourceView,
} from './probes/model-weights.js'
export { observeCommand, observeContainerEngine } from './probes/runtime.js'
export { observeWeights, type WeightsProbe, weightsPath } from './probes/weights.js'
export { isLocalRpc, remedies } from './remedies.js'
export {
  assertPreflight,
  isBlocking,
  type LeaseOperation,
  type PreflightEnv,
  type PreflightNeeds,
  parseOperation,
  runPreflight,
} from './run.js'
export type * from './types.js'
