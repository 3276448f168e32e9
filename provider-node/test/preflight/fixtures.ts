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
    arbiter: key(),
    treasury: key(),
    minStake,
    feeBps: 250,
    slashBps: 5_000,
    disputeWindowSecs: 3_600,
    maxAttestationGapSecs: 600,
    exitCooldownSecs: 86_400,
    providerCount: 1n,
    leaseCount: 0n,
    bump: 255,
    feeVaultBump: 255,
  }
}

export function provider(m: Market, staked: bigint, status: ProviderStatus = { kind: 'active' }): Provider {
  return {
    address: key(),
    market: m.address,
    authority: key(),
    operator: key(),
    payout: key(),
    stakeVault: key(),
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
    reputation: {
      leasesCompleted: 0n,
      leasesFailed: 0n,
      failoversHandedOff: 0n,
      failoversTaken: 0n,
      disputesLost: 0n,
      disputesWon: 0n,
      secondsServed: 0n,
      earned: 0n,
    },
    registeredAt: 1_700_000_000,
    bump: 255,
    stakeVaultBump: 255,
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
