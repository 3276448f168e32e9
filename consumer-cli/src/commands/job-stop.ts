/**
 * `synkti job stop ID`: the consumer closes the lease. The chain settles what was served and
 * refunds the rest; the provider node sees the lease end and drains the job. A lease that has
 * already ended is LeaseAlreadyEndedError saying how (when, why, what was paid and refunded).
 */
import type { PublicKey } from '@solana/web3.js'
import type { LeaseOutcome } from '@synkti/market'
import { eventData, fetchLeaseNamed, requireNotEnded } from '../chain.js'
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
  // stopped already (or ended otherwise): say how it ended; gone: say so, not AccountNotFoundError
  requireNotEnded(await fetchLeaseNamed(deps.client, options.lease), 'stop')
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
