/**
 * `synkti lease reclaim ID`: the provider went silent (no attestation for longer than the
 * market's gap): the consumer takes back everything left in escrow, and the provider's record
 * shows a failed lease. Before the gap has passed the program refuses (LeaseNotStalledError).
 */
import type { PublicKey } from '@solana/web3.js'
import { eventData } from '../chain.js'
import type { Deps } from '../context.js'

export interface ReclaimOptions {
  lease: PublicKey
}

export interface ReclaimResult {
  kind: 'lease-reclaim'
  lease: string
  /** the provider account whose record now counts a failed lease */
  provider: string
  /** what was left in escrow, back in the consumer's account */
  refund: bigint
  signature: string
}

export async function run(options: ReclaimOptions, deps: Deps): Promise<ReclaimResult> {
  const consumer = await deps.wallet()
  const { signature, events } = await deps.client.reclaimStalledLease({ consumer, lease: options.lease })
  const ended = eventData(events, 'LeaseEnded')
  return {
    kind: 'lease-reclaim',
    lease: options.lease.toBase58(),
    provider: ended.provider.toBase58(),
    refund: ended.refund,
    signature,
  }
}
