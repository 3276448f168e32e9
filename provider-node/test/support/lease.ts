/**
 * A v2 lease as `MarketClient.fetchLease` returns it, for tests that judge a lease without a
 * chain: 1_000/s, 1_000_000 deposited, opened at 900, accepted and settled up to 1_000, active,
 * so the escrow pays up to 2_000. Every key is a fresh one unless `edit` names it.
 */
import { Keypair } from '@solana/web3.js'
import type { Lease } from '@synkti/market'

const key = () => Keypair.generate().publicKey

export function leaseFixture(edit: Partial<Lease> = {}): Lease {
  return {
    address: key(),
    market: key(),
    id: 1n,
    consumer: key(),
    receiptSigner: key(),
    provider: key(),
    arbiter: key(),
    jobSpecHash: new Uint8Array(32),
    pricePerSecond: 1_000n,
    policy: { maxPricePerSecond: 2_000n, maxMigrations: 8, providersMayMigrate: true },
    escrow: key(),
    deposited: 1_000_000n,
    paidToProviders: 0n,
    feesPaid: 0n,
    paidToCurrent: 0n,
    held: [],
    bond: 0n,
    openedAt: 900,
    acceptedAt: 1_000,
    providerSince: 1_000,
    settledUntil: 1_000,
    lastActivityAt: 1_000,
    status: { kind: 'active' },
    migrationCount: 0,
    consumerEvidence: new Uint8Array(32),
    providerEvidence: new Uint8Array(32),
    bump: 255,
    escrowBump: 255,
    ...edit,
  }
}
