/**
 * @packageDocumentation
 *
 * Real inference for Synkti on the machines we have: llama.cpp (node-llama-cpp's prebuilt CPU,
 * CUDA and Vulkan binaries) behind vLLM's OpenAI-compatible HTTP API and metrics, and model
 * weights named by their sha256, fetched from the local cache or an S3-compatible store and
 * hash-checked before anything loads them.
 *
 * @example
 * ```ts
 * import { ENGINE_BIN, engineArgs, ModelCache, S3WeightsSource, resolveWeights, SMOLLM2 } from '@synkti/inference'
 *
 * const cache = new ModelCache()                       // ~/.cache/synkti/models/sha256/<hex>
 * const s3 = new S3WeightsSource({ bucket: 'weights', endpoint: 'https://…', forcePathStyle: true })
 * const weights = await resolveWeights({ sha256: SMOLLM2.sha256, sizeBytes: SMOLLM2.sizeBytes }, { cache, sources: [s3] })
 * // then spawn the engine as a process (what provider-node's startJob does):
 * spawn(process.execPath, [ENGINE_BIN, ...engineArgs({ model: weights.path, sha256: weights.sha256, port, servedModelName })])
 * ```
 *
 * In-process (tests):
 * ```ts
 * import { LlamaEngine, buildEngineApp } from '@synkti/inference'
 *
 * const { app } = buildEngineApp({ servedModelName: 'smol', sha256, engine: LlamaEngine.load({ modelPath }) })
 * await app.inject({ method: 'POST', url: '/v1/completions', payload: { model: 'smol', prompt: 'Hi', temperature: 0 } })
 * ```
 */
export { ENGINE_BIN, type EngineOptions, engineArgs, parseEngineOptions, USAGE } from './cli/options.js'
export * from './constants.js'
export {
  type Backend,
  type ChatMessage,
  type ChatRole,
  type FinishReason,
  type GenerateParams,
  type Generation,
  LlamaEngine,
  type LlamaEngineInit,
} from './engine/engine.js'
export { Slots } from './engine/slots.js'
export * from './errors.js'
export {
  buildEngineApp,
  type EngineApp,
  type EngineAppInit,
  listenEngineApp,
  type RunningEngineApp,
} from './server/app.js'
export { createEngineMetrics, type EngineLoad, type EngineMetrics } from './server/metrics.js'
export type { OpenAIError } from './server/openai.js'
export { ServedModel } from './server/served.js'
export { CACHE_SOURCE, ModelCache, type ModelCacheInit } from './weights/cache.js'
export { type FileDigest, hashFile, parseSha256, verifyFile } from './weights/hash.js'
export { type PeerFetch, type PeerTransfer, PeerWeightsSource, type PeerWeightsSourceInit } from './weights/peer.js'
export { type ResolvedWeights, type ResolveWeightsInit, resolveWeights } from './weights/resolve.js'
export { S3WeightsSource, type S3WeightsSourceInit } from './weights/s3.js'
export type { WeightsHead, WeightsOpenOptions, WeightsRef, WeightsSource, WeightsStream } from './weights/source.js'
