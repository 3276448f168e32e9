/** Literal domain values for the pure verdict tests: a market, a provider, a requirement. */
import { Keypair, type PublicKey } from '@solana/web3.js'
import type { Market, Provider, ProviderStatus } from '@synkti/market'
import type { Requirement } from '@synkti/planner'

const key = (): PublicKey => Keypair.generate().publicKey

export function market(minStake = 1_000_000n): Market {
  return {
    address: key(),
    creator: key(),
    mint: key(),
    stakeMint: key(),
    feeVault: key(),
    slashVault: key(),
    authority: key(),
    arbiter: key(),
    treasury: key(),
    pendingUpdate: null,
    minStake,
    feeBps: 250,
    slashMultipleBps: 20_000,
    disputeBond: 100_000n,
    minCompletionPayment: 1n,
    disputeWindowSecs: 3_600,
    maxAttestationGapSecs: 600,
    exitCooldownSecs: 86_400,
    governanceDelaySecs: 3_600,
    providerCount: 1n,
    leaseCount: 0n,
    bump: 255,
    feeVaultBump: 255,
    slashVaultBump: 255,
  }
}

export function provider(m: Market, staked: bigint, status: ProviderStatus = { kind: 'active' }): Provider {
  return {
    address: key(),
    market: m.address,
    authority: key(),
    index: 0,
    operator: key(),
    payout: key(),
    stakeVault: key(),
    earningsVault: key(),
    capabilities: {
      gpuModel: 'H100',
      gpuCount: 1,
      vramGb: 80,
      cloud: 'aws',
      region: 'eu-central-1',
      zone: 'eu-central-1a',
      spot: true,
    },
    pricePerSecond: 1_000n,
    staked,
    status,
    openLeases: 0,
    leaseRecords: 0,
    held: [],
    unclaimed: 0n,
    exposureEndedAt: 0,
    reputation: {
      leasesCompleted: 0n,
      leasesFailed: 0n,
      failoversHandedOff: 0n,
      failoversTaken: 0n,
      disputesLost: 0n,
      disputesWon: 0n,
      secondsVerified: 0n,
      secondsSelfAttested: 0n,
      earned: 0n,
    },
    registeredAt: 1_700_000_000,
    bump: 255,
    stakeVaultBump: 255,
    earningsVaultBump: 255,
  }
}

export function requirement(edit: Partial<Requirement> = {}): Requirement {
  return {
    vramGb: 80,
    gpus: 1,
    spotAllowed: true,
    runtime: 'process',
    model: { name: 'meta-llama/Llama-3.1-8B', sizeGb: 16 },
    ...edit,
  }
}
