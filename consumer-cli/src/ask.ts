/**
 * "Ask the node": a job's truth is what its current provider signs. The provider is always
 * resolved from the lease on chain (a failover moves the lease), then its operator key is the
 * peer to ask; the answer is signed by that key over a fresh nonce (checked by @synkti/p2p) and
 * validated against @synkti/jobs's status schema here (MalformedNodeStatusError).
 */
import type { PublicKey } from '@solana/web3.js'
import { type JobView, jobOfLease, type NodeStatus, parseNodeStatus } from '@synkti/jobs'
import type { Lease, MarketClient, Provider } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { fetchLeaseNamed } from './chain.js'
import { describeError } from './classify.js'
import { EXIT_CODES, ProviderUnreachableError, StatusOperatorMismatchError } from './errors.js'
import { resolvePeer } from './p2p.js'

export interface JobReport {
  lease: Lease
  provider: Provider
  operator: string
  status: NodeStatus
  /** undefined when the provider lists no job for the lease */
  job: JobView | undefined
}

/** The lease and its current provider, from the chain. */
export async function leaseAndProvider(
  client: MarketClient,
  lease: PublicKey,
): Promise<{ lease: Lease; provider: Provider }> {
  // no such lease on the cluster: named as such (never opened here, or finalized), not AccountNotFoundError
  const account = await fetchLeaseNamed(client, lease)
  return { lease: account, provider: await client.fetchProvider(account.provider) }
}

/** The signed status of `operator`'s node, schema-checked. */
export async function askStatus(node: SynktiNode, market: string, operator: string): Promise<NodeStatus> {
  const peer = await resolvePeer(node, market, operator)
  let document: unknown
  try {
    document = (await node.protocols.askStatus(peer)).body.status
  } catch (err) {
    // Transport failures mean "unreachable"; a peer that answered wrongly keeps its own error name.
    if (describeError(err).exitCode === EXIT_CODES.provider) throw err
    throw new ProviderUnreachableError(operator, (err as Error).message, err)
  }
  const status = parseNodeStatus(document)
  if (status.operator !== operator) throw new StatusOperatorMismatchError(operator, status.operator)
  return status
}

/** Chain first (who serves the lease now), then that provider's own account of the job. */
export async function askJob(node: SynktiNode, client: MarketClient, lease: PublicKey): Promise<JobReport> {
  const chain = await leaseAndProvider(client, lease)
  const operator = chain.provider.operator.toBase58()
  const status = await askStatus(node, chain.lease.market.toBase58(), operator)
  return { ...chain, operator, status, job: jobOfLease(status, lease.toBase58()) }
}
