import type { Lease, Market } from './types.js'

/**
 * The program's rule (`Market::stalled`): a lease whose provider has been silent for longer than
 * the market's attestation gap. Then `reclaim_stalled_lease` refunds the whole escrow, while a
 * close would still pay the provider up to the gap. `now` is the chain's clock (`chainNow`).
 */
export function isStalled(
  lease: Pick<Lease, 'lastActivityAt'>,
  market: Pick<Market, 'maxAttestationGapSecs'>,
  now: number,
): boolean {
  return now > lease.lastActivityAt + market.maxAttestationGapSecs
}
