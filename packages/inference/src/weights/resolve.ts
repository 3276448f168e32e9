import { stat } from 'node:fs/promises'
import { type WeightsAttempt, WeightsUnavailableError } from '../errors.js'
import { CACHE_SOURCE, type ModelCache } from './cache.js'
import { parseSha256 } from './hash.js'
import type { WeightsRef, WeightsSource } from './source.js'

export interface ResolveWeightsInit {
  cache: ModelCache
  /** Tried in order after the cache; the first that yields the right bytes wins. */
  sources?: readonly WeightsSource[]
  /**
   * Skip re-hashing a file already in the cache (it was hashed before it was renamed in). The
   * engine hashes the file again before it loads it, so a node may set this to hash once.
   */
  trustCache?: boolean
  /**
   * How many times a resumable source (a peer) is asked again for the rest after its transfer
   * broke off (WeightsTruncatedError, WeightsSourceError), each time from the partial copy's
   * length. Default 2.
   */
  resumeAttempts?: number
  signal?: AbortSignal
}

export interface ResolvedWeights {
  path: string
  sha256: string
  /** `cache`, or the name of the source it was fetched from. */
  source: string
  sizeBytes: number
  ms: number
}

/**
 * The weights' path in the cache, fetching them from the first source that has them when they
 * are not there. Every source's failure is kept; when none succeeds the result is
 * WeightsUnavailableError with each attempt's named error (WeightsNotFoundError,
 * WeightsHashMismatchError, WeightsTruncatedError, WeightsSizeMismatchError, WeightsSourceError).
 * A cached file that no longer matches its hash is removed and fetched again.
 */
export async function resolveWeights(ref: WeightsRef, init: ResolveWeightsInit): Promise<ResolvedWeights> {
  const sha256 = parseSha256(ref.sha256)
  const started = performance.now()
  const attempts: WeightsAttempt[] = []
  const done = async (path: string, source: string): Promise<ResolvedWeights> => {
    const { size } = await stat(path)
    return { path, sha256, source, sizeBytes: size, ms: Math.round(performance.now() - started) }
  }
  if (await init.cache.has(sha256)) {
    try {
      const path = init.trustCache === true ? init.cache.pathOf(sha256) : await init.cache.verify(sha256, init.signal)
      return await done(path, CACHE_SOURCE)
    } catch (error) {
      if (init.signal?.aborted) throw error
      attempts.push({ source: CACHE_SOURCE, error: error as Error })
    }
  }
  for (const source of init.sources ?? []) {
    init.signal?.throwIfAborted()
    try {
      const path =
        source.resumable === true
          ? await storeResuming({ ...ref, sha256 }, source, init)
          : await init.cache.store(
              { ...ref, sha256 },
              await source.open(sha256, { signal: init.signal }),
              source.name,
              init.signal,
            )
      return await done(path, source.name)
    } catch (error) {
      if (init.signal?.aborted) throw error
      attempts.push({ source: source.name, error: error as Error })
    }
  }
  throw new WeightsUnavailableError(sha256, attempts)
}

/** Resumes from the partial copy after a break, up to `resumeAttempts` times, while bytes keep coming. */
async function storeResuming(ref: WeightsRef, source: WeightsSource, init: ResolveWeightsInit): Promise<string> {
  const retries = init.resumeAttempts ?? 2
  for (let attempt = 0; ; attempt++) {
    const before = await sizeOf(init.cache.partialPathOf(ref.sha256))
    try {
      return await init.cache.storeResumable(ref, source, init.signal)
    } catch (error) {
      const name = (error as Error).name
      const broke = name === 'WeightsTruncatedError' || name === 'WeightsSourceError'
      if (init.signal?.aborted || !broke || attempt >= retries) throw error
      // a source that fails without a byte more is not asked again
      if ((await sizeOf(init.cache.partialPathOf(ref.sha256))) <= before) throw error
    }
  }
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  )
}
