/**
 * @packageDocumentation
 * The provider daemon (`synkti-provider`): context and role, the Banker's check, the job
 * runtime, P2P protocols, settlement and the escrow runway, failover, prognostics and the HTTP
 * API, composed by `ProviderNode`; plus a stand-in inference server with vLLM's API shape for
 * machines without a GPU.
 *
 * @example
 * ```ts
 * import { startJob } from '@synkti/provider-node'
 * await using job = await startJob({ command: 'vllm', args: ['serve', model, '--port', '8000'],
 *   healthUrl: 'http://127.0.0.1:8000/health', readyTimeoutMs: 600_000 })
 * for await (const line of job.logs()) console.log(line.stream, line.text)
 * ```
 */

export * from './api/index.js'
export * from './context/index.js'
export * from './errors.js'
export * from './failover/index.js'
export * from './fleet/index.js'
export * from './node/index.js'
export * from './preflight/index.js'
export * from './prognostics/index.js'
export { freePort } from './runtime/free-port.js'
export { probeHealth, waitHealthy } from './runtime/health.js'
export {
  type DrainOptions,
  type DrainOutcome,
  type Exit,
  Job,
  type JobSpec,
  type JobState,
  type LogLine,
  startJob,
} from './runtime/job.js'
export { LogBuffer } from './runtime/log-buffer.js'
export * from './runway/index.js'
export * from './settlement/index.js'
// not (yet) in the settlement index
export { CorruptReceiptFileError } from './settlement/receipts.js'
export { Admission } from './standin/admission.js'
export { completionText, countPromptTokens } from './standin/completion.js'
export { parseStandinOptions, type StandinOptions } from './standin/options.js'
export {
  buildStandinApp,
  type CompletionRequest,
  type CompletionResponse,
  type OpenAIError,
  type RunningStandin,
  type StandinApp,
  startStandin,
} from './standin/server.js'
