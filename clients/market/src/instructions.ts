/**
 * One builder per instruction, every account explicit: the build-only layer. Each returns the
 * instruction Anchor's `methods` builder encodes from the IDL. `MarketClient` resolves the
 * accounts from chain state and calls these; tests and co-signing flows may call them directly.
 */

import { TOKEN_PROGRAM_ID } from '@solana/spl-token'
import type { PublicKey, TransactionInstruction } from '@solana/web3.js'
import { SystemProgram } from '@solana/web3.js'
import { toChain, toDefined } from './codec.js'
import type { MarketProgram } from './idl.js'
import {
  escrowAddress,
  feeVaultAddress,
  leaseAddress,
  marketAddress,
  providerAddress,
  stakeVaultAddress,
} from './pda.js'
import type { Capabilities, MarketParams, Verdict } from './types.js'

type Keys<K extends string> = Record<K, PublicKey>

export type CreateMarketAccounts = Keys<'creator' | 'mint' | 'stakeMint'> & Partial<Keys<'market' | 'feeVault'>>
export type WithdrawFeesAccounts = Keys<'treasury' | 'market' | 'feeVault' | 'mint' | 'destination'>
export type RegisterProviderAccounts = Keys<'authority' | 'market' | 'stakeMint' | 'payout'> &
  Partial<Keys<'provider' | 'stakeVault'>>
export type UpdateProviderAccounts = Keys<'authority' | 'provider'>
export type SetPausedAccounts = Keys<'signer' | 'provider'>
export type StakeAccounts = Keys<'authority' | 'market' | 'provider' | 'stakeVault' | 'stakeMint'>
export type BeginExitAccounts = Keys<'authority' | 'market' | 'provider'>
export type OpenLeaseAccounts = Keys<'consumer' | 'market' | 'provider' | 'mint' | 'consumerToken'> &
  Partial<Keys<'lease' | 'escrow'>>
export type AcceptLeaseAccounts = Keys<'operator' | 'market' | 'provider' | 'lease'>
export type AttestUsageAccounts = Keys<
  'operator' | 'market' | 'provider' | 'lease' | 'escrow' | 'payout' | 'feeVault' | 'mint'
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
  | 'oldPayout'
  | 'feeVault'
  | 'mint'
>
export type LeaseEndAccounts = Keys<
  'consumer' | 'market' | 'provider' | 'lease' | 'escrow' | 'consumerToken' | 'payout' | 'feeVault' | 'mint'
>
export type ReclaimAccounts = Keys<'consumer' | 'market' | 'provider' | 'lease' | 'escrow' | 'consumerToken' | 'mint'>
export type OpenDisputeAccounts = Keys<'consumer' | 'market' | 'lease'>
export type ResolveDisputeAccounts = LeaseEndAccounts &
  Keys<'arbiter' | 'consumerStakeToken' | 'stakeVault' | 'stakeMint'>

export interface ProviderSettings {
  operator?: PublicKey
  capabilities?: Capabilities
  pricePerSecond?: bigint
}

export interface OpenLeaseTerms {
  nonce: bigint
  jobSpecHash: Uint8Array
  maxPricePerSecond: bigint
  deposit: bigint
}

const TOKEN = { tokenProgram: TOKEN_PROGRAM_ID }

/** Accounts by IDL name; a composite (the program's `EndingLease`) nests its own. */
type Accounts = { [name: string]: PublicKey | Accounts }

/** close, resolve and expire share the program's `EndingLease` accounts group. */
function ending(a: LeaseEndAccounts): Accounts {
  const { consumer, market, provider, lease, escrow, consumerToken, payout, feeVault, mint } = a
  return { consumer, market, provider, lease, escrow, consumerToken, payout, feeVault, mint, ...TOKEN }
}
const SYSTEM = { systemProgram: SystemProgram.programId }

/** Builds the instructions of one program (its id comes from the Program's IDL). */
export class MarketInstructions {
  constructor(private readonly program: MarketProgram) {}

  private build(name: string, args: unknown[], accounts: Accounts): Promise<TransactionInstruction> {
    // The IDL-typed builder is generic over all 19 instructions; the domain types above are the checked surface.
    const methods = this.program.methods as unknown as Record<
      string,
      (...a: unknown[]) => {
        accountsStrict(a: Accounts): { instruction(): Promise<TransactionInstruction> }
      }
    >
    const method = methods[name]
    if (method === undefined) throw new Error(`IDL has no instruction ${name}`)
    return method(...args)
      .accountsStrict(accounts)
      .instruction()
  }

  private get programId(): PublicKey {
    return this.program.programId
  }

  createMarket(a: CreateMarketAccounts, params: MarketParams): Promise<TransactionInstruction> {
    const market = a.market ?? marketAddress(a.creator, a.mint, this.programId)
    return this.build('createMarket', [toDefined('marketParams', params, 'params')], {
      ...a,
      market,
      feeVault: a.feeVault ?? feeVaultAddress(market, this.programId),
      ...TOKEN,
      ...SYSTEM,
    })
  }

  withdrawFees(a: WithdrawFeesAccounts, amount: bigint): Promise<TransactionInstruction> {
    return this.build('withdrawFees', [toChain('u64', amount, 'amount')], { ...a, ...TOKEN })
  }

  registerProvider(
    a: RegisterProviderAccounts,
    args: { operator: PublicKey; capabilities: Capabilities; pricePerSecond: bigint },
  ): Promise<TransactionInstruction> {
    const provider = a.provider ?? providerAddress(a.market, a.authority, this.programId)
    return this.build('registerProvider', [toDefined('registerProviderArgs', args, 'args')], {
      ...a,
      provider,
      stakeVault: a.stakeVault ?? stakeVaultAddress(provider, this.programId),
      ...TOKEN,
      ...SYSTEM,
    })
  }

  updateProvider(a: UpdateProviderAccounts, settings: ProviderSettings): Promise<TransactionInstruction> {
    return this.build('updateProvider', [toDefined('updateProviderArgs', settings, 'args')], a)
  }

  pauseProvider(a: SetPausedAccounts): Promise<TransactionInstruction> {
    return this.build('pauseProvider', [], a)
  }

  resumeProvider(a: SetPausedAccounts): Promise<TransactionInstruction> {
    return this.build('resumeProvider', [], a)
  }

  /** The program's `StakeTransfer` group calls the authority's stake account `wallet` both ways. */
  depositStake(a: StakeAccounts & { from: PublicKey }, amount: bigint): Promise<TransactionInstruction> {
    const { from, ...stake } = a
    return this.build('depositStake', [toChain('u64', amount, 'amount')], { ...stake, wallet: from, ...TOKEN })
  }

  beginExit(a: BeginExitAccounts): Promise<TransactionInstruction> {
    return this.build('beginExit', [], a)
  }

  withdrawStake(a: StakeAccounts & { destination: PublicKey }, amount: bigint): Promise<TransactionInstruction> {
    const { destination, ...stake } = a
    return this.build('withdrawStake', [toChain('u64', amount, 'amount')], { ...stake, wallet: destination, ...TOKEN })
  }

  openLease(a: OpenLeaseAccounts, terms: OpenLeaseTerms): Promise<TransactionInstruction> {
    const args = toDefined('openLeaseArgs', terms, 'args')
    const lease = a.lease ?? leaseAddress(a.consumer, terms.nonce, this.programId)
    return this.build('openLease', [args], {
      ...a,
      lease,
      escrow: a.escrow ?? escrowAddress(lease, this.programId),
      ...TOKEN,
      ...SYSTEM,
    })
  }

  acceptLease(a: AcceptLeaseAccounts): Promise<TransactionInstruction> {
    return this.build('acceptLease', [], a)
  }

  attestUsage(a: AttestUsageAccounts, until: number): Promise<TransactionInstruction> {
    return this.build('attestUsage', [toChain('i64', until, 'until')], { ...a, ...TOKEN })
  }

  topUpLease(a: TopUpLeaseAccounts, amount: bigint): Promise<TransactionInstruction> {
    return this.build('topUpLease', [toChain('u64', amount, 'amount')], { ...a, ...TOKEN })
  }

  migrateLease(a: MigrateLeaseAccounts, handoffAt: number): Promise<TransactionInstruction> {
    return this.build('migrateLease', [toChain('i64', handoffAt, 'handoffAt')], { ...a, ...TOKEN })
  }

  closeLease(a: LeaseEndAccounts & { signer: PublicKey }): Promise<TransactionInstruction> {
    return this.build('closeLease', [], { signer: a.signer, ending: ending(a) })
  }

  reclaimStalledLease(a: ReclaimAccounts): Promise<TransactionInstruction> {
    return this.build('reclaimStalledLease', [], { ...a, ...TOKEN })
  }

  openDispute(a: OpenDisputeAccounts, reasonHash: Uint8Array): Promise<TransactionInstruction> {
    return this.build('openDispute', [toChain({ array: ['u8', 32] }, reasonHash, 'reasonHash')], a)
  }

  resolveDispute(a: ResolveDisputeAccounts, verdict: Verdict): Promise<TransactionInstruction> {
    return this.build('resolveDispute', [toDefined('verdict', verdict, 'verdict')], {
      arbiter: a.arbiter,
      ending: ending(a),
      consumerStakeToken: a.consumerStakeToken,
      stakeVault: a.stakeVault,
      stakeMint: a.stakeMint,
    })
  }

  expireDispute(a: LeaseEndAccounts & { caller: PublicKey }): Promise<TransactionInstruction> {
    return this.build('expireDispute', [], { caller: a.caller, ending: ending(a) })
  }
}
