/** `synkti lease list`: the wallet's leases (in the market, if one is set), from the chain. */

import { consumerLeases, fetchMarketNamed, type LeaseView, leaseView } from '../chain.js'
import type { Deps } from '../context.js'

export interface LeaseListResult {
  kind: 'lease-list'
  consumer: string
  market: string | null
  leases: LeaseView[]
}

export async function run(_options: Record<string, never>, deps: Deps): Promise<LeaseListResult> {
  const wallet = await deps.wallet()
  const market = deps.config.market
  // a wrong --market would read as a wallet without leases
  if (market !== undefined) await fetchMarketNamed(deps.client, market)
  const leases = await consumerLeases(deps.client, wallet.publicKey, market)
  return {
    kind: 'lease-list',
    consumer: wallet.publicKey.toBase58(),
    market: market?.toBase58() ?? null,
    leases: leases.map(leaseView),
  }
}
