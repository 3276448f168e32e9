/** What a source hands over: the bytes as they arrive, and their length when it announces one. */
export interface WeightsStream {
  body: AsyncIterable<Uint8Array>
  /**
   * The length the source announces for the whole file (Content-Length of the object); checked
   * against what arrives. For a stream that starts at `offset`, the body carries
   * `sizeBytes - offset` bytes.
   */
  sizeBytes?: number
  /** Where in the file the body starts (a resumed transfer); default 0. */
  offset?: number
}

export interface WeightsOpenOptions {
  signal?: AbortSignal
  /**
   * The first byte wanted (the length of a partial copy). Only a `resumable` source honours it,
   * and says so in the stream's `offset`; others start at 0.
   */
  offset?: number
}

/** What a source says it holds, without sending it. */
export interface WeightsHead {
  /** The length it announces. */
  sizeBytes?: number
}

/**
 * Somewhere weights can come from, by sha256: an object store, a peer. `open` throws
 * WeightsNotFoundError when the source does not hold them and WeightsSourceError when it cannot
 * be asked; it never checks the bytes, the cache does that while it stores them.
 */
export interface WeightsSource {
  /** Shown in errors and results, e.g. `s3://bucket/sha256/`. */
  readonly name: string
  /**
   * Whether `open` can start from an offset: the cache then keeps what arrived before an
   * interruption (`<dir>/sha256/.<hex>.partial`) and asks only for the rest (a peer).
   */
  readonly resumable?: boolean
  open(sha256: string, options?: WeightsOpenOptions): Promise<WeightsStream>
  /**
   * A cheap existence check, when the source has one (S3: HeadObject): the announced length, or
   * the same named errors as `open`.
   */
  head?(sha256: string, options?: { signal?: AbortSignal }): Promise<WeightsHead>
}

/** Weights as a job names them: the hash, and the size when known (checked before and while fetching). */
export interface WeightsRef {
  sha256: string
  sizeBytes?: number
}
