import { statfs } from 'node:fs/promises'
import { dirname } from 'node:path'
import { PublicKey } from '@solana/web3.js'
import type { MarketClient } from '@synkti/market'
import { peerIdToSolanaAddress, type WeightsPrefetchDecision, type WeightsPrefetchRequest } from '@synkti/p2p'
import { describeError } from '../describe-error.js'
import type { NodeLog } from './events.js'
import type { NodeWeights } from './weights.js'

export interface WeightsPrefetchDeps {
  client: Pick<MarketClient, 'findProviders'>
  market: string
  /** whether the node takes work now (a draining node fetches nothing for anyone) */
  admitting: () => boolean
  weights: Pick<NodeWeights, 'cache' | 'prefetch'>
  log: NodeLog
}

/**
 * A peer that pre-selected this node as its spare asks it to fetch a model job's weights now
 * (`weights-prefetch` on `/synkti/weights/1.0.0`). Accepted only from a provider the chain lists
 * in this node's market, while this node admits work, when the disk of the model cache has room
 * for them; they are fetched in the background from the asker first, as a job's would be
 * (hash-checked, resumable). The answer does not wait for the bytes.
 */
export async function decidePrefetch(
  deps: WeightsPrefetchDeps,
  request: WeightsPrefetchRequest,
): Promise<WeightsPrefetchDecision> {
  const { sha256, sizeBytes } = request
  const from = peerIdToSolanaAddress(request.remotePeer)
  const decline = (reason: string): WeightsPrefetchDecision => {
    deps.log({ event: 'weights-prefetch', sha256, from, outcome: 'declined', reason })
    return { accepted: false, reason }
  }
  if (!deps.admitting()) return decline('this node does not admit work now')
  const providers = await deps.client.findProviders({ market: new PublicKey(deps.market) })
  if (!providers.some((p) => p.operator.toBase58() === from)) {
    return decline(`${from} is not a provider of market ${deps.market}`)
  }
  const free = await freeBytes(deps.weights.cache.dir)
  if (free !== undefined && free < sizeBytes) {
    return decline(`no room: ${sizeBytes} bytes of weights, ${free} free where the model cache is`)
  }
  const outcome = await deps.weights.prefetch({ sha256, sizeBytes }, from, (done) => {
    deps.log(
      done.ok
        ? {
            event: 'weights-prefetched',
            sha256,
            weightsFrom: done.resolved.source,
            weightsMs: done.resolved.ms,
          }
        : { event: 'weights-prefetch-failed', sha256, error: describeError(done.error, 512) },
    )
  })
  deps.log({ event: 'weights-prefetch', sha256, from, outcome })
  return { accepted: true, cached: outcome === 'cached' }
}

/** Free bytes on the file system of `dir` (or its nearest existing parent); undefined when unknown. */
async function freeBytes(dir: string): Promise<number | undefined> {
  for (let at = dir; ; at = dirname(at)) {
    try {
      const fs = await statfs(at)
      return fs.bavail * fs.bsize
    } catch {
      if (dirname(at) === at) return undefined
    }
  }
}
