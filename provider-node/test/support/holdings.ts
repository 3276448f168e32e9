/**
 * Every token of the payment mint a cast holds around one lease, for tests that check that
 * nothing appears or vanishes: the consumer's account, the lease's escrow, the provider's payout
 * account and earnings vault, and the market's fee vault.
 */
import type { PublicKey } from '@solana/web3.js'
import type { ConsumerFx, MarketFx, Parties, ProviderFx } from '../../../clients/market/test/support/parties.js'

export async function tokenHoldings(parties: Parties, m: MarketFx, p: ProviderFx, c: ConsumerFx, lease: PublicKey) {
  const { escrow } = await parties.client.fetchLease(lease)
  const [consumer, escrowed, payout, earnings, fees] = await Promise.all([
    parties.balance(c.token),
    parties.balance(escrow),
    parties.balance(p.payout),
    parties.balance(p.earningsVault),
    parties.balance(m.feeVault),
  ])
  return { consumer, escrowed, payout, earnings, fees, total: consumer + escrowed + payout + earnings + fees }
}
