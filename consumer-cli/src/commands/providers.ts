/** `synkti providers`: verified provider records on the DHT joined with their accounts on chain. */
import { fetchMarketNamed } from '../chain.js'
import type { Deps } from '../context.js'
import { findOffers, type Offer, type OfferFilters, type Rejection } from '../offers.js'

export interface ProvidersOptions extends OfferFilters {
  /** a job spec: say of each provider whether it fits, and why not (providers-for.ts) */
  for?: string
  /** with `for`: the least stake a provider must have, beyond the market's minimum */
  minStake?: bigint
}

export interface ProvidersResult {
  kind: 'providers'
  market: string
  filters: OfferFilters
  providers: Offer[]
  /** candidates left out: no valid record, or not registered and active on chain */
  rejected: Rejection[]
}

export async function run(options: OfferFilters, deps: Deps): Promise<ProvidersResult> {
  const market = deps.market()
  // a wrong address would read as a market with no providers
  await fetchMarketNamed(deps.client, market)
  const node = await deps.p2p()
  const { offers, rejected } = await findOffers(node, deps.client, market, options)
  return { kind: 'providers', market: market.toBase58(), filters: options, providers: offers, rejected }
}
