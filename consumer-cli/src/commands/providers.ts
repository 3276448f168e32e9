/** `synkti providers`: verified provider records on the DHT joined with their accounts on chain. */
import type { Deps } from '../context.js'
import { findOffers, type Offer, type OfferFilters, type Rejection } from '../offers.js'

export type ProvidersOptions = OfferFilters

export interface ProvidersResult {
  kind: 'providers'
  market: string
  filters: ProvidersOptions
  providers: Offer[]
  /** candidates left out: no valid record, or not registered and active on chain */
  rejected: Rejection[]
}

export async function run(options: ProvidersOptions, deps: Deps): Promise<ProvidersResult> {
  const market = deps.market()
  const node = await deps.p2p()
  const { offers, rejected } = await findOffers(node, deps.client, market, options)
  return { kind: 'providers', market: market.toBase58(), filters: options, providers: offers, rejected }
}
