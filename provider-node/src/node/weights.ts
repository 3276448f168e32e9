import {
  ModelCache,
  type ResolvedWeights,
  resolveWeights,
  S3WeightsSource,
  type WeightsRef,
  type WeightsSource,
} from '@synkti/inference/spawn'
import { WEIGHTS_NAME_PREFIX } from '@synkti/jobs'
import { MAX_CACHED_MODELS } from '@synkti/p2p'
import type { Capability } from '@synkti/planner'
import { modelDir, type NodeConfig, type WeightsSourceConfig } from './config.js'

/**
 * A model job's weights on this node: the content-addressed cache (`<modelDir>/sha256/<hex>`),
 * the configured sources it fetches from (`weightsSources`), and the hashes it holds as last
 * listed (for the record and the status). Constructing it does no I/O (an S3 client connects
 * when first asked); `destroy()` releases the sources' sockets.
 */
export class NodeWeights {
  readonly cache: ModelCache
  readonly sources: readonly WeightsSource[]
  #cached: readonly string[] = []

  constructor(config: Pick<NodeConfig, 'stateDir' | 'modelDir' | 'weightsSources'>) {
    this.cache = new ModelCache({ dir: modelDir(config) })
    this.sources = config.weightsSources.map(weightsSourceOf)
  }

  /**
   * The weights' path in the cache, fetched from the first source that has them when absent;
   * hash-checked whenever fetched (the engine hashes the file again before it loads it, so a
   * cached file is not hashed twice). WeightsUnavailableError names every source's answer.
   */
  async resolve(ref: WeightsRef, signal?: AbortSignal): Promise<ResolvedWeights> {
    const resolved = await resolveWeights(ref, {
      cache: this.cache,
      sources: this.sources,
      trustCache: true,
      ...(signal === undefined ? {} : { signal }),
    })
    if (resolved.source !== 'cache') await this.refresh()
    return resolved
  }

  /**
   * The engine refused the cached file of `sha256` (exit 3): it is hashed again, and removed when
   * it no longer matches its name, so the next job fetches it anew instead of failing the same way.
   */
  async refused(sha256: string): Promise<void> {
    await this.cache.verify(sha256).catch(() => undefined)
    await this.refresh()
  }

  /** Lists the cache again; a listing that fails keeps the last one. */
  async refresh(): Promise<readonly string[]> {
    this.#cached = await this.cache.list().catch(() => this.#cached)
    return this.#cached
  }

  /** The sha256 of every weights file in the cache, as last listed. */
  get cached(): readonly string[] {
    return this.#cached
  }

  destroy(): void {
    for (const source of this.sources) (source as { destroy?: () => void }).destroy?.()
  }
}

/** A configured source as the object that reads it. */
export function weightsSourceOf(config: WeightsSourceConfig): WeightsSource {
  return new S3WeightsSource({
    bucket: config.bucket,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
    ...(config.forcePathStyle === undefined ? {} : { forcePathStyle: config.forcePathStyle }),
  })
}

/**
 * The capability this node states: the declared one, with the weights it caches added to
 * `cachedModels` as `sha256:<hex>` (how a model job's requirement names them, so the planner
 * and `fits` see a cache hit), within the record's limit. Declared names come first.
 */
export function capabilityWithWeights(capability: Capability, cached: readonly string[]): Capability {
  const hashes = cached.map((sha256) => `${WEIGHTS_NAME_PREFIX}${sha256}`)
  const cachedModels = [...new Set([...capability.cachedModels, ...hashes])].slice(0, MAX_CACHED_MODELS)
  return { ...capability, cachedModels }
}
