/**
 * The fleet's side on chain: one provider account per worker, all under the deployer's authority
 * (`["provider", market, authority, index u16]`), each with its own operator key (the worker's
 * node key and libp2p identity; `["operator", market, operator]` makes it unique per market).
 *
 * Read: the authority's providers in the market, this cluster's key files, the stake wallet.
 * Plan (pure): which index registers, which is reused, what is deposited; the stake check.
 * Apply: generate and write the new keys, then register, update, resume and deposit.
 */
import { type Keypair, PublicKey, SystemProgram } from '@solana/web3.js'
import {
  type Capabilities,
  decodeAccount,
  discriminatorFilter,
  fieldOffset,
  fundTokenAccountInstructions,
  type Market,
  type MarketClient,
  operatorIndexAddress,
  PROGRAM_ID,
  type Provider,
  providerAddress,
  RpcUnreachableError,
} from '@synkti/market'
import {
  FEE_LAMPORTS_PER_ACTION,
  MIN_OPERATOR_FUNDING_LAMPORTS,
  OPERATOR_FUNDING_LAMPORTS,
  PROVIDER_ACCOUNTS_BYTES,
  TOKEN_ACCOUNT_BYTES,
} from './constants.js'
import { InsufficientSolError, InsufficientStakeTokensError, InvalidFleetTargetError } from './errors.js'
import { createFleetKey, operatorKeyPath, readFleetKeys } from './keys.js'
import type { ChainReason, IndexView } from './plan.js'

export interface FleetChainRead {
  client: MarketClient
  market: PublicKey
  /** The wallet every provider of the fleet is registered under (only its public half is read here). */
  authority: PublicKey
  /** This cluster's key directory (operator-<index>.json). */
  keyDir: string
}

export interface FleetChainInit extends Omit<FleetChainRead, 'authority'> {
  /** Signs registrations, settings and deposits; owns the stake; pays for the accounts. */
  authority: Keypair
  /** What every worker of the target offers (the same instance type, so the same for all). */
  capabilities: Capabilities
  pricePerSecond: bigint
  /** Stake each provider should hold in all; default the market's minimum. */
  stake?: bigint
  /** SOL (lamports) each operator key should hold for its node's fees; default OPERATOR_FUNDING_LAMPORTS. */
  operatorLamports?: number
}

/** What the chain and the key directory hold for the fleet: the authority's providers and this cluster's keys. */
export interface FleetChainState {
  market: Market
  authority: PublicKey
  keyDir: string
  /** The authority's provider accounts in the market, by index (this cluster's and any other). */
  providers: Map<number, Provider>
  /** This cluster's operator keys, by the index they serve. */
  keys: Map<number, Keypair>
  /** Indexes whose key file has no account there but already operates another provider (the program refuses it twice). */
  keyElsewhere: Set<number>
}

/** What `up` observed before it touched anything: the state, the stake wanted, the wallet it comes from. */
export interface ChainView extends FleetChainState, IndexView {
  stake: bigint
  /** The authority's stake-mint token account (associated), what deposits come from. */
  stakeAccount: PublicKey
  stakeBalance: bigint
  /** The authority's payment-mint account (associated): the providers' payout account, created when missing. */
  payoutAccount: PublicKey
  payoutExists: boolean
  /** The authority's SOL: what pays rent, the operators' fee money and the fees. */
  authorityLamports: number
  /** SOL on each known operator key (this cluster's keys, the authority's providers' operators), by index. */
  operatorLamports: Map<number, number>
  /** What each operator key is topped up to. */
  operatorFunding: number
  /** Rent of the accounts one registration creates, and of a token account. */
  rent: { provider: number; tokenAccount: number }
}

export type ChainAction =
  | { kind: 'create-payout-account'; account: string }
  | { kind: 'register'; index: number; provider: string; newKey: boolean }
  | { kind: 'update'; index: number; provider: string; capabilities: boolean; pricePerSecond: boolean }
  | { kind: 'resume'; index: number; provider: string }
  | { kind: 'fund-operator'; index: number; operator: string | null; lamports: number }
  | { kind: 'deposit'; index: number; provider: string; amount: bigint }

/** One worker's identity: its provider index, account and operator key. */
export interface WorkerIdentity {
  index: number
  provider: string
  /** The operator key's public half; null while it does not exist yet (a dry run's new keys). */
  operator: string | null
  /** Its key file in the fleet key directory; null when this workstation does not hold it (a kept machine's). */
  keyFile: string | null
  /** `register`: a new provider account; `reuse`: this cluster's existing account for a new machine; `keep`: a kept machine's. */
  account: 'register' | 'reuse' | 'keep'
}

export interface ChainPlan {
  workers: WorkerIdentity[]
  actions: ChainAction[]
  /** Stake tokens the actions deposit in all. */
  deposit: bigint
  /** SOL (lamports) the actions cost the authority, about: rent, operator funding, fees. */
  lamports: number
}

export interface ChainReport {
  market: string
  authority: string
  keyDir: string
  stake: bigint
  actions: (ChainAction & { signature: string | null })[]
}

const NETWORK = /fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up/

/** RPC reads past the first: a failure of the connection is the named RpcUnreachableError, like the client's own. */
async function read<T>(client: MarketClient, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    for (let e: unknown = err; e instanceof Error; e = e.cause) {
      if (NETWORK.test(e.message) || NETWORK.test(String((e as { code?: unknown }).code))) {
        throw new RpcUnreachableError(client.rpcUrl, err)
      }
    }
    throw err
  }
}

/** The authority's providers in the market: one getProgramAccounts, both keys compared on chain. */
async function providersOf(
  client: MarketClient,
  market: PublicKey,
  authority: PublicKey,
): Promise<Map<number, Provider>> {
  const accounts = await read(client, () =>
    client.connection.getProgramAccounts(PROGRAM_ID, {
      filters: [
        discriminatorFilter('Provider'),
        { memcmp: { offset: fieldOffset('provider', 'market'), bytes: market.toBase58() } },
        { memcmp: { offset: fieldOffset('provider', 'authority'), bytes: authority.toBase58() } },
      ],
    }),
  )
  const out = new Map<number, Provider>()
  for (const { pubkey, account } of accounts) {
    const p = decodeAccount('Provider', pubkey, account.data)
    out.set(p.index, p)
  }
  return out
}

/**
 * Reads what the fleet has on chain: the market (an unreachable RPC is RpcUnreachableError, a
 * wrong market AccountNotFoundError), the authority's providers, and this cluster's key files.
 */
export async function readFleetChain(r: FleetChainRead): Promise<FleetChainState> {
  const market = await r.client.fetchMarket(r.market)
  const [providers, keys] = await Promise.all([providersOf(r.client, r.market, r.authority), readFleetKeys(r.keyDir)])
  const unregistered = [...keys].filter(([index]) => !providers.has(index))
  const infos =
    unregistered.length === 0
      ? []
      : await read(r.client, () =>
          r.client.connection.getMultipleAccountsInfo(
            unregistered.map(([, k]) => operatorIndexAddress(r.market, k.publicKey)),
          ),
        )
  const keyElsewhere = new Set(unregistered.filter((_, i) => infos[i] !== null).map(([index]) => index))
  return { market, authority: r.authority, keyDir: r.keyDir, providers, keys, keyElsewhere }
}

/** The index view planFleet asks: which machine's account is not its own, which index a new machine may take. */
export function indexView(s: FleetChainState): IndexView {
  const ours = (index: number, p: Provider) => s.keys.get(index)?.publicKey.equals(p.operator) === true
  return {
    machineProblem(index): ChainReason | undefined {
      const p = s.providers.get(index)
      if (p === undefined) {
        if (!s.keys.has(index)) return 'no-operator-key'
        return s.keyElsewhere.has(index) ? 'provider-taken' : undefined
      }
      if (p.status.kind === 'exiting') return 'provider-exiting'
      // A kept machine's key may live on another workstation: only a key that differs is a conflict.
      if (s.keys.has(index) && !ours(index, p)) return 'provider-taken'
      return undefined
    },
    available(index) {
      const p = s.providers.get(index)
      if (p === undefined) return !s.keyElsewhere.has(index)
      return p.status.kind !== 'exiting' && ours(index, p)
    },
  }
}

/** A token account's amount (SPL layout: mint 32, owner 32, amount u64 LE). */
const tokenAmount = (data: Buffer) => data.readBigUInt64LE(64)

/** The least `count` providers need deposited whatever the cloud holds: the cheapest `count` of the authority's accounts or new ones. */
function leastDeposit(s: FleetChainState, stake: bigint, count: number): bigint {
  const shortfalls = [...s.providers.values()]
    .filter((p) => p.status.kind !== 'exiting')
    .map((p) => (p.staked >= stake ? 0n : stake - p.staked))
  while (shortfalls.length < count) shortfalls.push(stake)
  shortfalls.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return shortfalls.slice(0, count).reduce((a, b) => a + b, 0n)
}

/**
 * Observes the chain before any cloud request: the market, the authority's providers and stake
 * wallet, this cluster's keys; refuses a stake below the market's minimum, and a wallet that
 * cannot cover even the cheapest way to `count` staked providers (InsufficientStakeTokensError).
 * The exact amount is checked by planChain() once the cloud's machines are known.
 */
export async function observeChain(init: FleetChainInit, count: number): Promise<ChainView> {
  const authority = init.authority.publicKey
  const state = await readFleetChain({ ...init, authority })
  const stake = init.stake ?? state.market.minStake
  if (stake < state.market.minStake) {
    throw new InvalidFleetTargetError(
      'stake',
      stake.toString(),
      `at least the market's minimum, ${state.market.minStake}`,
    )
  }
  const operatorFunding = init.operatorLamports ?? OPERATOR_FUNDING_LAMPORTS
  if (!Number.isSafeInteger(operatorFunding) || operatorFunding < MIN_OPERATOR_FUNDING_LAMPORTS) {
    throw new InvalidFleetTargetError(
      'operator lamports',
      operatorFunding,
      `at least ${MIN_OPERATOR_FUNDING_LAMPORTS} (the node's preflight minimum)`,
    )
  }
  const stakeAccount = fundTokenAccountInstructions(authority, authority, state.market.stakeMint).account
  const payoutAccount = fundTokenAccountInstructions(authority, authority, state.market.mint).account
  // Every key whose balance matters: this cluster's, and the operators of the authority's providers.
  const operators = new Map<number, PublicKey>()
  for (const [index, p] of state.providers) operators.set(index, p.operator)
  for (const [index, k] of state.keys) if (!operators.has(index)) operators.set(index, k.publicKey)
  const known = [...operators]
  const connection = init.client.connection
  const [infos, providerRent, tokenRent] = await Promise.all([
    read(init.client, async () => {
      const keys = [authority, stakeAccount, payoutAccount, ...known.map(([, k]) => k)]
      const out = []
      for (let i = 0; i < keys.length; i += 100)
        out.push(...(await connection.getMultipleAccountsInfo(keys.slice(i, i + 100))))
      return out
    }),
    read(init.client, async () => {
      const each = await Promise.all(
        PROVIDER_ACCOUNTS_BYTES.map((b) => connection.getMinimumBalanceForRentExemption(b)),
      )
      return each.reduce((a, b) => a + b, 0)
    }),
    read(init.client, () => connection.getMinimumBalanceForRentExemption(TOKEN_ACCOUNT_BYTES)),
  ])
  const [authorityInfo, stakeInfo, payoutInfo, ...operatorInfos] = infos
  const view: ChainView = {
    ...state,
    ...indexView(state),
    stake,
    stakeAccount,
    stakeBalance: stakeInfo == null ? 0n : tokenAmount(stakeInfo.data),
    payoutAccount,
    payoutExists: payoutInfo != null,
    authorityLamports: authorityInfo?.lamports ?? 0,
    operatorLamports: new Map(known.map(([index], i) => [index, operatorInfos[i]?.lamports ?? 0])),
    operatorFunding,
    rent: { provider: providerRent, tokenAccount: tokenRent },
  }
  const least = leastDeposit(state, stake, count)
  if (view.stakeBalance < least) {
    throw new InsufficientStakeTokensError(stakeAccount.toBase58(), least, view.stakeBalance, count)
  }
  return view
}

function sameCapabilities(a: Capabilities, b: Capabilities): boolean {
  return (
    a.gpuModel === b.gpuModel &&
    a.gpuCount === b.gpuCount &&
    a.vramGb === b.vramGb &&
    a.cloud === b.cloud &&
    a.region === b.region &&
    a.zone === b.zone &&
    a.spot === b.spot
  )
}

/**
 * What the chain needs for the planned workers (pure): a provider account for every new
 * machine's index (registered, or this cluster's existing one reused and resumed), settings and
 * stake brought to the target for every index the fleet ends up with. Throws
 * InsufficientStakeTokensError when the deposits exceed the wallet, before anything is changed.
 */
export function planChain(
  init: Pick<FleetChainInit, 'market' | 'capabilities' | 'pricePerSecond'>,
  view: ChainView,
  kept: readonly number[],
  fresh: readonly number[],
): ChainPlan {
  const workers: WorkerIdentity[] = []
  const actions: ChainAction[] = []
  let deposit = 0n
  let lamports = 0
  const needsAccount = fresh.some((i) => !view.providers.has(i))
  if (needsAccount && !view.payoutExists) {
    actions.push({ kind: 'create-payout-account', account: view.payoutAccount.toBase58() })
    lamports += view.rent.tokenAccount
  }
  // A key below half its funding is topped up to it: fees spent since the last run are no reason to send.
  const fund = (index: number, operator: string | null, balance: number) => {
    if (balance * 2 >= view.operatorFunding) return
    actions.push({ kind: 'fund-operator', index, operator, lamports: view.operatorFunding - balance })
    lamports += view.operatorFunding - balance
  }
  const ascending = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)
  const slots = [...ascending(kept).map((i) => [i, false] as const), ...ascending(fresh).map((i) => [i, true] as const)]
  for (const [index, isNew] of slots) {
    const address = providerAddress(init.market, view.authority, index)
    const provider = address.toBase58()
    const p = view.providers.get(index)
    const key = view.keys.get(index)
    const keyFile = key === undefined ? null : operatorKeyPath(view.keyDir, index)
    if (p === undefined) {
      actions.push({ kind: 'register', index, provider, newKey: key === undefined })
      lamports += view.rent.provider
      fund(index, key?.publicKey.toBase58() ?? null, key === undefined ? 0 : (view.operatorLamports.get(index) ?? 0))
      workers.push({
        index,
        provider,
        operator: key?.publicKey.toBase58() ?? null,
        keyFile: operatorKeyPath(view.keyDir, index),
        account: 'register',
      })
      deposit += view.stake
      actions.push({ kind: 'deposit', index, provider, amount: view.stake })
      continue
    }
    workers.push({ index, provider, operator: p.operator.toBase58(), keyFile, account: isNew ? 'reuse' : 'keep' })
    const caps = !sameCapabilities(p.capabilities, init.capabilities)
    const price = p.pricePerSecond !== init.pricePerSecond
    if (caps || price) actions.push({ kind: 'update', index, provider, capabilities: caps, pricePerSecond: price })
    // A kept machine's pause is someone's decision (its node's, its operator's); a reused account was paused by `down --pause`.
    if (isNew && p.status.kind === 'paused') actions.push({ kind: 'resume', index, provider })
    fund(index, p.operator.toBase58(), view.operatorLamports.get(index) ?? 0)
    if (p.staked < view.stake) {
      deposit += view.stake - p.staked
      actions.push({ kind: 'deposit', index, provider, amount: view.stake - p.staked })
    }
  }
  if (deposit > view.stakeBalance) {
    throw new InsufficientStakeTokensError(
      view.stakeAccount.toBase58(),
      deposit,
      view.stakeBalance,
      actions.filter((a) => a.kind === 'deposit').length,
    )
  }
  lamports += actions.length * FEE_LAMPORTS_PER_ACTION
  if (lamports > view.authorityLamports) {
    throw new InsufficientSolError(view.authority.toBase58(), lamports, view.authorityLamports)
  }
  return { workers, actions, deposit, lamports }
}

/**
 * Carries the plan out, in order: new keys are written first (so no account ever names a key
 * that was not kept), then the payout account, registrations, settings, resumes and deposits.
 * A failure half-way leaves what was done: every step is found and reused by the next run.
 */
export async function applyChain(init: FleetChainInit, view: ChainView, plan: ChainPlan): Promise<ChainReport> {
  const { client, authority } = init
  const report: ChainReport = {
    market: init.market.toBase58(),
    authority: authority.publicKey.toBase58(),
    keyDir: view.keyDir,
    stake: view.stake,
    actions: [],
  }
  const keys = new Map(view.keys)
  for (const w of plan.workers) {
    if (w.account === 'register' && !keys.has(w.index)) {
      const { keypair } = await createFleetKey(view.keyDir, w.index)
      keys.set(w.index, keypair)
    }
    const key = keys.get(w.index)
    if (w.operator === null && key !== undefined) w.operator = key.publicKey.toBase58()
  }
  for (const action of plan.actions) {
    const provider = 'provider' in action ? new PublicKey(action.provider) : undefined
    let signature: string
    switch (action.kind) {
      case 'create-payout-account': {
        const { instructions } = fundTokenAccountInstructions(
          authority.publicKey,
          authority.publicKey,
          view.market.mint,
        )
        signature = (await client.send(instructions, [authority])).signature
        break
      }
      case 'register': {
        const operator = keys.get(action.index)
        if (operator === undefined) throw new Error(`no operator key for index ${action.index}`)
        signature = (
          await client.registerProvider({
            authority,
            operator,
            market: init.market,
            index: action.index,
            capabilities: init.capabilities,
            pricePerSecond: init.pricePerSecond,
          })
        ).signature
        break
      }
      case 'update':
        signature = (
          await client.updateProvider({
            authority,
            provider: provider as PublicKey,
            ...(action.capabilities ? { capabilities: init.capabilities } : {}),
            ...(action.pricePerSecond ? { pricePerSecond: init.pricePerSecond } : {}),
          })
        ).signature
        break
      case 'resume':
        signature = (await client.resumeProvider({ signer: authority, provider: provider as PublicKey })).signature
        break
      case 'fund-operator': {
        const operator = keys.get(action.index)?.publicKey ?? new PublicKey(action.operator ?? '')
        const transfer = SystemProgram.transfer({
          fromPubkey: authority.publicKey,
          toPubkey: operator,
          lamports: action.lamports,
        })
        signature = (await client.send([transfer], [authority])).signature
        action.operator = operator.toBase58()
        break
      }
      case 'deposit':
        signature = (await client.depositStake({ authority, provider: provider as PublicKey, amount: action.amount }))
          .signature
        break
    }
    report.actions.push({ ...action, signature })
  }
  return report
}

/** The same actions, not carried out (a dry run). */
export function chainReport(init: Pick<FleetChainInit, 'market'>, view: ChainView, plan: ChainPlan): ChainReport {
  return {
    market: init.market.toBase58(),
    authority: view.authority.toBase58(),
    keyDir: view.keyDir,
    stake: view.stake,
    actions: plan.actions.map((a) => ({ ...a, signature: null })),
  }
}

/** One provider account as `fleet ls` and `fleet down` show it. */
export interface ProviderRow {
  index: number
  address: string
  /** The operator the account records; null when there is no account. */
  operator: string | null
  status: 'active' | 'paused' | 'exiting' | 'missing'
  /** Exiting: when the stake can be withdrawn (unix seconds). */
  unlockAt: number | null
  staked: string | null
  openLeases: number | null
  pricePerSecond: string | null
  /** This cluster's key file for the index; null when this workstation holds none. */
  keyFile: string | null
  /** Whether the key file is the account's operator; null when there is nothing to compare. */
  keyMatches: boolean | null
}

export function providerRow(s: FleetChainState, market: PublicKey, index: number): ProviderRow {
  const p = s.providers.get(index)
  const key = s.keys.get(index)
  return {
    index,
    address: (p?.address ?? providerAddress(market, s.authority, index)).toBase58(),
    operator: p?.operator.toBase58() ?? null,
    status: p?.status.kind ?? 'missing',
    unlockAt: p?.status.kind === 'exiting' ? p.status.unlockAt : null,
    staked: p?.staked.toString() ?? null,
    openLeases: p?.openLeases ?? null,
    pricePerSecond: p?.pricePerSecond.toString() ?? null,
    keyFile: key === undefined ? null : operatorKeyPath(s.keyDir, index),
    keyMatches: key === undefined || p === undefined ? null : key.publicKey.equals(p.operator),
  }
}

/** The cluster's accounts that no machine serves: the authority's providers whose operator is one of this cluster's keys. */
export function idleIndexes(s: FleetChainState, held: ReadonlySet<number>): number[] {
  return [...s.providers.values()]
    .filter((p) => !held.has(p.index) && s.keys.get(p.index)?.publicKey.equals(p.operator) === true)
    .map((p) => p.index)
    .sort((a, b) => a - b)
}

/** The active providers at `indexes` and who signs each pause: its own operator key when this workstation holds it (no cold wallet needed), else the authority. */
export function pausePlan(
  s: FleetChainState,
  indexes: readonly number[],
): { index: number; provider: PublicKey; signer: Keypair | 'authority' }[] {
  return indexes.flatMap((index) => {
    const p = s.providers.get(index)
    if (p === undefined || p.status.kind !== 'active') return []
    const key = s.keys.get(index)
    return [{ index, provider: p.address, signer: key?.publicKey.equals(p.operator) === true ? key : 'authority' }]
  })
}

export async function pauseProviders(
  client: MarketClient,
  plan: ReturnType<typeof pausePlan>,
  authority?: Keypair,
): Promise<{ index: number; provider: string; signature: string }[]> {
  const done: { index: number; provider: string; signature: string }[] = []
  for (const { index, provider, signer } of plan) {
    const key = signer === 'authority' ? authority : signer
    if (key === undefined) throw new TypeError(`pausing provider ${provider.toBase58()} needs the authority keypair`)
    const { signature } = await client.pauseProvider({ signer: key, provider })
    done.push({ index, provider: provider.toBase58(), signature })
  }
  return done
}

/** What a worker of the target declares on chain: its GPUs, and where it runs (the zone is the region unless pinned). */
export function chainCapabilities(
  target: { cloud: Capabilities['cloud']; region: string; zone?: string; market: { kind: string } },
  gpu: { model: string; count: number; vramGb: number },
): Capabilities {
  return {
    gpuModel: gpu.model,
    gpuCount: gpu.count,
    vramGb: gpu.vramGb,
    cloud: target.cloud,
    region: target.region,
    zone: target.zone ?? target.region,
    spot: target.market.kind === 'spot',
  }
}
