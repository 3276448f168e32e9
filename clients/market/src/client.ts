/**
 * `MarketClient`: one async method per instruction that resolves the accounts it needs from
 * chain state, signs, sends, confirms and returns `{ signature, events }`; account fetchers;
 * provider search; and the build / co-sign / send steps of a two-operator hand-off.
 */
import { getAssociatedTokenAddressSync } from '@solana/spl-token'
import { type Commitment, Connection, type PublicKey, type Signer, type TransactionInstruction } from '@solana/web3.js'
import { fetchAccount } from './accounts.js'
import { DEFAULT_COMMITMENT, DEFAULT_RPC_URL, PROGRAM_ID } from './constants.js'
import { UnexpectedTransactionError } from './errors.js'
import { findProviders, type ProviderFilters } from './find.js'
import { createProgram, type MarketProgram } from './idl.js'
import { type DecodedInstruction, decodeInstructions } from './inspect.js'
import {
  type LeaseEndAccounts,
  MarketInstructions,
  type MarketKeyUpdate,
  type OpenLeaseTerms,
  type ProviderSettings,
} from './instructions.js'
import {
  earningsVaultAddress,
  escrowAddress,
  feeVaultAddress,
  leaseAddress,
  marketAddress,
  providerAddress,
  slashVaultAddress,
  stakeVaultAddress,
} from './pda.js'
import { ProgramErrors } from './program-errors.js'
import { receiptInstruction, verifyReceipt } from './receipt.js'
import {
  buildTransaction,
  missingSigners,
  rpc,
  type SendContext,
  sendSigned,
  type TxResult,
  transactionFromBytes,
  transactionToBytes,
} from './send.js'
import { fundTokenAccountInstructions } from './tokens.js'
import type { Capabilities, Lease, Market, MarketParams, MigrationPolicy, Provider, Receipt, Verdict } from './types.js'

export interface MarketClientInit {
  /** JSON-RPC endpoint; default the local chain, http://127.0.0.1:8899. */
  rpcUrl?: string
  /** Pub-sub endpoint; default the RPC port + 1 (as Solana's clusters do). */
  wsUrl?: string
  commitment?: Commitment
  /** Skip the RPC's simulation before sending (errors then come from the landed transaction). */
  skipPreflight?: boolean
  /** Called for each confirmed transaction with the time from send to confirmation (metrics). */
  onConfirmed?: (info: { signature: string; confirmMs: number }) => void
}

/** Who pays the transaction fee, when not the first signer. */
export interface TxOptions {
  feePayer?: Signer
}

export interface MigrateLeaseParams {
  lease: PublicKey
  newProvider: PublicKey
  /** Unix seconds the service changed hands; after the current provider started, not after now. */
  handoffAt: number
  /** The consumer's key, when the lease's policy requires its signature. */
  consumer?: PublicKey
}

/** A receipt with the receipt signer's signature, as the gateway hands it to the node. */
export interface SignedReceipt {
  receipt: Receipt
  signature: Uint8Array
  /** The lease's receipt signer (the consumer's key unless the lease named a gateway key). */
  signer: PublicKey
}

/** The consent a lease gets unless the consumer says otherwise: providers may fail it over among
 * themselves up to 64 times, never to a provider dearer than the price cap. */
export const DEFAULT_MAX_MIGRATIONS = 64

/** How many times `openLease` retries when another lease took the market's next id first. */
const OPEN_LEASE_ATTEMPTS = 5

/** Immutable fields of a provider, cached: they never change after registration. */
interface ProviderKeys {
  market: PublicKey
  stakeVault: PublicKey
  earningsVault: PublicKey
}

export class MarketClient {
  readonly connection: Connection
  readonly rpcUrl: string
  readonly program: MarketProgram
  /** The build-only layer: every instruction with explicit accounts. */
  readonly instructions: MarketInstructions
  private readonly ctx: SendContext
  // Markets never change their mints or vaults, providers never their vaults: safe to cache.
  // (Keys that rotate — arbiter, operator, payout — are always read fresh.)
  private readonly markets = new Map<string, Market>()
  private readonly providerKeys = new Map<string, ProviderKeys>()

  constructor(init: MarketClientInit = {}) {
    this.rpcUrl = init.rpcUrl ?? DEFAULT_RPC_URL
    const commitment = init.commitment ?? DEFAULT_COMMITMENT
    this.connection = new Connection(this.rpcUrl, {
      commitment,
      ...(init.wsUrl !== undefined ? { wsEndpoint: init.wsUrl } : {}),
    })
    this.program = createProgram(this.connection)
    this.instructions = new MarketInstructions(this.program)
    this.ctx = {
      connection: this.connection,
      rpcUrl: this.rpcUrl,
      commitment,
      skipPreflight: init.skipPreflight ?? false,
      ...(init.onConfirmed !== undefined ? { onConfirmed: init.onConfirmed } : {}),
    }
  }

  get programId(): PublicKey {
    return PROGRAM_ID
  }

  // ── accounts ──────────────────────────────────────────────────────────────

  async fetchMarket(address: PublicKey): Promise<Market> {
    const market = await rpc(this.rpcUrl, () => fetchAccount(this.connection, 'Market', address))
    this.markets.set(address.toBase58(), market)
    return market
  }

  async fetchProvider(address: PublicKey): Promise<Provider> {
    const provider = await rpc(this.rpcUrl, () => fetchAccount(this.connection, 'Provider', address))
    this.providerKeys.set(address.toBase58(), provider)
    return provider
  }

  fetchLease(address: PublicKey): Promise<Lease> {
    return rpc(this.rpcUrl, () => fetchAccount(this.connection, 'Lease', address))
  }

  /** Providers of a market matching `filters` (memcmp on chain where the layout allows). */
  findProviders(filters: ProviderFilters): Promise<Provider[]> {
    return rpc(this.rpcUrl, () => findProviders(this.connection, filters))
  }

  private async market(address: PublicKey): Promise<Market> {
    return this.markets.get(address.toBase58()) ?? this.fetchMarket(address)
  }

  private async providerOf(address: PublicKey): Promise<ProviderKeys> {
    return this.providerKeys.get(address.toBase58()) ?? this.fetchProvider(address)
  }

  /** Everything an instruction on a lease needs: the lease, its market and its current provider. */
  private async leaseContext(address: PublicKey) {
    const lease = await this.fetchLease(address)
    const [market, provider] = await Promise.all([this.market(lease.market), this.fetchProvider(lease.provider)])
    return { lease, market, provider }
  }

  // ── sending ───────────────────────────────────────────────────────────────

  /** Signs `instructions` with `signers` (the first pays unless `feePayer`), sends, confirms. */
  async send(instructions: TransactionInstruction[], signers: Signer[], feePayer?: Signer): Promise<TxResult> {
    const payer = feePayer ?? signers[0]
    if (payer === undefined) throw new TypeError('send needs at least one signer')
    const tx = await buildTransaction(this.ctx, instructions, payer.publicKey, [payer, ...signers])
    return sendSigned(this.ctx, tx)
  }

  private one(ix: Promise<TransactionInstruction>, signers: Signer[], opts: TxOptions): Promise<TxResult> {
    return ix.then((i) => this.send([i], signers, opts.feePayer))
  }

  // ── market ────────────────────────────────────────────────────────────────

  createMarket(
    p: { creator: Signer; mint: PublicKey; stakeMint: PublicKey; params: MarketParams } & TxOptions,
  ): Promise<TxResult> {
    const ix = this.instructions.createMarket(
      { creator: p.creator.publicKey, mint: p.mint, stakeMint: p.stakeMint },
      p.params,
    )
    return this.one(ix, [p.creator], p)
  }

  /** The market's authority proposes new keys; they apply after the governance delay. */
  updateMarket(
    p: {
      authority: Signer
      market: PublicKey
      arbiter?: PublicKey
      treasury?: PublicKey
      newAuthority?: PublicKey
    } & TxOptions,
  ): Promise<TxResult> {
    const update: MarketKeyUpdate = {
      ...(p.arbiter !== undefined ? { arbiter: p.arbiter } : {}),
      ...(p.treasury !== undefined ? { treasury: p.treasury } : {}),
      ...(p.newAuthority !== undefined ? { authority: p.newAuthority } : {}),
    }
    const ix = this.instructions.updateMarket({ authority: p.authority.publicKey, market: p.market }, update)
    return this.one(ix, [p.authority], p)
  }

  /** Anyone applies a proposed update once its delay has passed. */
  applyMarketUpdate(p: { signer: Signer; market: PublicKey } & TxOptions): Promise<TxResult> {
    return this.one(this.instructions.applyMarketUpdate({ market: p.market }), [p.signer], p)
  }

  /** Collected fees (`vault: 'fees'`, payment mint) or slashes (`'slashes'`, stake mint) to the treasury. */
  async withdrawFees(
    p: {
      treasury: Signer
      market: PublicKey
      amount: bigint
      vault?: 'fees' | 'slashes'
      destination?: PublicKey
    } & TxOptions,
  ): Promise<TxResult> {
    const m = await this.market(p.market)
    const [vault, mint] = p.vault === 'slashes' ? [m.slashVault, m.stakeMint] : [m.feeVault, m.mint]
    const ix = this.instructions.withdrawFees(
      {
        treasury: p.treasury.publicKey,
        market: p.market,
        vault,
        mint,
        destination: p.destination ?? getAssociatedTokenAddressSync(mint, p.treasury.publicKey, true),
      },
      p.amount,
    )
    return this.one(ix, [p.treasury], p)
  }

  // ── providers ─────────────────────────────────────────────────────────────

  /**
   * Registers provider `index` (default 0) of `authority`: both the authority and the operator
   * (the node's key) sign. Returns the provider's address.
   */
  async registerProvider(
    p: {
      authority: Signer
      operator: Signer
      market: PublicKey
      index?: number
      capabilities: Capabilities
      pricePerSecond: bigint
      payout?: PublicKey
    } & TxOptions,
  ): Promise<TxResult & { provider: PublicKey }> {
    const m = await this.market(p.market)
    const index = p.index ?? 0
    const ix = this.instructions.registerProvider(
      {
        authority: p.authority.publicKey,
        operator: p.operator.publicKey,
        market: p.market,
        stakeMint: m.stakeMint,
        mint: m.mint,
        payout: p.payout ?? getAssociatedTokenAddressSync(m.mint, p.authority.publicKey, true),
      },
      { index, capabilities: p.capabilities, pricePerSecond: p.pricePerSecond },
    )
    const result = await this.one(ix, [p.authority, p.operator], p)
    return { ...result, provider: providerAddress(p.market, p.authority.publicKey, index, this.programId) }
  }

  /** Capabilities, price, or (with `payout`) the account payouts go to. */
  async updateProvider(
    p: { authority: Signer; provider: PublicKey; payout?: PublicKey } & ProviderSettings & TxOptions,
  ): Promise<TxResult> {
    const keys = await this.providerOf(p.provider)
    const settings: ProviderSettings = {
      ...(p.capabilities !== undefined ? { capabilities: p.capabilities } : {}),
      ...(p.pricePerSecond !== undefined ? { pricePerSecond: p.pricePerSecond } : {}),
    }
    const ix = this.instructions.updateProvider(
      {
        authority: p.authority.publicKey,
        market: keys.market,
        provider: p.provider,
        ...(p.payout !== undefined ? { newPayout: p.payout } : {}),
      },
      settings,
    )
    return this.one(ix, [p.authority], p)
  }

  /** Moves the provider to a new operator key; the authority and the new operator sign. */
  async rotateOperator(
    p: { authority: Signer; provider: PublicKey; newOperator: Signer } & TxOptions,
  ): Promise<TxResult> {
    const provider = await this.fetchProvider(p.provider)
    const ix = this.instructions.rotateOperator({
      authority: p.authority.publicKey,
      newOperator: p.newOperator.publicKey,
      market: provider.market,
      provider: p.provider,
      oldOperator: provider.operator,
    })
    return this.one(ix, [p.authority, p.newOperator], p)
  }

  /** Vests matured held pay and sends `amount` (default: all unclaimed) to `destination`. */
  async claimEarnings(
    p: { authority: Signer; provider: PublicKey; amount?: bigint; destination?: PublicKey } & TxOptions,
  ): Promise<TxResult> {
    const keys = await this.providerOf(p.provider)
    const m = await this.market(keys.market)
    const ix = this.instructions.claimEarnings(
      {
        authority: p.authority.publicKey,
        market: keys.market,
        provider: p.provider,
        earningsVault: keys.earningsVault,
        feeVault: m.feeVault,
        mint: m.mint,
        destination: p.destination ?? getAssociatedTokenAddressSync(m.mint, p.authority.publicKey, true),
      },
      p.amount ?? null,
    )
    return this.one(ix, [p.authority], p)
  }

  /** Authority or operator stops new leases. */
  pauseProvider(p: { signer: Signer; provider: PublicKey } & TxOptions): Promise<TxResult> {
    return this.one(
      this.instructions.pauseProvider({ signer: p.signer.publicKey, provider: p.provider }),
      [p.signer],
      p,
    )
  }

  resumeProvider(p: { signer: Signer; provider: PublicKey } & TxOptions): Promise<TxResult> {
    return this.one(
      this.instructions.resumeProvider({ signer: p.signer.publicKey, provider: p.provider }),
      [p.signer],
      p,
    )
  }

  private async stakeAccounts(authority: PublicKey, provider: PublicKey) {
    const keys = await this.providerOf(provider)
    const m = await this.market(keys.market)
    return { authority, market: keys.market, provider, stakeVault: keys.stakeVault, stakeMint: m.stakeMint }
  }

  async depositStake(
    p: { authority: Signer; provider: PublicKey; amount: bigint; from?: PublicKey } & TxOptions,
  ): Promise<TxResult> {
    const a = await this.stakeAccounts(p.authority.publicKey, p.provider)
    const from = p.from ?? getAssociatedTokenAddressSync(a.stakeMint, p.authority.publicKey, true)
    return this.one(this.instructions.depositStake({ ...a, from }, p.amount), [p.authority], p)
  }

  async beginExit(p: { authority: Signer; provider: PublicKey } & TxOptions): Promise<TxResult> {
    const keys = await this.providerOf(p.provider)
    const ix = this.instructions.beginExit({
      authority: p.authority.publicKey,
      market: keys.market,
      provider: p.provider,
    })
    return this.one(ix, [p.authority], p)
  }

  async withdrawStake(
    p: { authority: Signer; provider: PublicKey; amount: bigint; destination?: PublicKey } & TxOptions,
  ): Promise<TxResult> {
    const a = await this.stakeAccounts(p.authority.publicKey, p.provider)
    const destination = p.destination ?? getAssociatedTokenAddressSync(a.stakeMint, p.authority.publicKey, true)
    return this.one(this.instructions.withdrawStake({ ...a, destination }, p.amount), [p.authority], p)
  }

  // ── leases ────────────────────────────────────────────────────────────────

  /**
   * Opens a lease on `provider` at the market's next lease id (retried if another lease takes
   * that id first). The policy defaults to letting providers fail the lease over among
   * themselves (`DEFAULT_MAX_MIGRATIONS`) within `maxPricePerSecond`.
   */
  async openLease(
    p: {
      consumer: Signer
      provider: PublicKey
      jobSpecHash: Uint8Array
      deposit: bigint
      maxPricePerSecond: bigint
      policy?: Partial<MigrationPolicy>
      receiptSigner?: PublicKey
      consumerToken?: PublicKey
    } & TxOptions,
  ): Promise<TxResult & { lease: PublicKey; escrow: PublicKey }> {
    const keys = await this.providerOf(p.provider)
    const consumer = p.consumer.publicKey
    const terms: OpenLeaseTerms = {
      jobSpecHash: p.jobSpecHash,
      deposit: p.deposit,
      policy: {
        maxPricePerSecond: p.policy?.maxPricePerSecond ?? p.maxPricePerSecond,
        maxMigrations: p.policy?.maxMigrations ?? DEFAULT_MAX_MIGRATIONS,
        providersMayMigrate: p.policy?.providersMayMigrate ?? true,
      },
      ...(p.receiptSigner !== undefined ? { receiptSigner: p.receiptSigner } : {}),
    }
    for (let attempt = 1; ; attempt++) {
      const m = await this.fetchMarket(keys.market)
      const lease = leaseAddress(keys.market, m.leaseCount, this.programId)
      const ix = this.instructions.openLease(
        {
          consumer,
          market: keys.market,
          provider: p.provider,
          lease,
          mint: m.mint,
          consumerToken: p.consumerToken ?? getAssociatedTokenAddressSync(m.mint, consumer, true),
        },
        terms,
      )
      try {
        const result = await this.one(ix, [p.consumer], p)
        return { ...result, lease, escrow: escrowAddress(lease, this.programId) }
      } catch (err) {
        const taken = (err as Error).name === 'StaleLeaseIdError' || (err as Error).name === 'AccountAlreadyExistsError'
        if (!taken || attempt >= OPEN_LEASE_ATTEMPTS) throw err
      }
    }
  }

  async acceptLease(p: { operator: Signer; lease: PublicKey } & TxOptions): Promise<TxResult> {
    const { lease } = await this.leaseContext(p.lease)
    const ix = this.instructions.acceptLease({
      operator: p.operator.publicKey,
      market: lease.market,
      provider: lease.provider,
      lease: p.lease,
    })
    return this.one(ix, [p.operator], p)
  }

  /**
   * Attests service up to `until`. With `receipt` (the consumer's signed receipt) the payment is
   * final at once; without, `until` may not pass the last activity plus the gap and the payment
   * is held until the dispute window has passed. A receipt whose signature does not verify is
   * refused before sending (`InvalidReceiptError`, as the program names it).
   */
  async attestUsage(
    p: { operator: Signer; lease: PublicKey; until: number; receipt?: SignedReceipt } & TxOptions,
  ): Promise<TxResult> {
    const { lease, market, provider } = await this.leaseContext(p.lease)
    const r = p.receipt
    // A signature that does not verify fails in the Ed25519 program, before this program runs,
    // with that program's bare error number: name it here as the program would.
    if (r !== undefined && !verifyReceipt(r.signer, p.lease, lease.provider, r.receipt, r.signature)) {
      throw new ProgramErrors.InvalidReceipt()
    }
    const attest = this.instructions.attestUsage(
      {
        operator: p.operator.publicKey,
        market: lease.market,
        provider: lease.provider,
        lease: p.lease,
        escrow: lease.escrow,
        payout: provider.payout,
        earningsVault: provider.earningsVault,
        feeVault: market.feeVault,
        mint: market.mint,
      },
      p.until,
      p.receipt?.receipt ?? null,
    )
    const ixs = p.receipt
      ? [
          receiptInstruction(p.receipt.signer, p.lease, lease.provider, p.receipt.receipt, p.receipt.signature),
          await attest,
        ]
      : [await attest]
    return this.send(ixs, [p.operator], p.feePayer)
  }

  async topUpLease(
    p: { consumer: Signer; lease: PublicKey; amount: bigint; consumerToken?: PublicKey } & TxOptions,
  ): Promise<TxResult> {
    const { lease, market } = await this.leaseContext(p.lease)
    const ix = this.instructions.topUpLease(
      {
        consumer: p.consumer.publicKey,
        lease: p.lease,
        escrow: lease.escrow,
        mint: market.mint,
        consumerToken: p.consumerToken ?? getAssociatedTokenAddressSync(market.mint, p.consumer.publicKey, true),
      },
      p.amount,
    )
    return this.one(ix, [p.consumer], p)
  }

  private async migrateInstruction(
    oldOperator: PublicKey,
    newOperator: PublicKey,
    p: MigrateLeaseParams,
  ): Promise<TransactionInstruction> {
    const { lease, market, provider } = await this.leaseContext(p.lease)
    return this.instructions.migrateLease(
      {
        oldOperator,
        newOperator,
        ...(p.consumer !== undefined ? { consumer: p.consumer } : {}),
        market: lease.market,
        oldProvider: lease.provider,
        newProvider: p.newProvider,
        lease: p.lease,
        escrow: lease.escrow,
        oldEarningsVault: provider.earningsVault,
        feeVault: market.feeVault,
        mint: market.mint,
      },
      p.handoffAt,
    )
  }

  /** Hand-off when every key is at hand (tests, a single operator running both nodes). */
  async migrateLease(
    p: { oldOperator: Signer; newOperator: Signer; consumerSigner?: Signer } & Omit<MigrateLeaseParams, 'consumer'> &
      TxOptions,
  ): Promise<TxResult> {
    const consumer = p.consumerSigner
    const ix = await this.migrateInstruction(p.oldOperator.publicKey, p.newOperator.publicKey, {
      ...p,
      ...(consumer ? { consumer: consumer.publicKey } : {}),
    })
    return this.send([ix], [p.oldOperator, p.newOperator, ...(consumer ? [consumer] : [])], p.feePayer)
  }

  /**
   * First half of a two-party hand-off: the migrate_lease transaction as bytes, signed by
   * `signer` if given (usually the old operator, who also pays the fee unless `feePayer`).
   * The other operator checks it with `describeTransaction`, signs with `cosignTransaction`,
   * and either side sends it with `sendTransactionBytes` before its blockhash expires (~1 min).
   */
  async prepareMigrateLease(
    p: { oldOperator: PublicKey; newOperator: PublicKey; signer?: Signer; feePayer?: PublicKey } & MigrateLeaseParams,
  ): Promise<Uint8Array> {
    const ix = await this.migrateInstruction(p.oldOperator, p.newOperator, p)
    const tx = await buildTransaction(this.ctx, [ix], p.feePayer ?? p.oldOperator, p.signer ? [p.signer] : [])
    return transactionToBytes(tx)
  }

  async closeLease(p: { signer: Signer; lease: PublicKey; consumerToken?: PublicKey } & TxOptions): Promise<TxResult> {
    const { lease, market, provider } = await this.leaseContext(p.lease)
    const ix = this.instructions.closeLease({
      signer: p.signer.publicKey,
      ...this.leaseEndAccounts(p.lease, lease, market, provider, p.consumerToken),
    })
    return this.one(ix, [p.signer], p)
  }

  async reclaimStalledLease(
    p: { consumer: Signer; lease: PublicKey; consumerToken?: PublicKey } & TxOptions,
  ): Promise<TxResult> {
    const { lease, market } = await this.leaseContext(p.lease)
    const ix = this.instructions.reclaimStalledLease({
      consumer: p.consumer.publicKey,
      market: lease.market,
      provider: lease.provider,
      lease: p.lease,
      escrow: lease.escrow,
      consumerToken: p.consumerToken ?? getAssociatedTokenAddressSync(market.mint, lease.consumer, true),
      mint: market.mint,
    })
    return this.one(ix, [p.consumer], p)
  }

  /** Contests a lease (active, or ended within the window), posting the market's bond. */
  async openDispute(
    p: { consumer: Signer; lease: PublicKey; evidenceHash: Uint8Array; consumerToken?: PublicKey } & TxOptions,
  ): Promise<TxResult> {
    const { lease, market } = await this.leaseContext(p.lease)
    const ix = this.instructions.openDispute(
      {
        consumer: p.consumer.publicKey,
        market: lease.market,
        lease: p.lease,
        escrow: lease.escrow,
        consumerToken: p.consumerToken ?? getAssociatedTokenAddressSync(market.mint, lease.consumer, true),
        mint: market.mint,
      },
      p.evidenceHash,
    )
    return this.one(ix, [p.consumer], p)
  }

  /** Either party (consumer, provider authority or operator) records evidence on an open dispute. */
  async addEvidence(p: { signer: Signer; lease: PublicKey; evidenceHash: Uint8Array } & TxOptions): Promise<TxResult> {
    const lease = await this.fetchLease(p.lease)
    const ix = this.instructions.addEvidence(
      { signer: p.signer.publicKey, provider: lease.provider, lease: p.lease },
      p.evidenceHash,
    )
    return this.one(ix, [p.signer], p)
  }

  async resolveDispute(
    p: {
      arbiter: Signer
      lease: PublicKey
      verdict: Verdict
      consumerToken?: PublicKey
      consumerStakeToken?: PublicKey
    } & TxOptions,
  ): Promise<TxResult> {
    const { lease, market, provider } = await this.leaseContext(p.lease)
    // The program wants the consumer's stake-mint account for either verdict (a Refund may pay
    // it part of the slash); a consumer that never held the stake mint has none, and the ruling
    // must not wait on the consumer creating one: the arbiter's transaction creates it (idempotent).
    const payer = p.feePayer ?? p.arbiter
    const created =
      p.consumerStakeToken === undefined
        ? fundTokenAccountInstructions(payer.publicKey, lease.consumer, market.stakeMint)
        : { account: p.consumerStakeToken, instructions: [] }
    const ix = await this.instructions.resolveDispute(
      {
        arbiter: p.arbiter.publicKey,
        ...this.leaseEndAccounts(p.lease, lease, market, provider, p.consumerToken),
        consumerStakeToken: created.account,
        stakeVault: provider.stakeVault,
        slashVault: market.slashVault,
        stakeMint: market.stakeMint,
      },
      p.verdict,
    )
    return this.send([...created.instructions, ix], [p.arbiter], p.feePayer)
  }

  /** Anyone ends a dispute the arbiter left past the window, in the provider's favour. */
  async expireDispute(
    p: { caller: Signer; lease: PublicKey; consumerToken?: PublicKey } & TxOptions,
  ): Promise<TxResult> {
    const { lease, market, provider } = await this.leaseContext(p.lease)
    const ix = this.instructions.expireDispute({
      caller: p.caller.publicKey,
      ...this.leaseEndAccounts(p.lease, lease, market, provider, p.consumerToken),
    })
    return this.one(ix, [p.caller], p)
  }

  /** Anyone removes an ended lease's record once its dispute window has passed (rent to the consumer). */
  async finalizeLease(
    p: { caller: Signer; lease: PublicKey; consumerToken?: PublicKey } & TxOptions,
  ): Promise<TxResult> {
    const { lease, market } = await this.leaseContext(p.lease)
    const ix = this.instructions.finalizeLease({
      caller: p.caller.publicKey,
      consumer: lease.consumer,
      market: lease.market,
      provider: lease.provider,
      lease: p.lease,
      escrow: lease.escrow,
      consumerToken: p.consumerToken ?? getAssociatedTokenAddressSync(market.mint, lease.consumer, true),
      mint: market.mint,
    })
    return this.one(ix, [p.caller], p)
  }

  private leaseEndAccounts(
    address: PublicKey,
    lease: Lease,
    market: Market,
    provider: Provider,
    consumerToken?: PublicKey,
  ): LeaseEndAccounts {
    return {
      market: lease.market,
      provider: lease.provider,
      lease: address,
      escrow: lease.escrow,
      consumerToken: consumerToken ?? getAssociatedTokenAddressSync(market.mint, lease.consumer, true),
      payout: provider.payout,
      earningsVault: provider.earningsVault,
      feeVault: market.feeVault,
      mint: market.mint,
    }
  }

  // ── co-signing ────────────────────────────────────────────────────────────

  /** What a transaction received as bytes does, and whose signatures it still lacks. */
  describeTransaction(bytes: Uint8Array): {
    feePayer: PublicKey | undefined
    instructions: DecodedInstruction[]
    missingSigners: PublicKey[]
  } {
    const tx = transactionFromBytes(bytes)
    return { feePayer: tx.feePayer, instructions: decodeInstructions(tx), missingSigners: missingSigners(tx) }
  }

  /**
   * Adds `signer`'s signature to a transaction received as bytes, after checking that it only
   * calls `expected` on this program and that `signer` is one of its signers.
   */
  cosignTransaction(bytes: Uint8Array, signer: Signer, expected: DecodedInstruction['name']): Uint8Array {
    const tx = transactionFromBytes(bytes)
    const decoded = decodeInstructions(tx)
    if (decoded.length !== 1 || decoded[0]?.name !== expected) {
      throw new UnexpectedTransactionError(
        `expected one ${expected}, got ${decoded.map((d) => d.name).join(', ') || 'nothing'}`,
      )
    }
    if (!tx.signatures.some((s) => s.publicKey.equals(signer.publicKey))) {
      throw new UnexpectedTransactionError(`${signer.publicKey.toBase58()} is not a signer of this transaction`)
    }
    tx.partialSign(signer)
    return transactionToBytes(tx)
  }

  /** Sends a transaction received as bytes, once every signer has signed. */
  sendTransactionBytes(bytes: Uint8Array): Promise<TxResult> {
    return sendSigned(this.ctx, transactionFromBytes(bytes))
  }

  // ── helpers ───────────────────────────────────────────────────────────────

  /** Addresses of a market's accounts, derived. */
  static marketAccounts(creator: PublicKey, mint: PublicKey) {
    const market = marketAddress(creator, mint)
    return { market, feeVault: feeVaultAddress(market), slashVault: slashVaultAddress(market) }
  }

  /** Addresses of a provider's accounts, derived. */
  static providerAccounts(market: PublicKey, authority: PublicKey, index = 0) {
    const provider = providerAddress(market, authority, index)
    return { provider, stakeVault: stakeVaultAddress(provider), earningsVault: earningsVaultAddress(provider) }
  }
}

export function createMarketClient(init: MarketClientInit = {}): MarketClient {
  return new MarketClient(init)
}
