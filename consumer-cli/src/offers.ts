/**
 * Offers: a provider's verified record on the DHT (what it says it has now) joined with its
 * account on chain (that it is registered, active, staked, what it charges and its reputation).
 * Only operators present on both sides are offers; everything else is reported with a reason.
 */
import type { PublicKey } from '@solana/web3.js'
import type { MarketClient, Provider, Reputation } from '@synkti/market'
import { peerIdToSolanaAddress, type SynktiNode, type VerifiedProviderRecord } from '@synkti/p2p'
import type { Capability } from '@synkti/planner'
import { rememberAddresses } from './p2p.js'

export interface Offer {
  operator: string
  /** the provider account (what a lease names) */
  provider: string
  authority: string
  capability: Capability
  /** what a lease charges: the on-chain price */
  pricePerSecond: bigint
  /** what the record says; a provider changing its price updates the chain first */
  advertisedPricePerSecond: bigint
  staked: bigint
  reputation: Reputation
  load: { jobs: number; gpuUtilization: number }
  addresses: string[]
  recordExpiresAt: number
}

export interface Rejection {
  operator: string
  reason: string
}

export interface OfferFilters {
  gpu?: string
  region?: string
  /** per GPU */
  minVramGb?: number
}

/** Joins verified records with the market's provider accounts (pure). */
export function joinOffers(
  records: VerifiedProviderRecord[],
  providers: Provider[],
): { offers: Offer[]; rejected: Rejection[] } {
  const byOperator = new Map(providers.map((p) => [p.operator.toBase58(), p]))
  const offers: Offer[] = []
  const rejected: Rejection[] = []
  for (const { record } of records) {
    const chain = byOperator.get(record.operator)
    if (chain === undefined) {
      rejected.push({ operator: record.operator, reason: 'not registered in this market' })
    } else if (chain.status.kind !== 'active') {
      rejected.push({ operator: record.operator, reason: `${chain.status.kind} on chain` })
    } else {
      offers.push({
        operator: record.operator,
        provider: chain.address.toBase58(),
        authority: chain.authority.toBase58(),
        capability: record.capability,
        pricePerSecond: chain.pricePerSecond,
        advertisedPricePerSecond: BigInt(record.pricePerSecond),
        staked: chain.staked,
        reputation: chain.reputation,
        load: record.load,
        addresses: record.addresses,
        recordExpiresAt: record.expiresAt,
      })
    }
  }
  return { offers: sortOffers(offers), rejected }
}

/** Filters on what the provider offers now (its record), case-insensitive as discovery keys are. */
export function matchesFilters(offer: Offer, f: OfferFilters): boolean {
  const cap = offer.capability
  return (
    (f.gpu === undefined || cap.gpu.model.toUpperCase() === f.gpu.toUpperCase()) &&
    (f.region === undefined || cap.region.toLowerCase() === f.region.toLowerCase()) &&
    (f.minVramGb === undefined || cap.gpu.vramGb >= f.minVramGb)
  )
}

/** Cheapest first; then the less loaded; then by operator, so the order is stable. */
export function sortOffers(offers: Offer[]): Offer[] {
  return [...offers].sort(
    (a, b) =>
      (a.pricePerSecond < b.pricePerSecond ? -1 : a.pricePerSecond > b.pricePerSecond ? 1 : 0) ||
      a.load.jobs - b.load.jobs ||
      a.operator.localeCompare(b.operator),
  )
}

/**
 * Offers in `market` matching `filters`. With a GPU model and a region the capability key is
 * complete, so providers are found by content routing; otherwise the chain's registry lists
 * the candidates and each one's record is fetched from the DHT. Either way every record is
 * verified (signature, key binding, expiry) by the p2p package before it is used.
 */
export async function findOffers(
  node: SynktiNode,
  client: MarketClient,
  market: PublicKey,
  filters: OfferFilters,
): Promise<{ offers: Offer[]; rejected: Rejection[] }> {
  const providers = await client.findProviders({ market, status: 'any' })
  const m = market.toBase58()
  const records: VerifiedProviderRecord[] = []
  const unverified: Rejection[] = []
  if (filters.gpu !== undefined && filters.region !== undefined) {
    const found = await node.discover(
      { market: m, gpuModel: filters.gpu, region: filters.region },
      { checkChain: false },
    )
    records.push(...found.providers.map((p) => p.record))
    for (const r of found.rejected) unverified.push({ operator: operatorOf(r.peerId), reason: r.error.name })
  } else {
    const active = providers.filter((p) => p.status.kind === 'active')
    const settled = await Promise.allSettled(active.map((p) => node.getRecord(m, p.operator.toBase58())))
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') records.push(s.value)
      else unverified.push({ operator: active[i]?.operator.toBase58() ?? '?', reason: (s.reason as Error).name })
    })
  }
  await Promise.all(records.map(({ record }) => rememberAddresses(node, record.operator, record.addresses)))
  const joined = joinOffers(records, providers)
  return {
    offers: joined.offers.filter((o) => matchesFilters(o, filters)),
    rejected: [...unverified, ...joined.rejected],
  }
}

/** A peer's operator address; a peer with a non-Ed25519 key is no operator and keeps its peer id. */
function operatorOf(peer: Parameters<typeof peerIdToSolanaAddress>[0]): string {
  try {
    return peerIdToSolanaAddress(peer)
  } catch {
    return peer.toString()
  }
}
