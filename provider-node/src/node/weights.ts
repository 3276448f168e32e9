import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import {
  CACHE_SOURCE,
  ModelCache,
  type PeerTransfer,
  PeerWeightsSource,
  parseSha256,
  type ResolvedWeights,
  resolveWeights,
  S3WeightsSource,
  type WeightsAttempt,
  WeightsNotFoundError,
  type WeightsRef,
  type WeightsSource,
  WeightsUnavailableError,
} from '@synkti/inference/spawn'
import { WEIGHTS_NAME_PREFIX } from '@synkti/jobs'
import {
  MAX_CACHED_MODELS,
  peerIdToSolanaAddress,
  WEIGHTS_CHUNK_BYTES,
  type WeightsOffer,
  type WeightsRequest,
} from '@synkti/p2p'
import type { Capability } from '@synkti/planner'
import { modelDir, type NodeConfig, type WeightsSourceConfig } from './config.js'

/** A peer that caches weights: its operator, and where to dial it (its record's addresses). */
export interface WeightsHolder {
  operator: string
  addresses: readonly string[]
}

/** Other nodes as a place to get weights from (the P2P node and the chain; `weights-peers.ts`). */
export interface WeightsPeers {
  /** the market's other providers whose signed records list `sha256:<hex>` among `cachedModels` */
  holders(sha256: string, signal?: AbortSignal): Promise<readonly WeightsHolder[]>
  /** the holder's transfer over `/synkti/weights/1.0.0` from `offset`, or null: it does not cache them */
  fetch(holder: WeightsHolder, sha256: string, offset: number, signal?: AbortSignal): Promise<PeerTransfer | null>
}

/** A transfer shorter than this says more about latency than bandwidth: not measured. */
export const MIN_MEASURED_BYTES = 1024 * 1024

/** The rate of the last whole transfer of weights between this node and a peer. */
export interface MeasuredBandwidth {
  bytesPerSecond: number
  /** unix ms of the transfer's end */
  at: number
  /** `fetched`: from the peer to this node; `served`: from this node to the peer */
  direction: 'fetched' | 'served'
}

/** The name a peer goes by as a weights source (`weightsFrom` of `engine-loaded`). */
export function peerSourceName(operator: string): string {
  return `peer:${operator}`
}

/**
 * A model job's weights on this node: the content-addressed cache (`<modelDir>/sha256/<hex>`),
 * the peers that cache them (once `usePeers` is called: the running node), the configured
 * sources it fetches from (`weightsSources`), and the hashes it holds as last listed (for the
 * record and the status). Constructing it does no I/O (an S3 client connects when first asked);
 * `destroy()` releases the sources' sockets.
 */
export class NodeWeights {
  readonly cache: ModelCache
  readonly sources: readonly WeightsSource[]
  #cached: readonly string[] = []
  #peers: WeightsPeers | undefined
  /** sha256 → the operator to ask first (a failover's giver that said it caches them) */
  readonly #preferred = new Map<string, string>()
  /** by operator: the last whole transfer of weights to or from it */
  readonly #bandwidth = new Map<string, MeasuredBandwidth>()
  /** prefetches under way, by sha256 */
  readonly #prefetching = new Map<string, Promise<void>>()
  readonly #stopping = new AbortController()

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
    const sha256 = parseSha256(ref.sha256)
    const resolveFrom = (sources: readonly WeightsSource[]) =>
      resolveWeights(ref, { cache: this.cache, sources, trustCache: true, ...(signal === undefined ? {} : { signal }) })
    if (this.#peers === undefined || (await this.cache.has(sha256)))
      return this.#resolved(await resolveFrom(this.sources))
    const attempts: WeightsAttempt[] = []
    // the giver of a failover first: it said it caches them, and it is already connected
    const preferred = this.#preferred.get(sha256)
    if (preferred !== undefined) {
      try {
        return this.#resolved(await resolveFrom([this.#peerSource({ operator: preferred, addresses: [] })]))
      } catch (error) {
        if (signal?.aborted || !(error instanceof WeightsUnavailableError)) throw error
        attempts.push(...error.attempts)
      }
    }
    const holders = (await this.#peers.holders(sha256, signal).catch(() => [])).filter((h) => h.operator !== preferred)
    try {
      return this.#resolved(await resolveFrom([...holders.map((h) => this.#peerSource(h)), ...this.sources]))
    } catch (error) {
      if (signal?.aborted || !(error instanceof WeightsUnavailableError) || attempts.length === 0) throw error
      throw new WeightsUnavailableError(sha256, [...attempts, ...error.attempts])
    }
  }

  async #resolved(resolved: ResolvedWeights): Promise<ResolvedWeights> {
    if (resolved.source !== CACHE_SOURCE) {
      this.#preferred.delete(resolved.sha256)
      await this.refresh()
    }
    return resolved
  }

  #peerSource(holder: WeightsHolder): PeerWeightsSource {
    const peers = this.#peers as WeightsPeers
    return new PeerWeightsSource({
      name: peerSourceName(holder.operator),
      fetch: async (sha256, offset, signal) => {
        const started = performance.now()
        const transfer = await peers.fetch(holder, sha256, offset, signal)
        if (transfer === null) return null
        return { ...transfer, chunks: this.#timed(holder.operator, 'fetched', transfer.chunks, started) }
      },
    })
  }

  /** Passes the chunks on; when they all came, the transfer's rate is kept for the peer. */
  async *#timed(
    operator: string,
    direction: MeasuredBandwidth['direction'],
    chunks: AsyncIterable<Uint8Array>,
    started = performance.now(),
  ): AsyncGenerator<Uint8Array> {
    let bytes = 0
    for await (const chunk of chunks) {
      bytes += chunk.byteLength
      yield chunk
    }
    const seconds = (performance.now() - started) / 1000
    if (bytes >= MIN_MEASURED_BYTES && seconds > 0) {
      this.#bandwidth.set(operator, { bytesPerSecond: bytes / seconds, at: Date.now(), direction })
    }
  }

  /**
   * The rate of the last whole transfer of weights (at least MIN_MEASURED_BYTES) between this
   * node and `operator`, either way; undefined when none was measured. The planner's transfer
   * term for that peer (a failover's candidates, the spare).
   */
  bandwidthWith(operator: string): MeasuredBandwidth | undefined {
    return this.#bandwidth.get(operator)
  }

  /** Other nodes become a source: after the cache, before `weightsSources`. */
  usePeers(peers: WeightsPeers): void {
    this.#peers = peers
  }

  /**
   * Fetches the weights into the cache in the background, asking `from` first (the peer that
   * pre-selected this node as its spare, which caches them), then resolving as a job would:
   * `cached` when they are there already, `running` when a prefetch of them is under way,
   * `started` otherwise; `onDone` hears how a started one ended (not once the node stops).
   */
  async prefetch(
    ref: { sha256: string; sizeBytes: number },
    from: string,
    onDone: (outcome: { ok: true; resolved: ResolvedWeights } | { ok: false; error: Error }) => void,
  ): Promise<'started' | 'cached' | 'running'> {
    const sha256 = parseSha256(ref.sha256)
    if (await this.cache.has(sha256)) return 'cached'
    if (this.#prefetching.has(sha256)) return 'running'
    this.#stopping.signal.throwIfAborted()
    this.prefer(sha256, from)
    const signal = this.#stopping.signal
    const work = this.resolve({ sha256, sizeBytes: ref.sizeBytes }, signal)
      .then(
        (resolved) => {
          if (!signal.aborted) onDone({ ok: true, resolved })
        },
        (error: unknown) => {
          if (!signal.aborted) onDone({ ok: false, error: error instanceof Error ? error : new Error(String(error)) })
        },
      )
      .finally(() => this.#prefetching.delete(sha256))
    this.#prefetching.set(sha256, work)
    return 'started'
  }

  /** Ask `operator` first for `sha256` (a failover's giver whose offer says it caches them). */
  prefer(sha256: string, operator: string): void {
    this.#preferred.set(parseSha256(sha256), operator)
  }

  /**
   * What `/synkti/weights/1.0.0` serves: the cached file named by `sha256` (only a file in the
   * cache, by its hash: never any other path), read from `offset` in frames' worth as the
   * transport takes them; null when it is not cached.
   */
  async serve({
    sha256,
    offset,
    remotePeer,
  }: {
    sha256: string
    offset: number
    remotePeer?: WeightsRequest['remotePeer']
  }): Promise<WeightsOffer | null> {
    let path: string
    try {
      path = this.cache.pathOf(sha256)
    } catch {
      return null
    }
    const file = await stat(path).catch(() => undefined)
    if (file === undefined || !file.isFile()) return null
    return {
      sizeBytes: file.size,
      body: (signal) => {
        const file = createReadStream(path, { start: offset, highWaterMark: WEIGHTS_CHUNK_BYTES, signal })
        // a chunk is pulled only once the peer took the previous one: the rate is the peer's
        return remotePeer === undefined ? file : this.#timed(peerIdToSolanaAddress(remotePeer), 'served', file)
      },
    }
  }

  /**
   * What the preflight asks (cache, then each source by HeadObject): the configured sources, then
   * the peers: the preferred giver, else any whose signed record lists the hash.
   */
  get preflightSources(): readonly WeightsSourceViewLike[] {
    const peers = this.#peers
    if (peers === undefined) return this.sources
    const preferred = this.#preferred
    const view: WeightsSourceViewLike = {
      name: 'peers',
      async head(sha256, options = {}) {
        if (preferred.has(sha256)) return {}
        const holders = await peers.holders(sha256, options.signal)
        if (holders.length === 0) {
          throw new WeightsNotFoundError(
            sha256,
            'peers',
            `no peer's signed record lists ${WEIGHTS_NAME_PREFIX}${sha256}`,
          )
        }
        return {}
      },
    }
    return [...this.sources, view]
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

  /** Aborts the prefetches under way (their end is not reported); none starts after. */
  stopPrefetching(): void {
    this.#stopping.abort(new Error('node stopping'))
  }

  destroy(): void {
    this.stopPrefetching()
    for (const source of this.sources) (source as { destroy?: () => void }).destroy?.()
  }
}

/** A source as the preflight asks it (its `WeightsSourceView`). */
interface WeightsSourceViewLike {
  readonly name: string
  head?(sha256: string, options?: { signal?: AbortSignal }): Promise<{ sizeBytes?: number }>
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
