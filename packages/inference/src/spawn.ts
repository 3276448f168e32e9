/**
 * @packageDocumentation
 *
 * `@synkti/inference/spawn`: what a provider node needs to run the engine as a process — its
 * CLI's entry point and arguments, the weights (cache, S3, resolve), the named errors and the
 * pins — without loading llama.cpp into the node itself (node-llama-cpp's import alone takes
 * 1–2 s; the engine process loads it).
 *
 * @example
 * ```ts
 * import { ENGINE_BIN, engineArgs, ModelCache, resolveWeights } from '@synkti/inference/spawn'
 * ```
 */
export { ENGINE_BIN, type EngineOptions, engineArgs } from './cli/options.js'
export * from './constants.js'
export * from './errors.js'
export { CACHE_SOURCE, ModelCache, type ModelCacheInit } from './weights/cache.js'
export { type FileDigest, hashFile, parseSha256, verifyFile } from './weights/hash.js'
export { type PeerFetch, type PeerTransfer, PeerWeightsSource, type PeerWeightsSourceInit } from './weights/peer.js'
export { type ResolvedWeights, type ResolveWeightsInit, resolveWeights } from './weights/resolve.js'
export { S3WeightsSource, type S3WeightsSourceInit } from './weights/s3.js'
export type { WeightsHead, WeightsOpenOptions, WeightsRef, WeightsSource, WeightsStream } from './weights/source.js'
