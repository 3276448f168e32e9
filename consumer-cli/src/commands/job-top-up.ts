/** `synkti job top-up ID --amount N`: more escrow for a running lease. */
import type { PublicKey } from '@solana/web3.js'
import { eventData, fetchLeaseNamed, requireFunds, requireNotEnded } from '../chain.js'
import type { Deps } from '../context.js'

export interface TopUpOptions {
  lease: PublicKey
  amount: bigint
}

export interface TopUpResult {
  kind: 'job-top-up'
  lease: string
  amount: bigint
  /** total deposited over the lease's life */
  deposited: bigint
  signature: string
}

export async function run(options: TopUpOptions, deps: Deps): Promise<TopUpResult> {
  const consumer = await deps.wallet()
  // what the program would refuse, named before anything is sent: no such lease, an ended one, too few tokens
  const lease = await fetchLeaseNamed(deps.client, options.lease)
  requireNotEnded(lease, 'top-up')
  await requireFunds(deps.client, consumer.publicKey, await deps.client.fetchMarket(lease.market), options.amount)
  const { signature, events } = await deps.client.topUpLease({ consumer, lease: options.lease, amount: options.amount })
  const event = eventData(events, 'LeaseToppedUp')
  return {
    kind: 'job-top-up',
    lease: options.lease.toBase58(),
    amount: event.amount,
    deposited: event.deposited,
    signature,
  }
}
