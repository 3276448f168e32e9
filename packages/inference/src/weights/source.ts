/** What a source hands over: the bytes as they arrive, and their length when it announces one. */
export interface WeightsStream {
  body: AsyncIterable<Uint8Array>
  /** The length the source announces (Content-Length); checked against what arrives. */
  sizeBytes?: number
}

/**
 * Somewhere weights can come from, by sha256: an object store, a peer (later). `open` throws
 * WeightsNotFoundError when the source does not hold them and WeightsSourceError when it cannot
 * be asked; it never checks the bytes, the cache does that while it stores them.
 */
export interface WeightsSource {
  /** Shown in errors and results, e.g. `s3://bucket/sha256/`. */
  readonly name: string
  open(sha256: string, options?: { signal?: AbortSignal }): Promise<WeightsStream>
}

/** Weights as a job names them: the hash, and the size when known (checked before and while fetching). */
export interface WeightsRef {
  sha256: string
  sizeBytes?: number
}
