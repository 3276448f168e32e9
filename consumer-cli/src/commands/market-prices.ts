/**
 * `synkti market prices`: the going price per GPU model and region, from verified records
 * joined with the chain; the statistics are over on-chain prices (prices.ts).
 */
import { fetchMarketNamed } from '../chain.js'
import type { Deps } from '../context.js'
import { findOffers, type Rejection } from '../offers.js'
import { type PriceGroup, priceGroups, pricePoint } from '../prices.js'

export interface PricesOptions {
  gpu?: string
  region?: string
}

export interface PricesResult {
  kind: 'market-prices'
  market: string
  filters: PricesOptions
  groups: PriceGroup[]
  /** providers without a verified record and an active account: no price of theirs counts */
  leftOut: Rejection[]
}

export async function run(options: PricesOptions, deps: Deps): Promise<PricesResult> {
  const market = deps.market()
  // a wrong address would read as a market without prices
  await fetchMarketNamed(deps.client, market)
  const node = await deps.p2p()
  const { offers, rejected } = await findOffers(node, deps.client, market, options)
  return {
    kind: 'market-prices',
    market: market.toBase58(),
    filters: options,
    groups: priceGroups(offers.map(pricePoint)),
    leftOut: rejected,
  }
}
