import type { Lease } from '@synkti/market'

/**
 * Why a job this node runs must stop, from its lease as the chain holds it, or null to keep
 * serving. Pure, so the rule is read and tested in one place: a lease that ended (closed by its
 * consumer, a reclaim or a dispute ruling) or was closed, one that is disputed (billing stopped
 * when the dispute opened, so serving on would be free work), or one that now pays another
 * provider outside a failover. `unreachable`: the RPC did not answer, which says nothing about
 * the lease.
 */
export function leaseEndReason(onChain: Lease | 'closed' | 'unreachable', provider: string): string | null {
  if (onChain === 'unreachable') return null
  if (onChain === 'closed') return 'the lease was closed'
  if (onChain.status.kind === 'ended') return `the lease ended (${onChain.status.outcome})`
  if (onChain.status.kind === 'disputed') return 'the lease is disputed: billing stopped'
  if (onChain.provider.toBase58() !== provider) return 'the lease pays another provider'
  return null
}
