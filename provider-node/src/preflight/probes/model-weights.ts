import type { WeightsObservation, WeightsSourceAnswer } from '../types.js'

/** The node's content-addressed cache, as the preflight asks it (a `ModelCache` of @synkti/inference). */
export interface WeightsCacheView {
  has(sha256: string): Promise<boolean>
  pathOf(sha256: string): string
}

/** A weights source, as the preflight asks it: by name, and by HeadObject where it has one. */
export interface WeightsSourceView {
  readonly name: string
  head?(sha256: string, options?: { signal?: AbortSignal }): Promise<{ sizeBytes?: number }>
}

export interface ModelWeightsProbe {
  weights: { sha256: string; sizeBytes: number }
  cache: WeightsCacheView
  sources: readonly WeightsSourceView[]
  timeoutMs: number
}

/**
 * A model job's weights: in the cache, else the first source that says it holds them at the
 * job's length (without fetching a byte); else every source's answer, by error name.
 */
export async function observeModelWeights(p: ModelWeightsProbe): Promise<WeightsObservation> {
  const { sha256, sizeBytes } = p.weights
  const path = p.cache.pathOf(sha256)
  if (await p.cache.has(sha256)) return { kind: 'cached', sha256, path }
  const answers: WeightsSourceAnswer[] = []
  for (const source of p.sources) {
    if (source.head === undefined) {
      // no cheap check: the fetch will tell; the source is taken at its word
      return { kind: 'in-source', sha256, path, source: source.name, sizeBytes: null }
    }
    try {
      const head = await source.head(sha256, { signal: AbortSignal.timeout(p.timeoutMs) })
      if (head.sizeBytes !== undefined && head.sizeBytes !== sizeBytes) {
        answers.push({
          source: source.name,
          error: 'WeightsSizeMismatchError',
          message: `${source.name} has ${head.sizeBytes} bytes for weights ${sha256}, the job says ${sizeBytes}`,
        })
        continue
      }
      return { kind: 'in-source', sha256, path, source: source.name, sizeBytes: head.sizeBytes ?? null }
    } catch (err) {
      const e = err as Error
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError'
      answers.push({
        source: source.name,
        error: timedOut ? 'WeightsSourceError' : e.name,
        message: timedOut ? `${source.name}: no answer within ${p.timeoutMs} ms` : e.message,
      })
    }
  }
  return { kind: 'unavailable', sha256, path, answers }
}
