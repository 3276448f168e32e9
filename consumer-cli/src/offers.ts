/**
 * Offers: a provider's verified record on the DHT (what it says it has now) joined with its
 * account on chain (that it is registered, active, staked, what it charges and its reputation).
 * Only providers present on both sides are offers; everything else is reported with a reason.
 */
import type { PublicKey } from '@solana/web3.js'
import type { MarketClient, Provider, Reputation } from '@synkti/market'
import { peerIdToSolanaAddress, type SynktiNode, type VerifiedProviderRecord } from '@synkti/p2p'
import type { Capability } from '@synkti/planner'
import { describeMisfit, type Misfit } from './misfit.js'
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
  /** the provider account, when one is known */
  provider: string | null
  /** `why` in words */
  reason: string
  why: Misfit
}

export function rejection(operator: string, provider: string | null, why: Misfit): Rejection {
  return { operator, provider, reason: describeMisfit(why), why }
}

export interface OfferFilters {
  gpu?: string
  region?: string
  /** per GPU */
  minVramGb?: number
}

/**
 * A verified record, as the join reads it. Provider record v1 (@synkti/p2p) names only its
 * operator; a record that also names its provider account is joined on that account.
 */
export type JoinableRecord = { record: VerifiedProviderRecord['record'] & { provider?: string } }

/**
 * The provider account a record speaks for. The account it names, if it names one; otherwise
 * the account the market's operator index gives its signer, which the program keeps one per
 * operator per market (OperatorTaken), so the signature binds the record to that account.
 */
function accountOf(
  record: JoinableRecord['record'],
  byAddress: Map<string, Provider>,
  byOperator: Map<string, Provider>,
): Provider | undefined {
  return record.provider !== undefined ? byAddress.get(record.provider) : byOperator.get(record.operator)
}

/** Why the chain account cannot serve what the record offers, or null when it can. */
function joinProblem(record: JoinableRecord['record'], chain: Provider): Misfit | null {
  if (chain.operator.toBase58() !== record.operator) {
    return { kind: 'operator-mismatch', provider: chain.address.toBase58(), accountOperator: chain.operator.toBase58() }
  }
  if (chain.market.toBase58() !== record.market) {
    return { kind: 'wrong-market', recordMarket: record.market, accountMarket: chain.market.toBase58() }
  }
  if (chain.status.kind !== 'active') return { kind: 'not-active', status: chain.status.kind }
  return null
}

/** Joins verified records with the market's provider accounts (pure). */
export function joinOffers(
  records: readonly JoinableRecord[],
  providers: Provider[],
): { offers: Offer[]; rejected: Rejection[] } {
  const byAddress = new Map(providers.map((p) => [p.address.toBase58(), p]))
  const byOperator = new Map(providers.map((p) => [p.operator.toBase58(), p]))
  const offers: Offer[] = []
  const rejected: Rejection[] = []
  for (const { record } of records) {
    const chain = accountOf(record, byAddress, byOperator)
    if (chain === undefined) {
      rejected.push(rejection(record.operator, record.provider ?? null, { kind: 'not-registered' }))
      continue
    }
    const problem = joinProblem(record, chain)
    if (problem !== null) {
      rejected.push(rejection(record.operator, chain.address.toBase58(), problem))
      continue
    }
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
  const noRecord = (error: unknown): Misfit => ({ kind: 'no-record', error: (error as Error).name })
  if (filters.gpu !== undefined && filters.region !== undefined) {
    const found = await node.discover(
      { market: m, gpuModel: filters.gpu, region: filters.region },
      { checkChain: false },
    )
    records.push(...found.providers.map((p) => p.record))
    for (const r of found.rejected) unverified.push(rejection(operatorOf(r.peerId), null, noRecord(r.error)))
  } else {
    const active: Provider[] = []
    for (const p of providers) {
      if (p.status.kind === 'active') active.push(p)
      else
        unverified.push(
          rejection(p.operator.toBase58(), p.address.toBase58(), { kind: 'not-active', status: p.status.kind }),
        )
    }
    const settled = await Promise.allSettled(active.map((p) => node.getRecord(m, p.operator.toBase58())))
    settled.forEach((s, i) => {
      const p = active[i] as Provider
      if (s.status === 'fulfilled') records.push(s.value)
      else unverified.push(rejection(p.operator.toBase58(), p.address.toBase58(), noRecord(s.reason)))
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
