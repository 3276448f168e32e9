import { WeightsNotFoundError, WeightsSourceError } from '../errors.js'
import { parseSha256 } from './hash.js'
import type { WeightsOpenOptions, WeightsSource, WeightsStream } from './source.js'

/** What a peer sends for a request: the whole file's length, and its bytes from `offset`. */
export interface PeerTransfer {
  sizeBytes: number
  offset: number
  chunks: AsyncIterable<Uint8Array>
}

/**
 * Asks one peer for the weights named `sha256` from `offset`: its transfer, or `null` when the
 * peer does not hold them. Any throw means the peer could not be asked. (provider-node gives
 * `@synkti/p2p`'s `fetchWeights` over `/synkti/weights/1.0.0`; this package imports no P2P.)
 */
export type PeerFetch = (sha256: string, offset: number, signal?: AbortSignal) => Promise<PeerTransfer | null>

export interface PeerWeightsSourceInit {
  /** Shown in errors and results: `peer:<operator>`. */
  name: string
  fetch: PeerFetch
}

/**
 * Weights from another node that caches them. Resumable: the cache asks for the bytes after its
 * partial copy. Nothing a peer says is trusted: the cache counts and hashes what arrives and
 * renames it in only when it is the file asked for.
 */
export class PeerWeightsSource implements WeightsSource {
  readonly name: string
  readonly resumable = true
  readonly #fetch: PeerFetch

  constructor(init: PeerWeightsSourceInit) {
    this.name = init.name
    this.#fetch = init.fetch
  }

  async open(sha256: string, options: WeightsOpenOptions = {}): Promise<WeightsStream> {
    const hex = parseSha256(sha256)
    const offset = options.offset ?? 0
    let transfer: PeerTransfer | null
    try {
      transfer = await this.#fetch(hex, offset, options.signal)
    } catch (error) {
      if (options.signal?.aborted) throw error
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      throw new WeightsSourceError(hex, this.name, reason, undefined, { cause: error })
    }
    if (transfer === null) throw new WeightsNotFoundError(hex, this.name)
    return { body: transfer.chunks, sizeBytes: transfer.sizeBytes, offset: transfer.offset }
  }
}
