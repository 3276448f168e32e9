import { PublicKey } from '@solana/web3.js'
import { jobOfLease, parseNodeStatus } from '@synkti/jobs'
import type { MarketClient } from '@synkti/market'
import { SynktiNode } from '@synkti/p2p'

/**
 * Where a lease's job is served now: the chain names the lease's provider, the provider names
 * its operator, and the operator's node (asked over P2P, answer signed) names the endpoint.
 * After a failover the chain moves first; this follows it.
 */
export async function resolveEndpoint(client: MarketClient, p2p: SynktiNode, lease: string): Promise<string | null> {
  const onChain = await client.fetchLease(new PublicKey(lease))
  const provider = await client.fetchProvider(onChain.provider)
  const signed = await p2p.protocols.askStatus(SynktiNode.peerIdOf(provider.operator.toBase58()))
  const job = jobOfLease(parseNodeStatus(signed.body.status), lease)
  return job?.state === 'healthy' ? job.endpoint : null
}
