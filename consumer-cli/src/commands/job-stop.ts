/**
 * `synkti job stop ID`: the consumer closes the lease. The chain settles what was served and
 * refunds the rest; the provider node sees the lease end and drains the job. A lease that has
 * already ended is LeaseAlreadyEndedError saying how (when, why, what was paid and refunded).
 *
 * A lease whose provider has been silent past the market's attestation gap is not closed but
 * reclaimed: `close_lease` would pay the provider up to the gap for time it no longer vouched
 * for (its job may be long dead), `reclaim_stalled_lease` refunds the whole escrow and records
 * the provider's failure. The consumer asked to stop paying; this is the cheaper true answer.
 */
import type { PublicKey } from '@solana/web3.js'
import { chainNow, isStalled, type LeaseOutcome } from '@synkti/market'
import { eventData, fetchLeaseNamed, requireNotEnded, rpc } from '../chain.js'
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
  /** `reclaim`: the provider had gone silent past the gap, so the escrow came back whole */
  via: 'close' | 'reclaim'
}

export async function run(options: StopOptions, deps: Deps): Promise<StopResult> {
  const signer = await deps.wallet()
  // stopped already (or ended otherwise): say how it ended; gone: say so, not AccountNotFoundError
  const lease = await fetchLeaseNamed(deps.client, options.lease)
  requireNotEnded(lease, 'stop')
  const stalled =
    lease.status.kind === 'active' &&
    (await rpc(deps.client, async () => {
      const [market, now] = await Promise.all([deps.client.fetchMarket(lease.market), chainNow(deps.client.connection)])
      return isStalled(lease, market, now)
    }))
  const { signature, events } = stalled
    ? await deps.client.reclaimStalledLease({ consumer: signer, lease: options.lease })
    : await deps.client.closeLease({ signer, lease: options.lease })
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
    via: stalled ? 'reclaim' : 'close',
  }
}
