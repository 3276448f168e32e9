/**
 * Chain reads the market client does not offer as one call: a consumer's leases (memcmp on the
 * consumer field), a provider named by its account or its operator, and the
 * flat view of a lease that commands print.
 */
import type { PublicKey } from '@solana/web3.js'
import {
  decodeAccount,
  discriminatorFilter,
  type EventOf,
  fieldOffset,
  findEvent,
  isNetworkFailure,
  type Lease,
  type Market,
  type MarketClient,
  type MarketEvent,
  type MarketEventName,
  type Provider,
  RpcUnreachableError,
} from '@synkti/market'
import { type Dispute, type Ending, type Handoffs, leaseDispute, leaseEnding, leaseHandoffs } from './ending.js'
import { MarketNotFoundError, ProviderNotFoundError } from './errors.js'

/** Runs a raw connection call, turning a dead RPC into RpcUnreachableError. */
export async function rpc<T>(client: MarketClient, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw isNetworkFailure(err) ? new RpcUnreachableError(client.rpcUrl, err) : err
  }
}

/** The market account at `market`, or MarketNotFoundError when the address holds none on this cluster. */
export async function fetchMarketNamed(client: MarketClient, market: PublicKey): Promise<Market> {
  try {
    return await client.fetchMarket(market)
  } catch (err) {
    const name = (err as Error).name
    if (name === 'AccountNotFoundError') throw new MarketNotFoundError(market.toBase58(), client.rpcUrl, 'nothing', err)
    if (name === 'AccountTypeMismatchError') {
      throw new MarketNotFoundError(market.toBase58(), client.rpcUrl, 'another account', err)
    }
    throw err
  }
}

/** Every lease whose consumer is `consumer` (in `market` if given), newest first. */
export async function consumerLeases(client: MarketClient, consumer: PublicKey, market?: PublicKey): Promise<Lease[]> {
  const filters = [
    discriminatorFilter('Lease'),
    { memcmp: { offset: fieldOffset('lease', 'consumer'), bytes: consumer.toBase58() } },
    ...(market !== undefined ? [{ memcmp: { offset: fieldOffset('lease', 'market'), bytes: market.toBase58() } }] : []),
  ]
  const accounts = await rpc(client, () => client.connection.getProgramAccounts(client.programId, { filters }))
  return accounts
    .map(({ pubkey, account }) => decodeAccount('Lease', pubkey, account.data))
    .sort((a, b) => b.openedAt - a.openedAt || a.address.toBase58().localeCompare(b.address.toBase58()))
}

/** The market's provider whose account or operator is `value`. */
export function findProvider(providers: Provider[], value: string, market: PublicKey): Provider {
  const found = providers.find((p) => p.address.toBase58() === value || p.operator.toBase58() === value)
  if (found === undefined) throw new ProviderNotFoundError(value, market.toBase58())
  return found
}

export interface LeaseView {
  address: string
  market: string
  consumer: string
  provider: string
  /** the market's lease id (the address's seed; never reused) */
  id: bigint
  status: Lease['status']['kind']
  /** why it ended, when it has */
  outcome: string | null
  endedAt: number | null
  /** why and how it ended, with the money as the account records it */
  ending: Ending | null
  dispute: Dispute | null
  handoffs: Handoffs | null
  pricePerSecond: bigint
  maxPricePerSecond: bigint
  deposited: bigint
  /** paid to providers plus protocol fees */
  spent: bigint
  /** still in escrow for service: 0 once ended (what came back is `ending.refunded`) */
  remaining: bigint
  openedAt: number
  acceptedAt: number
  settledUntil: number
  migrationCount: number
}

export function leaseView(lease: Lease): LeaseView {
  const spent = lease.paidToProviders + lease.feesPaid
  return {
    address: lease.address.toBase58(),
    market: lease.market.toBase58(),
    consumer: lease.consumer.toBase58(),
    provider: lease.provider.toBase58(),
    id: lease.id,
    status: lease.status.kind,
    outcome: lease.status.kind === 'ended' ? lease.status.outcome : null,
    endedAt: lease.status.kind === 'ended' ? lease.status.at : null,
    ending: leaseEnding(lease),
    dispute: leaseDispute(lease),
    handoffs: leaseHandoffs(lease),
    pricePerSecond: lease.pricePerSecond,
    maxPricePerSecond: lease.policy.maxPricePerSecond,
    deposited: lease.deposited,
    spent,
    remaining: lease.status.kind === 'ended' ? 0n : lease.deposited - spent,
    openedAt: lease.openedAt,
    acceptedAt: lease.acceptedAt,
    settledUntil: lease.settledUntil,
    migrationCount: lease.migrationCount,
  }
}

/** The data of the event a confirmed instruction emits; its absence is a bug, not a user error. */
export function eventData<N extends MarketEventName>(events: readonly MarketEvent[], name: N): EventOf<N>['data'] {
  const event = findEvent(events, name)
  if (event === undefined) throw new Error(`the transaction confirmed without a ${name} event`)
  return event.data as EventOf<N>['data']
}
