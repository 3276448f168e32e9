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
  slashBps: number
  disputeWindowSecs: number
  maxAttestationGapSecs: number
  exitCooldownSecs: number
  arbiter: PublicKey
  treasury: PublicKey
}

export interface Market {
  address: PublicKey
  creator: PublicKey
  mint: PublicKey
  stakeMint: PublicKey
  feeVault: PublicKey
  arbiter: PublicKey
  treasury: PublicKey
  minStake: bigint
  feeBps: number
  slashBps: number
  disputeWindowSecs: number
  maxAttestationGapSecs: number
  exitCooldownSecs: number
  providerCount: bigint
  leaseCount: bigint
  bump: number
  feeVaultBump: number
}

export type ProviderStatus = { kind: 'active' } | { kind: 'paused' } | { kind: 'exiting'; unlockAt: number }

export interface Reputation {
  leasesCompleted: bigint
  leasesFailed: bigint
  failoversHandedOff: bigint
  failoversTaken: bigint
  disputesLost: bigint
  disputesWon: bigint
  secondsServed: bigint
  /** Payouts received, net of fees, in payment-mint base units. */
  earned: bigint
}

export interface Provider {
  address: PublicKey
  market: PublicKey
  /** Cold wallet: owns the stake, changes settings. */
  authority: PublicKey
  /** Hot node key; also the node's libp2p identity. */
  operator: PublicKey
  payout: PublicKey
  stakeVault: PublicKey
  capabilities: Capabilities
  pricePerSecond: bigint
  staked: bigint
  status: ProviderStatus
  openLeases: number
  reputation: Reputation
  registeredAt: number
  bump: number
  stakeVaultBump: number
}

export type LeaseStatus = { kind: 'open' } | { kind: 'active' } | { kind: 'disputed'; openedAt: number }

export type LeaseOutcome = 'cancelled' | 'completed' | 'reclaimed' | 'refunded' | 'released'

export type Verdict = 'refund' | 'release'

export interface Lease {
  address: PublicKey
  market: PublicKey
  consumer: PublicKey
  provider: PublicKey
  nonce: bigint
  jobSpecHash: Uint8Array
  pricePerSecond: bigint
  maxPricePerSecond: bigint
  escrow: PublicKey
  deposited: bigint
  paidToProviders: bigint
  feesPaid: bigint
  openedAt: number
  acceptedAt: number
  settledUntil: number
  lastActivityAt: number
  status: LeaseStatus
  migrationCount: number
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
  to: PublicKey
  amount: bigint
}
export interface ProviderRegistered {
  market: PublicKey
  provider: PublicKey
  authority: PublicKey
  operator: PublicKey
  pricePerSecond: bigint
}
export interface ProviderUpdated {
  provider: PublicKey
  oldOperator: PublicKey
  newOperator: PublicKey
  oldPricePerSecond: bigint
  newPricePerSecond: bigint
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
  nonce: bigint
  jobSpecHash: Uint8Array
  pricePerSecond: bigint
  maxPricePerSecond: bigint
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
  frozen: bigint
  reasonHash: Uint8Array
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
  slashed: bigint
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
}

export type MarketEventName = keyof EventTypes
/** Every event of the program, discriminated by `name` (the Rust struct's name). */
export type MarketEvent = { [N in MarketEventName]: { name: N; data: EventTypes[N] } }[MarketEventName]
export type EventOf<N extends MarketEventName> = Extract<MarketEvent, { name: N }>
