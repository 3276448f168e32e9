/**
 * Domain types of the program's accounts, arguments and events. Amounts are bigint base units
 * (u64), times and durations are unix seconds (number); states are discriminated unions.
 */
import type { PublicKey } from '@solana/web3.js'

export type Cloud = 'aws' | 'hetzner' | 'ovh' | 'local' | 'other'

export interface Capabilities {
  gpuModel: string
  gpuCount: number
  /** Per GPU. */
  vramGb: number
  cloud: Cloud
  region: string
  zone: string
  spot: boolean
}

export interface MarketParams {
  minStake: bigint
  feeBps: number
  /** A refund slashes at most this multiple (bps) of the disputed value. */
  slashMultipleBps: number
  /** Posted with each dispute (payment mint); forfeited to the provider on Release. */
  disputeBond: bigint
  /** A lease counts as completed for reputation only when it paid at least this. */
  minCompletionPayment: bigint
  disputeWindowSecs: number
  maxAttestationGapSecs: number
  exitCooldownSecs: number
  governanceDelaySecs: number
  arbiter: PublicKey
  treasury: PublicKey
}

export interface PendingMarketUpdate {
  arbiter: PublicKey
  treasury: PublicKey
  authority: PublicKey
  effectiveAt: number
}

export interface Market {
  address: PublicKey
  creator: PublicKey
  mint: PublicKey
  stakeMint: PublicKey
  feeVault: PublicKey
  slashVault: PublicKey
  authority: PublicKey
  arbiter: PublicKey
  treasury: PublicKey
  pendingUpdate: PendingMarketUpdate | null
  minStake: bigint
  feeBps: number
  slashMultipleBps: number
  disputeBond: bigint
  minCompletionPayment: bigint
  disputeWindowSecs: number
  maxAttestationGapSecs: number
  exitCooldownSecs: number
  governanceDelaySecs: number
  providerCount: bigint
  /** Also the next lease's id. */
  leaseCount: bigint
  bump: number
  feeVaultBump: number
  slashVaultBump: number
}

export type ProviderStatus = { kind: 'active' } | { kind: 'paused' } | { kind: 'exiting'; unlockAt: number }

export interface Reputation {
  leasesCompleted: bigint
  leasesFailed: bigint
  failoversHandedOff: bigint
  failoversTaken: bigint
  disputesLost: bigint
  disputesWon: bigint
  /** Seconds paid on the consumer's signed receipts. */
  secondsVerified: bigint
  /** Seconds paid on the provider's word alone (held until the dispute window passed). */
  secondsSelfAttested: bigint
  /** Payouts received, net of fees, in payment-mint base units. */
  earned: bigint
}

/** Self-attested pay held until `vestsAt` (a refund verdict can take it back before). */
export interface Tranche {
  vestsAt: number
  payout: bigint
  fee: bigint
}

export interface Provider {
  address: PublicKey
  market: PublicKey
  /** Cold wallet: owns the stake, changes settings; may run many providers (a fleet). */
  authority: PublicKey
  /** The provider's number under its authority (part of its address). */
  index: number
  /** Hot node key; also the node's libp2p identity. Unique per market. */
  operator: PublicKey
  payout: PublicKey
  stakeVault: PublicKey
  earningsVault: PublicKey
  capabilities: Capabilities
  pricePerSecond: bigint
  staked: bigint
  status: ProviderStatus
  openLeases: number
  /** Lease records (open, disputed, or ended within the window) that still expose the stake. */
  leaseRecords: number
  held: Tranche[]
  /** Vested earnings waiting in the earnings vault. */
  unclaimed: bigint
  exposureEndedAt: number
  reputation: Reputation
  registeredAt: number
  bump: number
  stakeVaultBump: number
  earningsVaultBump: number
}

export type LeaseOutcome = 'cancelled' | 'completed' | 'reclaimed' | 'refunded' | 'released' | 'exhausted'

export type LeaseStatus =
  | { kind: 'open' }
  | { kind: 'active' }
  | { kind: 'disputed'; openedAt: number; endedAt: number | null }
  | { kind: 'ended'; outcome: LeaseOutcome; at: number }

export type Verdict = 'refund' | 'release'

/** The consumer's consent to failover hand-offs. */
export interface MigrationPolicy {
  maxPricePerSecond: bigint
  maxMigrations: number
  /** Whether providers may move the lease without the consumer's signature. */
  providersMayMigrate: boolean
}

/** A usage receipt: what the consumer signs for service it got. */
export interface Receipt {
  from: number
  until: number
  requests: bigint
  digest: Uint8Array
}

export interface Lease {
  address: PublicKey
  market: PublicKey
  /** The market's lease counter when it opened: its address seed, never reused. */
  id: bigint
  consumer: PublicKey
  receiptSigner: PublicKey
  provider: PublicKey
  arbiter: PublicKey
  jobSpecHash: Uint8Array
  pricePerSecond: bigint
  policy: MigrationPolicy
  escrow: PublicKey
  deposited: bigint
  paidToProviders: bigint
  feesPaid: bigint
  paidToCurrent: bigint
  held: Tranche[]
  bond: bigint
  openedAt: number
  acceptedAt: number
  providerSince: number
  settledUntil: number
  lastActivityAt: number
  status: LeaseStatus
  migrationCount: number
  consumerEvidence: Uint8Array
  providerEvidence: Uint8Array
  bump: number
  escrowBump: number
}

// Events: one per instruction, fields as the program emits them.

export interface MarketCreated {
  market: PublicKey
  creator: PublicKey
  mint: PublicKey
  stakeMint: PublicKey
  params: MarketParams
}
export interface FeesWithdrawn {
  market: PublicKey
  vault: PublicKey
  to: PublicKey
  amount: bigint
}
export interface ProviderRegistered {
  market: PublicKey
  provider: PublicKey
  authority: PublicKey
  operator: PublicKey
  index: number
  pricePerSecond: bigint
}
export interface ProviderUpdated {
  provider: PublicKey
  oldPricePerSecond: bigint
  newPricePerSecond: bigint
  oldPayout: PublicKey
  newPayout: PublicKey
}
export interface OperatorRotated {
  provider: PublicKey
  oldOperator: PublicKey
  newOperator: PublicKey
}
export interface MarketUpdateProposed {
  market: PublicKey
  arbiter: PublicKey
  treasury: PublicKey
  authority: PublicKey
  effectiveAt: number
}
export interface MarketUpdateApplied {
  market: PublicKey
  arbiter: PublicKey
  treasury: PublicKey
  authority: PublicKey
}
export interface EarningsClaimed {
  provider: PublicKey
  to: PublicKey
  amount: bigint
  unclaimed: bigint
  held: bigint
}
export interface ProviderPaused {
  provider: PublicKey
  by: PublicKey
}
export interface ProviderResumed {
  provider: PublicKey
  by: PublicKey
}
export interface StakeDeposited {
  provider: PublicKey
  amount: bigint
  staked: bigint
}
export interface ExitBegun {
  provider: PublicKey
  unlockAt: number
}
export interface StakeWithdrawn {
  provider: PublicKey
  amount: bigint
  staked: bigint
}
export interface LeaseOpened {
  lease: PublicKey
  market: PublicKey
  consumer: PublicKey
  provider: PublicKey
  id: bigint
  jobSpecHash: Uint8Array
  pricePerSecond: bigint
  policy: MigrationPolicy
  receiptSigner: PublicKey
  deposit: bigint
}
export interface LeaseAccepted {
  lease: PublicKey
  provider: PublicKey
  acceptedAt: number
}
export interface UsageAttested {
  lease: PublicKey
  provider: PublicKey
  from: number
  until: number
  seconds: bigint
  payout: bigint
  fee: bigint
  /** Backed by the consumer's receipt (final) or held until `vestsAt`. */
  verified: boolean
  vestsAt: number
}
export interface LeaseToppedUp {
  lease: PublicKey
  amount: bigint
  deposited: bigint
}
export interface LeaseMigrated {
  lease: PublicKey
  fromProvider: PublicKey
  toProvider: PublicKey
  handoffAt: number
  seconds: bigint
  payout: bigint
  fee: bigint
  oldPricePerSecond: bigint
  newPricePerSecond: bigint
  migrationCount: number
}
export interface DisputeOpened {
  lease: PublicKey
  provider: PublicKey
  openedAt: number
  endedAt: number | null
  frozen: bigint
  bond: bigint
  evidenceHash: Uint8Array
}
export interface EvidenceAdded {
  lease: PublicKey
  by: PublicKey
  evidenceHash: Uint8Array
}
export interface LeaseEnded {
  lease: PublicKey
  provider: PublicKey
  by: PublicKey
  outcome: LeaseOutcome
  seconds: bigint
  payout: bigint
  fee: bigint
  refund: bigint
  clawedBack: bigint
  slashed: bigint
  slashToConsumer: bigint
  bond: bigint
  at: number
}
export interface LeaseFinalized {
  lease: PublicKey
  provider: PublicKey
  outcome: LeaseOutcome
  refund: bigint
  at: number
}

interface EventTypes {
  MarketCreated: MarketCreated
  FeesWithdrawn: FeesWithdrawn
  ProviderRegistered: ProviderRegistered
  ProviderUpdated: ProviderUpdated
  ProviderPaused: ProviderPaused
  ProviderResumed: ProviderResumed
  StakeDeposited: StakeDeposited
  ExitBegun: ExitBegun
  StakeWithdrawn: StakeWithdrawn
  LeaseOpened: LeaseOpened
  LeaseAccepted: LeaseAccepted
  UsageAttested: UsageAttested
  LeaseToppedUp: LeaseToppedUp
  LeaseMigrated: LeaseMigrated
  DisputeOpened: DisputeOpened
  LeaseEnded: LeaseEnded
  OperatorRotated: OperatorRotated
  MarketUpdateProposed: MarketUpdateProposed
  MarketUpdateApplied: MarketUpdateApplied
  EarningsClaimed: EarningsClaimed
  EvidenceAdded: EvidenceAdded
  LeaseFinalized: LeaseFinalized
}

export type MarketEventName = keyof EventTypes
/** Every event of the program, discriminated by `name` (the Rust struct's name). */
export type MarketEvent = { [N in MarketEventName]: { name: N; data: EventTypes[N] } }[MarketEventName]
export type EventOf<N extends MarketEventName> = Extract<MarketEvent, { name: N }>
