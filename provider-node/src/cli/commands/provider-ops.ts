/**
 * The provider's life on chain after `register`: `update` (price, capabilities, payout),
 * `pause`, `exit` (begin_exit) and `withdraw` (withdraw_stake once nothing can claim the stake).
 * Each reads the provider from the chain first and refuses, with the program's own error name
 * and what to do, what the program would refuse, before paying for a transaction.
 */
import { type Keypair, PublicKey } from '@solana/web3.js'
import {
  type Capabilities,
  chainNow,
  decodeAccount,
  discriminatorFilter,
  fieldOffset,
  type Lease,
  loadKeypair,
  type Market,
  type MarketClient,
  PROGRAM_ID,
  ProgramErrors,
  type Provider,
  tokenBalance,
} from '@synkti/market'
import type { Cloud } from '@synkti/planner'
import type { NodeConfig } from '../../node/config.js'
import { NothingToUpdateError, WithdrawBlockedError } from '../errors.js'
import { authorityCandidates, authoritySigner, ensureTokenAccount, providerChanges, when } from './provider-account.js'

const TOKEN_PROGRAM = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA')
const TOKEN_ACCOUNT_SIZE = 165

async function providerOf(client: MarketClient, config: NodeConfig) {
  const operator = await loadKeypair(config.keypair)
  const provider = await client.fetchProvider(new PublicKey(config.provider))
  return { operator, provider }
}

// ── update ──────────────────────────────────────────────────────────────────

export interface UpdateInput {
  price?: bigint
  gpu?: string
  vramGb?: number
  count?: number
  region?: string
  zone?: string
  cloud?: Cloud
  spot?: boolean
  /** a wallet (its payment-mint account, created if missing) or a payment-mint token account */
  payout?: PublicKey
  authorityPath?: string
}

export interface UpdateResult {
  provider: string
  /** fields the chain now holds differently: pricePerSecond, region, zone, vramGb, payout, ... */
  changed: string[]
  pricePerSecond: bigint
  capabilities: Capabilities
  payout: string
  signatures: string[]
}

/** Brings the provider's price, capabilities and payout to what is asked (update_provider, signed by the authority). */
export async function update(client: MarketClient, config: NodeConfig, o: UpdateInput): Promise<UpdateResult> {
  const given = [o.price, o.gpu, o.vramGb, o.count, o.region, o.zone, o.cloud, o.spot, o.payout]
  if (given.every((v) => v === undefined)) throw new NothingToUpdateError()
  const { operator, provider } = await providerOf(client, config)
  const c = provider.capabilities
  const region = o.region ?? c.region
  const capabilities: Capabilities = {
    gpuModel: o.gpu ?? c.gpuModel,
    gpuCount: o.count ?? c.gpuCount,
    vramGb: o.vramGb ?? c.vramGb,
    cloud: o.cloud ?? c.cloud,
    region,
    // a zone belongs to its region: a new region without --zone is its own zone
    zone: o.zone ?? (region === c.region ? c.zone : region),
    spot: o.spot ?? c.spot,
  }
  const changed = providerChanges(provider, { capabilities, ...(o.price !== undefined ? { price: o.price } : {}) })
  const signatures: string[] = []
  const authority = async (): Promise<Keypair> =>
    authoritySigner(provider, await authorityCandidates(operator, o.authorityPath), `changing ${changed.join(', ')}`)
  let payout: PublicKey | undefined
  if (o.payout !== undefined) {
    payout = await payoutAccount(client, provider, o.payout, authority, signatures)
    if (!payout.equals(provider.payout)) changed.push('payout')
  }
  if (changed.length > 0) {
    const capabilityChanged = changed.some((f) => f !== 'pricePerSecond' && f !== 'payout')
    const { signature } = await client.updateProvider({
      authority: await authority(),
      provider: provider.address,
      ...(capabilityChanged ? { capabilities } : {}),
      ...(changed.includes('pricePerSecond') && o.price !== undefined ? { pricePerSecond: o.price } : {}),
      ...(changed.includes('payout') && payout !== undefined ? { payout } : {}),
    })
    signatures.push(signature)
  }
  const after = changed.length > 0 ? await client.fetchProvider(provider.address) : provider
  return {
    provider: provider.address.toBase58(),
    changed,
    pricePerSecond: after.pricePerSecond,
    capabilities: after.capabilities,
    payout: after.payout.toBase58(),
    signatures,
  }
}

/** A payment-mint token account given as such, or a wallet's own (created, paid by the authority, when missing). */
async function payoutAccount(
  client: MarketClient,
  provider: Provider,
  given: PublicKey,
  authority: () => Promise<Keypair>,
  signatures: string[],
): Promise<PublicKey> {
  const info = await client.connection.getAccountInfo(given)
  if (info?.owner.equals(TOKEN_PROGRAM) && info.data.length === TOKEN_ACCOUNT_SIZE) return given
  const market = await client.fetchMarket(provider.market)
  const { account, signature } = await ensureTokenAccount(client, await authority(), given, market.mint)
  if (signature !== undefined) signatures.push(signature)
  return account
}

// ── pause ───────────────────────────────────────────────────────────────────

export interface StatusChange {
  provider: string
  status: Provider['status']['kind']
  signature: string
}

/** Stops new leases (open ones go on); the operator key may do this. `resume` undoes it. */
export async function pause(client: MarketClient, config: NodeConfig): Promise<StatusChange> {
  const signer = await loadKeypair(config.keypair)
  const provider = new PublicKey(config.provider)
  const { signature } = await client.pauseProvider({ signer, provider })
  return { provider: config.provider, status: (await client.fetchProvider(provider)).status.kind, signature }
}

// ── what holds the stake ───────────────────────────────────────────────────

/** Every lease account that names this provider: open, active, disputed, or ended and not yet finalized. */
export async function providerLeases(client: MarketClient, provider: PublicKey): Promise<Lease[]> {
  const accounts = await client.connection.getProgramAccounts(PROGRAM_ID, {
    filters: [
      discriminatorFilter('Lease'),
      { memcmp: { offset: fieldOffset('lease', 'provider'), bytes: provider.toBase58() } },
    ],
  })
  return accounts.map(({ pubkey, account }) => decodeAccount('Lease', pubkey, account.data))
}

/** When an ended lease's record may be finalized (after its dispute window; a cancelled one at once). */
function finalizableAt(lease: Lease, market: Market): number | null {
  if (lease.status.kind !== 'ended') return null
  return lease.status.at + (lease.status.outcome === 'cancelled' ? 0 : market.disputeWindowSecs) + 1
}

export interface StakeLock {
  /** leases still open (open, active, or disputed): they end by closing, hand-off, reclaim or a ruling */
  open: string[]
  /** what keeps the stake exposed, in words, each with its time */
  blockers: string[]
  /** the earliest chain time the stake can leave, if nothing new happens; null while a lease is open or disputed */
  withdrawableAt: number | null
}

/** What keeps the stake in the vault and until when (mirrors withdraw_stake's checks). */
export function stakeLock(provider: Provider, market: Market, leases: Lease[], now: number): StakeLock {
  const open: string[] = []
  const blockers: string[] = []
  let exposureEnds = provider.exposureEndedAt
  let unknown = false
  for (const lease of leases) {
    const address = lease.address.toBase58()
    const s = lease.status
    if (s.kind === 'open' || s.kind === 'active') {
      open.push(address)
      blockers.push(
        `lease ${address} is ${s.kind}: it must end first (closed by either side, handed off, or reclaimed)`,
      )
      unknown = true
    } else if (s.kind === 'disputed') {
      open.push(address)
      blockers.push(
        `lease ${address} is disputed since ${new Date(s.openedAt * 1000).toISOString()}: it waits for the arbiter's ruling, or expires after ${when(s.openedAt + market.disputeWindowSecs, now)}`,
      )
      unknown = true
    } else {
      const at = finalizableAt(lease, market) ?? now
      blockers.push(
        `lease ${address} ended (${s.outcome}) and keeps its record for a dispute until ${when(at, now)}; then it can be finalized`,
      )
      exposureEnds = Math.max(exposureEnds, at)
    }
  }
  for (const t of provider.held) {
    if (t.payout + t.fee === 0n) continue
    blockers.push(`held pay of ${t.payout + t.fee} (payout ${t.payout}, fee ${t.fee}) vests at ${when(t.vestsAt, now)}`)
    exposureEnds = Math.max(exposureEnds, t.vestsAt)
  }
  const unlockAt = provider.status.kind === 'exiting' ? provider.status.unlockAt : now + market.exitCooldownSecs
  return {
    open,
    blockers,
    withdrawableAt: unknown ? null : Math.max(unlockAt, exposureEnds + market.exitCooldownSecs),
  }
}

// ── exit ────────────────────────────────────────────────────────────────────

export interface ExitResult {
  provider: string
  status: 'exiting'
  /** the exit cooldown's end (chain time, unix seconds) */
  unlockAt: number
  /** the earliest the stake can be withdrawn if nothing new happens; null while leases are open */
  withdrawableAt: number | null
  blockers: string[]
  signature: string
}

/** Begins the exit (final: the provider takes no new lease; it cannot be resumed). Signed by the authority. */
export async function exit(client: MarketClient, config: NodeConfig, authorityPath?: string): Promise<ExitResult> {
  const { operator, provider } = await providerOf(client, config)
  if (provider.status.kind === 'exiting') throw new ProgramErrors.AlreadyExiting()
  const authority = authoritySigner(provider, await authorityCandidates(operator, authorityPath), 'exiting')
  const { signature } = await client.beginExit({ authority, provider: provider.address })
  const [after, market, leases, now] = await Promise.all([
    client.fetchProvider(provider.address),
    client.fetchMarket(provider.market),
    providerLeases(client, provider.address),
    chainNow(client.connection),
  ])
  const lock = stakeLock(after, market, leases, now)
  return {
    provider: config.provider,
    status: 'exiting',
    unlockAt: after.status.kind === 'exiting' ? after.status.unlockAt : now,
    withdrawableAt: lock.withdrawableAt,
    blockers: lock.blockers,
    signature,
  }
}

// ── withdraw ────────────────────────────────────────────────────────────────

export interface WithdrawResult {
  provider: string
  withdrawn: bigint
  staked: bigint
  /** the authority's stake-mint account the stake went to */
  destination: string
  /** lease records finalized on the way (their windows had passed) */
  finalized: string[]
  /** vested earnings sent to the authority's payment-mint account on the way */
  claimed: bigint
  signatures: string[]
}

function blocked(
  variant: WithdrawBlockedError['variant'],
  message: string,
  remedy: string,
  blockers: string[],
  withdrawableAt: number | null,
): WithdrawBlockedError {
  const { code } = new ProgramErrors[variant]()
  return new WithdrawBlockedError(variant, code, message, remedy, blockers, withdrawableAt)
}

/**
 * Takes the stake back after the exit: finalizes the lease records whose dispute window has
 * passed and vests matured held pay first (both would otherwise block it), then withdraws
 * `amount` (default all). What still blocks is named as the program names it — NotExiting,
 * OpenLeasesRemain, ExposureRemains (each lease record and held tranche, with its time),
 * CooldownNotElapsed (with the time) — without sending the withdrawal.
 */
export async function withdraw(
  client: MarketClient,
  config: NodeConfig,
  o: { amount?: bigint; authorityPath?: string } = {},
): Promise<WithdrawResult> {
  const { operator, provider: first } = await providerOf(client, config)
  const market = await client.fetchMarket(first.market)
  const authority = authoritySigner(first, await authorityCandidates(operator, o.authorityPath), 'withdrawing stake')
  const address = first.address
  if (first.status.kind !== 'exiting') {
    throw blocked(
      'NotExiting',
      `provider ${address.toBase58()} is ${first.status.kind}: stake leaves only after an exit and its cooldown`,
      'begin the exit first: synkti-provider exit (final: the provider takes no new lease), then synkti-provider withdraw after the cooldown',
      [],
      null,
    )
  }
  let now = await chainNow(client.connection)
  let leases = await providerLeases(client, address)
  if (first.openLeases > 0) {
    const lock = stakeLock(first, market, leases, now)
    throw blocked(
      'OpenLeasesRemain',
      `provider ${address.toBase58()} has ${first.openLeases} open lease(s): ${lock.blockers.join('; ')}`,
      'let them end (the consumer or the node closes them, or they are handed off or reclaimed), then run synkti-provider withdraw again',
      lock.blockers,
      null,
    )
  }

  const signatures: string[] = []
  const finalized: string[] = []
  for (const lease of leases) {
    const at = finalizableAt(lease, market)
    if (at === null || now < at) continue
    const { signature } = await client.finalizeLease({ caller: authority, lease: lease.address })
    signatures.push(signature)
    finalized.push(lease.address.toBase58())
  }
  let claimed = 0n
  if (first.held.some((t) => t.payout + t.fee > 0n && t.vestsAt <= now)) {
    // claim_earnings vests matured tranches first (that is what frees the stake); what vested goes to the authority
    const { account } = await ensureTokenAccount(client, authority, authority.publicKey, market.mint)
    const before = await tokenBalance(client.connection, account)
    const { signature } = await client.claimEarnings({ authority, provider: address, destination: account })
    signatures.push(signature)
    claimed = (await tokenBalance(client.connection, account)) - before
  }
  const provider = signatures.length > 0 ? await client.fetchProvider(address) : first
  if (signatures.length > 0) {
    now = await chainNow(client.connection)
    leases = await providerLeases(client, address)
  }
  const done =
    finalized.length > 0 || claimed > 0n
      ? ` (finalized ${finalized.length} lease record(s) and vested held pay on the way${claimed > 0n ? `, ${claimed} claimed` : ''})`
      : ''
  const lock = stakeLock(provider, market, leases, now)
  const held = provider.held.reduce((sum, t) => sum + t.payout + t.fee, 0n)
  if (provider.leaseRecords > 0 || held > 0n) {
    const next = lock.withdrawableAt === null ? null : lock.withdrawableAt - market.exitCooldownSecs
    throw blocked(
      'ExposureRemains',
      `the stake of provider ${address.toBase58()} is still exposed${done}: ${lock.blockers.join('; ')}`,
      next === null
        ? 'wait for those leases to end, then run synkti-provider withdraw again'
        : `run synkti-provider withdraw again after ${when(next, now)}: it finalizes those records and vests that pay; the stake then unlocks after the exit cooldown, at ${when(lock.withdrawableAt ?? next, now)}`,
      lock.blockers,
      lock.withdrawableAt,
    )
  }
  const unlockAt = Math.max(
    provider.status.kind === 'exiting' ? provider.status.unlockAt : now,
    provider.exposureEndedAt + market.exitCooldownSecs,
  )
  if (now < unlockAt) {
    throw blocked(
      'CooldownNotElapsed',
      `the stake of provider ${address.toBase58()} unlocks at ${when(unlockAt, now)}: the exit cooldown (${market.exitCooldownSecs} s) counts from the exit and from the end of the last exposure${done}`,
      `run synkti-provider withdraw again after ${new Date(unlockAt * 1000).toISOString()}`,
      [],
      unlockAt,
    )
  }
  const amount = o.amount ?? provider.staked
  if (amount > provider.staked) {
    throw blocked(
      'WithdrawExceedsStake',
      `--amount ${amount} is more than the ${provider.staked} staked`,
      `withdraw at most ${provider.staked} (leave --amount out for all of it)`,
      [],
      now,
    )
  }
  const destination = await ensureTokenAccount(client, authority, authority.publicKey, market.stakeMint)
  if (destination.signature !== undefined) signatures.push(destination.signature)
  if (amount > 0n) {
    const { signature } = await client.withdrawStake({
      authority,
      provider: address,
      amount,
      destination: destination.account,
    })
    signatures.push(signature)
  }
  const after = await client.fetchProvider(address)
  return {
    provider: address.toBase58(),
    withdrawn: amount,
    staked: after.staked,
    destination: destination.account.toBase58(),
    finalized,
    claimed,
    signatures,
  }
}
