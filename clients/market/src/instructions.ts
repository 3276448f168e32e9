/**
 * One builder per instruction, every account explicit: the build-only layer. Each calls the
 * IDL-typed `program.methods.<name>(…).accountsStrict(…)`, so an account or argument the program
 * does not have is a type error. `MarketClient` resolves the accounts from chain state and calls
 * these; tests and co-signing flows may call them directly.
 */

import type { BN } from '@anchor-lang/core'
import { TOKEN_PROGRAM_ID } from '@solana/spl-token'
import { type PublicKey, SYSVAR_INSTRUCTIONS_PUBKEY, SystemProgram, type TransactionInstruction } from '@solana/web3.js'
import { toChain, toDefined } from './codec.js'
import type { MarketProgram, RawTypes } from './idl.js'
import {
  earningsVaultAddress,
  escrowAddress,
  feeVaultAddress,
  marketAddress,
  operatorIndexAddress,
  providerAddress,
  slashVaultAddress,
  stakeVaultAddress,
} from './pda.js'
import type { Capabilities, MarketParams, MigrationPolicy, Receipt, Verdict } from './types.js'

type Keys<K extends string> = Record<K, PublicKey>

export type CreateMarketAccounts = Keys<'creator' | 'mint' | 'stakeMint'>
export type UpdateMarketAccounts = Keys<'authority' | 'market'>
export type WithdrawFeesAccounts = Keys<'treasury' | 'market' | 'vault' | 'mint' | 'destination'>
export type RegisterProviderAccounts = Keys<'authority' | 'operator' | 'market' | 'stakeMint' | 'mint' | 'payout'>
export type UpdateProviderAccounts = Keys<'authority' | 'market' | 'provider'> & { newPayout?: PublicKey }
export type RotateOperatorAccounts = Keys<'authority' | 'newOperator' | 'market' | 'provider' | 'oldOperator'>
export type ClaimEarningsAccounts = Keys<
  'authority' | 'market' | 'provider' | 'earningsVault' | 'feeVault' | 'mint' | 'destination'
>
export type SetPausedAccounts = Keys<'signer' | 'provider'>
export type StakeAccounts = Keys<'authority' | 'market' | 'provider' | 'stakeVault' | 'stakeMint'>
export type BeginExitAccounts = Keys<'authority' | 'market' | 'provider'>
export type OpenLeaseAccounts = Keys<'consumer' | 'market' | 'provider' | 'lease' | 'mint' | 'consumerToken'>
export type AcceptLeaseAccounts = Keys<'operator' | 'market' | 'provider' | 'lease'>
export type AttestUsageAccounts = Keys<
  'operator' | 'market' | 'provider' | 'lease' | 'escrow' | 'payout' | 'earningsVault' | 'feeVault' | 'mint'
>
export type TopUpLeaseAccounts = Keys<'consumer' | 'lease' | 'escrow' | 'mint' | 'consumerToken'>
export type MigrateLeaseAccounts = Keys<
  | 'oldOperator'
  | 'newOperator'
  | 'market'
  | 'oldProvider'
  | 'newProvider'
  | 'lease'
  | 'escrow'
  | 'oldEarningsVault'
  | 'feeVault'
  | 'mint'
> & { consumer?: PublicKey }
export type LeaseEndAccounts = Keys<
  'market' | 'provider' | 'lease' | 'escrow' | 'consumerToken' | 'payout' | 'earningsVault' | 'feeVault' | 'mint'
>
export type ReclaimAccounts = Keys<'consumer' | 'market' | 'provider' | 'lease' | 'escrow' | 'consumerToken' | 'mint'>
export type OpenDisputeAccounts = Keys<'consumer' | 'market' | 'lease' | 'escrow' | 'consumerToken' | 'mint'>
export type AddEvidenceAccounts = Keys<'signer' | 'provider' | 'lease'>
export type ResolveDisputeAccounts = LeaseEndAccounts &
  Keys<'arbiter' | 'consumerStakeToken' | 'stakeVault' | 'slashVault' | 'stakeMint'>
export type FinalizeLeaseAccounts = Keys<
  'caller' | 'consumer' | 'market' | 'provider' | 'lease' | 'escrow' | 'consumerToken' | 'mint'
>

export interface ProviderSettings {
  capabilities?: Capabilities
  pricePerSecond?: bigint
}

export interface MarketKeyUpdate {
  arbiter?: PublicKey
  treasury?: PublicKey
  authority?: PublicKey
}

export interface OpenLeaseTerms {
  jobSpecHash: Uint8Array
  deposit: bigint
  policy: MigrationPolicy
  /** Signs usage receipts (a gateway's key); the consumer's own when absent. */
  receiptSigner?: PublicKey
}

const TOKEN = { tokenProgram: TOKEN_PROGRAM_ID }
const SYSTEM = { systemProgram: SystemProgram.programId }

/** Domain value → Anchor's encoded form of the IDL type `name` (checked by the codec). */
function arg<N extends keyof RawTypes & string>(name: N, value: unknown, path: string): RawTypes[N] {
  return toDefined(name, value, path) as RawTypes[N]
}
const u64 = (value: bigint, path: string) => toChain('u64', value, path) as BN
const hash32 = (value: Uint8Array, path: string) => toChain({ array: ['u8', 32] }, value, path) as number[]

/** close, resolve and expire share the program's `EndingLease` accounts group. */
function ending(a: LeaseEndAccounts) {
  const { market, provider, lease, escrow, consumerToken, payout, earningsVault, feeVault, mint } = a
  return { market, provider, lease, escrow, consumerToken, payout, earningsVault, feeVault, mint, ...TOKEN }
}

/** Builds the instructions of one program (its id comes from the Program's IDL). */
export class MarketInstructions {
  constructor(private readonly program: MarketProgram) {}

  private get programId(): PublicKey {
    return this.program.programId
  }

  private get m() {
    return this.program.methods
  }

  createMarket(a: CreateMarketAccounts, params: MarketParams): Promise<TransactionInstruction> {
    const market = marketAddress(a.creator, a.mint, this.programId)
    return this.m
      .createMarket(arg('marketParams', params, 'params'))
      .accountsStrict({
        ...a,
        market,
        feeVault: feeVaultAddress(market, this.programId),
        slashVault: slashVaultAddress(market, this.programId),
        ...TOKEN,
        ...SYSTEM,
      })
      .instruction()
  }

  updateMarket(a: UpdateMarketAccounts, update: MarketKeyUpdate): Promise<TransactionInstruction> {
    return this.m
      .updateMarket(arg('marketUpdate', update, 'update'))
      .accountsStrict(a)
      .instruction()
  }

  applyMarketUpdate(a: { market: PublicKey }): Promise<TransactionInstruction> {
    return this.m.applyMarketUpdate().accountsStrict(a).instruction()
  }

  /** `vault` is the fee vault (payment mint) or the slash vault (stake mint); `mint` is its mint. */
  withdrawFees(a: WithdrawFeesAccounts, amount: bigint): Promise<TransactionInstruction> {
    return this.m
      .withdrawFees(u64(amount, 'amount'))
      .accountsStrict({ ...a, ...TOKEN })
      .instruction()
  }

  registerProvider(
    a: RegisterProviderAccounts,
    args: { index: number; capabilities: Capabilities; pricePerSecond: bigint },
  ): Promise<TransactionInstruction> {
    const provider = providerAddress(a.market, a.authority, args.index, this.programId)
    return this.m
      .registerProvider(arg('registerProviderArgs', args, 'args'))
      .accountsStrict({
        ...a,
        provider,
        operatorIndex: operatorIndexAddress(a.market, a.operator, this.programId),
        stakeVault: stakeVaultAddress(provider, this.programId),
        earningsVault: earningsVaultAddress(provider, this.programId),
        ...TOKEN,
        ...SYSTEM,
      })
      .instruction()
  }

  updateProvider(a: UpdateProviderAccounts, settings: ProviderSettings): Promise<TransactionInstruction> {
    const { newPayout, ...rest } = a
    return this.m
      .updateProvider(arg('updateProviderArgs', settings, 'args'))
      .accountsStrict({ ...rest, newPayout: newPayout ?? null })
      .instruction()
  }

  rotateOperator(a: RotateOperatorAccounts): Promise<TransactionInstruction> {
    const { oldOperator, ...rest } = a
    return this.m
      .rotateOperator()
      .accountsStrict({
        ...rest,
        oldIndex: operatorIndexAddress(a.market, oldOperator, this.programId),
        newIndex: operatorIndexAddress(a.market, a.newOperator, this.programId),
        ...SYSTEM,
      })
      .instruction()
  }

  /** Vests matured held pay, then pays `amount` (all unclaimed when null) to `destination`. */
  claimEarnings(a: ClaimEarningsAccounts, amount: bigint | null): Promise<TransactionInstruction> {
    return this.m
      .claimEarnings(amount === null ? null : u64(amount, 'amount'))
      .accountsStrict({ ...a, ...TOKEN })
      .instruction()
  }

  pauseProvider(a: SetPausedAccounts): Promise<TransactionInstruction> {
    return this.m.pauseProvider().accountsStrict(a).instruction()
  }

  resumeProvider(a: SetPausedAccounts): Promise<TransactionInstruction> {
    return this.m.resumeProvider().accountsStrict(a).instruction()
  }

  /** The program's `StakeTransfer` group calls the authority's stake account `wallet` both ways. */
  depositStake(a: StakeAccounts & { from: PublicKey }, amount: bigint): Promise<TransactionInstruction> {
    const { from, ...stake } = a
    return this.m
      .depositStake(u64(amount, 'amount'))
      .accountsStrict({ ...stake, wallet: from, ...TOKEN })
      .instruction()
  }

  beginExit(a: BeginExitAccounts): Promise<TransactionInstruction> {
    return this.m.beginExit().accountsStrict(a).instruction()
  }

  withdrawStake(a: StakeAccounts & { destination: PublicKey }, amount: bigint): Promise<TransactionInstruction> {
    const { destination, ...stake } = a
    return this.m
      .withdrawStake(u64(amount, 'amount'))
      .accountsStrict({ ...stake, wallet: destination, ...TOKEN })
      .instruction()
  }

  /** `lease` must be `leaseAddress(market, market.leaseCount)`: the market's next id. */
  openLease(a: OpenLeaseAccounts, terms: OpenLeaseTerms): Promise<TransactionInstruction> {
    const args = { ...terms, receiptSigner: terms.receiptSigner ?? null }
    return this.m
      .openLease(arg('openLeaseArgs', args, 'args'))
      .accountsStrict({ ...a, escrow: escrowAddress(a.lease, this.programId), ...TOKEN, ...SYSTEM })
      .instruction()
  }

  acceptLease(a: AcceptLeaseAccounts): Promise<TransactionInstruction> {
    return this.m.acceptLease().accountsStrict(a).instruction()
  }

  /** With a receipt, the Ed25519 instruction (`receiptInstruction`) must come just before this one. */
  attestUsage(a: AttestUsageAccounts, until: number, receipt: Receipt | null): Promise<TransactionInstruction> {
    return this.m
      .attestUsage(arg('attestUsageArgs', { until, receipt }, 'args'))
      .accountsStrict({ ...a, instructions: SYSVAR_INSTRUCTIONS_PUBKEY, ...TOKEN })
      .instruction()
  }

  topUpLease(a: TopUpLeaseAccounts, amount: bigint): Promise<TransactionInstruction> {
    return this.m
      .topUpLease(u64(amount, 'amount'))
      .accountsStrict({ ...a, ...TOKEN })
      .instruction()
  }

  migrateLease(a: MigrateLeaseAccounts, handoffAt: number): Promise<TransactionInstruction> {
    return this.m
      .migrateLease(toChain('i64', handoffAt, 'handoffAt') as BN)
      .accountsStrict({ ...a, consumer: a.consumer ?? null, ...TOKEN })
      .instruction()
  }

  closeLease(a: LeaseEndAccounts & { signer: PublicKey }): Promise<TransactionInstruction> {
    return this.m
      .closeLease()
      .accountsStrict({ signer: a.signer, ending: ending(a) })
      .instruction()
  }

  reclaimStalledLease(a: ReclaimAccounts): Promise<TransactionInstruction> {
    return this.m
      .reclaimStalledLease()
      .accountsStrict({ ...a, ...TOKEN })
      .instruction()
  }

  openDispute(a: OpenDisputeAccounts, evidenceHash: Uint8Array): Promise<TransactionInstruction> {
    return this.m
      .openDispute(hash32(evidenceHash, 'evidenceHash'))
      .accountsStrict({ ...a, ...TOKEN })
      .instruction()
  }

  addEvidence(a: AddEvidenceAccounts, evidenceHash: Uint8Array): Promise<TransactionInstruction> {
    return this.m.addEvidence(hash32(evidenceHash, 'evidenceHash')).accountsStrict(a).instruction()
  }

  resolveDispute(a: ResolveDisputeAccounts, verdict: Verdict): Promise<TransactionInstruction> {
    return this.m
      .resolveDispute(arg('verdict', verdict, 'verdict'))
      .accountsStrict({
        arbiter: a.arbiter,
        ending: ending(a),
        consumerStakeToken: a.consumerStakeToken,
        stakeVault: a.stakeVault,
        slashVault: a.slashVault,
        stakeMint: a.stakeMint,
      })
      .instruction()
  }

  expireDispute(a: LeaseEndAccounts & { caller: PublicKey }): Promise<TransactionInstruction> {
    return this.m
      .expireDispute()
      .accountsStrict({ caller: a.caller, ending: ending(a) })
      .instruction()
  }

  finalizeLease(a: FinalizeLeaseAccounts): Promise<TransactionInstruction> {
    return this.m
      .finalizeLease()
      .accountsStrict({ ...a, ...TOKEN })
      .instruction()
  }
}
