/**
 * Where the lease is served now: the chain says which provider holds the lease, that provider's
 * node says (signed) where the job's endpoint is. Re-read on a timer and whenever a request
 * finds the endpoint gone, so a failover is followed without the application noticing.
 */
import type { PublicKey } from '@solana/web3.js'
import type { MarketClient } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { askJob } from '../ask.js'

export interface Route {
  /** the lease it serves */
  lease: string
  operator: string
  provider: string
  /** the job's OpenAI-compatible base URL */
  endpoint: string
}

export type RouteState =
  | { kind: 'serving'; route: Route }
  /** no healthy endpoint right now (starting, failing over, the node unreachable) */
  | { kind: 'waiting'; reason: string }
  /** the lease is over: nothing will serve it again */
  | { kind: 'ended'; reason: string }

export async function lookUpRoute(node: SynktiNode, client: MarketClient, lease: PublicKey): Promise<RouteState> {
  try {
    const report = await askJob(node, client, lease)
    const status = report.lease.status
    if (status.kind === 'ended') return { kind: 'ended', reason: `the lease ended (${status.outcome})` }
    if (status.kind === 'disputed') return { kind: 'ended', reason: 'the lease is disputed' }
    const job = report.job
    if (job?.state === 'healthy' && job.endpoint !== null) {
      return {
        kind: 'serving',
        route: {
          lease: lease.toBase58(),
          operator: report.operator,
          provider: report.provider.address.toBase58(),
          endpoint: job.endpoint,
        },
      }
    }
    return { kind: 'waiting', reason: job === undefined ? 'the provider lists no job yet' : `the job is ${job.state}` }
  } catch (err) {
    return { kind: 'waiting', reason: `${(err as Error).name}: ${(err as Error).message}` }
  }
}
