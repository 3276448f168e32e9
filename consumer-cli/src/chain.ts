/**
 * Chain reads the market client does not offer as one call: a consumer's leases (memcmp on the
 * consumer field), a provider named by its account or its operator, and the
 * flat view of a lease that commands print.
 */
import { getAssociatedTokenAddressSync } from '@solana/spl-token'
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
  tokenBalance,
} from '@synkti/market'
import { DEFAULT_RPC_URL } from '@synkti/vocabulary'
import {
  type Dispute,
  type Ending,
  endingSentence,
  type Handoffs,
  leaseDispute,
  leaseEnding,
  leaseHandoffs,
} from './ending.js'
import {
  InsufficientFundsError,
  LeaseAlreadyEndedError,
  LeaseNotFoundError,
  MarketNotFoundError,
  ProviderNotFoundError,
} from './errors.js'

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

/**
 * What the escrow really pays for now. The account's remaining escrow is what has not been
 * settled yet; service since the last settlement (`settledUntil`) is already owed at the lease's
 * price, so it comes off first: `available` is what is left for service from `now` on, and the
 * escrow lasts `secondsLeft` more (it pays through `paidThrough`). Only an active lease is billed:
 * an open one starts at acceptance, a disputed one stopped at the dispute. Null once it ended.
 */
export interface LeaseRunway {
  /** chain time it was computed at (unix seconds) */
  at: number
  /** seconds served since the last settlement, owed and not yet attested */
  unsettledSec: number
  /** what those seconds cost at the lease's price */
  accrued: bigint
  /** escrow left for service from `at` on: remaining less accrued, never below 0 */
  available: bigint
  secondsLeft: number
  /** unix seconds the escrow pays through */
  paidThrough: number
  /** whether the escrow is being drawn on now (active), or not yet / no more (open, disputed) */
  billing: boolean
}

export function leaseRunway(lease: Lease, now: number): LeaseRunway | null {
  if (lease.status.kind === 'ended') return null
  const remaining = lease.deposited - lease.paidToProviders - lease.feesPaid
  const billing = lease.status.kind === 'active'
  const unsettledSec = billing ? Math.max(0, now - lease.settledUntil) : 0
  const owed = BigInt(unsettledSec) * lease.pricePerSecond
  const accrued = owed < remaining ? owed : remaining > 0n ? remaining : 0n
  const available = remaining - accrued > 0n ? remaining - accrued : 0n
  const secondsLeft = lease.pricePerSecond > 0n ? Number(available / lease.pricePerSecond) : Number.POSITIVE_INFINITY
  return { at: now, unsettledSec, accrued, available, secondsLeft, paidThrough: now + secondsLeft, billing }
}

/** The lease account at `lease`, or LeaseNotFoundError (never opened on this cluster, or finalized). */
export async function fetchLeaseNamed(client: MarketClient, lease: PublicKey): Promise<Lease> {
  try {
    return await client.fetchLease(lease)
  } catch (err) {
    if ((err as Error).name === 'AccountNotFoundError')
      throw new LeaseNotFoundError(lease.toBase58(), client.rpcUrl, err)
    throw err
  }
}

/** For an action a lease that ended cannot take: LeaseAlreadyEndedError saying how it ended. */
export function requireNotEnded(lease: Lease, action: 'stop' | 'top-up'): void {
  const ending = leaseEnding(lease)
  if (ending !== null) throw new LeaseAlreadyEndedError(lease.address.toBase58(), action, endingSentence(ending))
}

/** A chain on this machine: its test tokens come from `npm run localnet -- faucet`. */
function isLocalChain(rpcUrl: string): boolean {
  try {
    const host = new URL(rpcUrl).hostname
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]'
  } catch {
    return false
  }
}

/**
 * Checks, before a transaction would move them into escrow, that `owner` holds `amount` of the
 * market's payment mint (its associated account, as the market client uses by default).
 */
export async function requireFunds(
  client: MarketClient,
  owner: PublicKey,
  market: Pick<Market, 'address' | 'mint'>,
  amount: bigint,
): Promise<void> {
  const mint = market.mint
  const account = getAssociatedTokenAddressSync(mint, owner, true)
  const exists = (await rpc(client, () => client.connection.getAccountInfo(account))) !== null
  const balance = exists ? await rpc(client, () => tokenBalance(client.connection, account)) : 0n
  if (balance >= amount) return
  const url = client.rpcUrl
  const faucet = isLocalChain(url)
    ? `npm run localnet -- faucet${url === DEFAULT_RPC_URL ? '' : ` --url ${url}`} --market ${market.address.toBase58()} --to ${owner.toBase58()} --payment ${amount - balance}`
    : null
  throw new InsufficientFundsError(owner.toBase58(), mint.toBase58(), account.toBase58(), balance, amount, faucet)
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
