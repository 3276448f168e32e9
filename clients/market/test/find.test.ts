import anchor from '@anchor-lang/core'
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { fieldOffset, matchesProvider, type Provider, providerFilters } from '../src/index.js'
import { NO_TRANCHE, zeroReputation } from './support/parties.js'

function provider(over: Partial<Provider> = {}): Provider {
  const key = Keypair.generate().publicKey
  return {
    address: key,
    market: key,
    authority: key,
    index: 0,
    operator: key,
    payout: key,
    stakeVault: key,
    earningsVault: key,
    capabilities: {
      gpuModel: 'H100',
      gpuCount: 8,
      vramGb: 80,
      cloud: 'aws',
      region: 'eu-central-1',
      zone: 'eu-central-1a',
      spot: true,
    },
    pricePerSecond: 1_000n,
    staked: 1_000_000n,
    status: { kind: 'active' },
    openLeases: 0,
    leaseRecords: 0,
    held: [NO_TRANCHE, NO_TRANCHE],
    unclaimed: 0n,
    exposureEndedAt: 0,
    reputation: zeroReputation(),
    registeredAt: 0,
    bump: 255,
    stakeVaultBump: 255,
    earningsVaultBump: 255,
    ...over,
  }
}

describe('provider search filters', () => {
  it('computes on-chain offsets from the IDL layout: market after the discriminator, capabilities after six keys and the index', () => {
    expect(fieldOffset('provider', 'market')).toBe(8)
    expect(fieldOffset('provider', 'index')).toBe(8 + 2 * 32)
    // market, authority, index (u16), operator, payout, stake vault, earnings vault.
    expect(fieldOffset('provider', 'capabilities')).toBe(8 + 6 * 32 + 2)
    // Fields after a variable-length one have no fixed offset.
    expect(() => fieldOffset('provider', 'pricePerSecond')).toThrow(/variable-size/)
  })

  it('compares the market and the exact GPU model (length-prefixed) with memcmp', () => {
    const market = Keypair.generate().publicKey
    const [disc, byMarket, byModel] = providerFilters({ market, gpuModel: 'H100' })
    expect(disc).toEqual({ memcmp: { offset: 0, bytes: expect.any(String) } })
    expect(byMarket).toEqual({ memcmp: { offset: 8, bytes: market.toBase58() } })
    const bytes = anchor.utils.bytes.bs58.decode((byModel as { memcmp: { bytes: string } }).memcmp.bytes)
    expect([...bytes]).toEqual([4, 0, 0, 0, ...Buffer.from('H100')])
    expect(providerFilters({ market })).toHaveLength(2)
  })

  it('filters region, VRAM, status and price after decoding; active only unless asked', () => {
    const f = { market: Keypair.generate().publicKey }
    expect(matchesProvider(provider(), f)).toBe(true)
    expect(matchesProvider(provider({ status: { kind: 'paused' } }), f)).toBe(false)
    expect(matchesProvider(provider({ status: { kind: 'paused' } }), { ...f, status: 'any' })).toBe(true)
    expect(matchesProvider(provider({ status: { kind: 'exiting', unlockAt: 1 } }), { ...f, status: 'exiting' })).toBe(
      true,
    )
    expect(matchesProvider(provider(), { ...f, region: 'us-east-1' })).toBe(false)
    expect(matchesProvider(provider(), { ...f, minVramGb: 80 })).toBe(true)
    expect(matchesProvider(provider(), { ...f, minVramGb: 81 })).toBe(false)
    expect(matchesProvider(provider(), { ...f, maxPricePerSecond: 999n })).toBe(false)
    expect(matchesProvider(provider(), { ...f, gpuModel: 'H10' })).toBe(false)
  })
})
