import { PublicKey } from '@solana/web3.js'
import { WEIGHTS_NAME_PREFIX } from '@synkti/jobs'
import type { MarketClient } from '@synkti/market'
import { SynktiNode } from '@synkti/p2p'
import { NodeNotStartedError } from './errors.js'
import type { WeightsHolder, WeightsPeers } from './weights.js'

/** Records fetched per lookup: the chain lists every registered provider of the market. */
const MAX_HOLDER_LOOKUPS = 20

export interface WeightsPeersDeps {
  client: Pick<MarketClient, 'findProviders'>
  market: string
  /** this node's operator (never asked) */
  self: string
  /** the running P2P node, undefined before it started */
  p2p: () => SynktiNode | undefined
}

/**
 * The market's other providers as a weights source: the chain lists them, each one's signed DHT
 * record says which hashes it caches (`sha256:<hex>` in `capability.cachedModels`), and the
 * bytes come over `/synkti/weights/1.0.0` (a `not-cached` refusal is "does not hold them").
 */
export function nodeWeightsPeers(deps: WeightsPeersDeps): WeightsPeers {
  const node = (): SynktiNode => {
    const running = deps.p2p()
    if (running === undefined) throw new NodeNotStartedError('p2p')
    return running
  }
  return {
    async holders(sha256, signal) {
      const p2p = deps.p2p()
      if (p2p === undefined) return []
      const name = `${WEIGHTS_NAME_PREFIX}${sha256}`
      const providers = await deps.client.findProviders({ market: new PublicKey(deps.market) })
      const others = providers
        .map((p) => p.operator.toBase58())
        .filter((operator) => operator !== deps.self)
        .slice(0, MAX_HOLDER_LOOKUPS)
      const found = await Promise.allSettled(
        others.map(async (operator): Promise<WeightsHolder | undefined> => {
          const { record } = await p2p.getRecord(deps.market, operator, signal === undefined ? {} : { signal })
          return record.capability.cachedModels.includes(name) ? { operator, addresses: record.addresses } : undefined
        }),
      )
      return found.flatMap((r) => (r.status === 'fulfilled' && r.value !== undefined ? [r.value] : []))
    },

    async fetch(holder, sha256, offset, signal) {
      const p2p = node()
      const peerId = SynktiNode.peerIdOf(holder.operator)
      if (p2p.libp2p.getConnections(peerId).length === 0) {
        for (const address of holder.addresses) await p2p.connect(address).catch(() => undefined)
      }
      try {
        return await p2p.protocols.fetchWeights(peerId, sha256, { offset, ...(signal === undefined ? {} : { signal }) })
      } catch (err) {
        const e = err as { name?: string; reason?: string }
        if (e.name === 'WeightsRefusedError' && e.reason === 'not-cached') return null
        throw err
      }
    },
  }
}
