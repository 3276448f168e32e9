/** Domain values for pure tests: chain providers, verified records, offers, node job views. */
import { Keypair, type PublicKey } from '@solana/web3.js'
import type { JobSpec, JobView } from '@synkti/jobs'
import type { Lease, Provider, Reputation } from '@synkti/market'
import type { VerifiedProviderRecord } from '@synkti/p2p'
import type { Capability } from '@synkti/planner'
import type { Offer } from '../../src/offers.js'

export const address = (): string => Keypair.generate().publicKey.toBase58()
const key = (): PublicKey => Keypair.generate().publicKey

export function capability(overrides: Partial<Capability> = {}): Capability {
  return {
    gpu: { model: 'L4', count: 1, vramGb: 24 },
    cloud: 'aws',
    region: 'eu-central',
    zone: 'eu-central-1a',
    spot: true,
    runtimes: ['process'],
    cachedModels: [],
    diskGb: 100,
    ...overrides,
  }
}

export function reputation(overrides: Partial<Reputation> = {}): Reputation {
  return {
    leasesCompleted: 0n,
    leasesFailed: 0n,
    failoversHandedOff: 0n,
    failoversTaken: 0n,
    disputesLost: 0n,
    disputesWon: 0n,
    secondsVerified: 0n,
    secondsSelfAttested: 0n,
    earned: 0n,
    ...overrides,
  }
}

export function chainProvider(overrides: Partial<Provider> = {}): Provider {
  return {
    address: key(),
    market: key(),
    authority: key(),
    index: 0,
    operator: key(),
    payout: key(),
    stakeVault: key(),
    earningsVault: key(),
    capabilities: {
      gpuModel: 'L4',
      gpuCount: 1,
      vramGb: 24,
      cloud: 'aws',
      region: 'eu-central',
      zone: 'a',
      spot: true,
    },
    pricePerSecond: 1_000n,
    staked: 1_000_000n,
    status: { kind: 'active' },
    openLeases: 0,
    leaseRecords: 0,
    held: [],
    unclaimed: 0n,
    exposureEndedAt: 0,
    reputation: reputation(),
    registeredAt: 1,
    bump: 255,
    stakeVaultBump: 255,
    earningsVaultBump: 255,
    ...overrides,
  }
}

/** A lease account as the market client decodes it: active, 1_000_000 deposited at 1_000/s, nothing paid. */
export function chainLease(overrides: Partial<Lease> = {}): Lease {
  return {
    address: key(),
    market: key(),
    id: 7n,
    consumer: key(),
    receiptSigner: key(),
    provider: key(),
    arbiter: key(),
    jobSpecHash: new Uint8Array(32),
    pricePerSecond: 1_000n,
    policy: { maxPricePerSecond: 2_000n, maxMigrations: 3, providersMayMigrate: true },
    escrow: key(),
    deposited: 1_000_000n,
    paidToProviders: 0n,
    feesPaid: 0n,
    paidToCurrent: 0n,
    held: [
      { vestsAt: 0, payout: 0n, fee: 0n },
      { vestsAt: 0, payout: 0n, fee: 0n },
    ],
    bond: 0n,
    openedAt: 1_790_000_000,
    acceptedAt: 1_790_000_001,
    providerSince: 1_790_000_001,
    settledUntil: 1_790_000_001,
    lastActivityAt: 1_790_000_001,
    status: { kind: 'active' },
    migrationCount: 0,
    consumerEvidence: new Uint8Array(32),
    providerEvidence: new Uint8Array(32),
    bump: 255,
    escrowBump: 255,
    ...overrides,
  }
}

/** A record as @synkti/p2p hands it over after verification (signature not re-checked here). */
export function record(operator: string, market: string, overrides: { capability?: Capability; price?: bigint } = {}) {
  return {
    record: {
      v: 1,
      market,
      operator,
      seq: 1,
      expiresAt: 2_000_000_000,
      capability: overrides.capability ?? capability(),
      pricePerSecond: String(overrides.price ?? 1_000n),
      addresses: ['/ip4/127.0.0.1/tcp/7100'],
      load: { jobs: 0, gpuUtilization: 0 },
    },
    signature: 'c2ln',
    bytes: new Uint8Array(),
  } satisfies VerifiedProviderRecord
}

export function offer(overrides: Partial<Offer> = {}): Offer {
  return {
    operator: address(),
    provider: address(),
    authority: address(),
    capability: capability(),
    pricePerSecond: 1_000n,
    advertisedPricePerSecond: 1_000n,
    staked: 1_000_000n,
    reputation: reputation(),
    load: { jobs: 0, gpuUtilization: 0 },
    addresses: [],
    recordExpiresAt: 2_000_000_000,
    ...overrides,
  }
}

export function jobView(lease: string, overrides: Partial<JobView> = {}): JobView {
  return {
    jobId: lease,
    lease,
    consumer: address(),
    model: 'synkti/standin-1',
    state: 'starting',
    endpoint: null,
    startedAt: 1_700_000_000,
    healthyAt: null,
    handedOffTo: null,
    reason: null,
    ...overrides,
  }
}

export type { JobSpec }
