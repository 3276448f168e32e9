/**
 * `synkti job stop ID`: the consumer closes the lease. The chain settles what was served and
 * refunds the rest; the provider node sees the lease end and drains the job.
 */
import type { PublicKey } from '@solana/web3.js'
import type { LeaseOutcome } from '@synkti/market'
import { eventData } from '../chain.js'
import type { Deps } from '../context.js'

export interface StopOptions {
  lease: PublicKey
}

export interface StopResult {
  kind: 'job-stop'
  lease: string
  outcome: LeaseOutcome
  /** seconds paid for in the final settlement */
  seconds: bigint
  payout: bigint
  fee: bigint
  refund: bigint
  signature: string
}

export async function run(options: StopOptions, deps: Deps): Promise<StopResult> {
  const signer = await deps.wallet()
  const { signature, events } = await deps.client.closeLease({ signer, lease: options.lease })
  const ended = eventData(events, 'LeaseEnded')
  return {
    kind: 'job-stop',
    lease: options.lease.toBase58(),
    outcome: ended.outcome,
    seconds: ended.seconds,
    payout: ended.payout,
    fee: ended.fee,
    refund: ended.refund,
    signature,
  }
}
