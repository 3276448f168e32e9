import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { fromChain, toChain, U64_MAX } from '../src/index.js'
import { defaultParams } from './support/parties.js'

const defined = (name: string) => ({ defined: { name } })

describe('argument validation (what cannot be encoded)', () => {
  it('accepts the whole u64 range and nothing outside it', () => {
    expect(String(toChain('u64', 0n))).toBe('0')
    expect(String(toChain('u64', U64_MAX))).toBe('18446744073709551615')
    for (const bad of [-1n, U64_MAX + 1n]) {
      expect(() => toChain('u64', bad, 'deposit')).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', field: 'deposit' }),
      )
    }
    expect(() => toChain('u64', 5 as unknown as bigint, 'amount')).toThrow(/expected a bigint/)
  })

  it('takes times as whole unix seconds', () => {
    expect(String(toChain('i64', -5))).toBe('-5')
    expect(() => toChain('i64', 1.5, 'until')).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', field: 'until' }),
    )
    expect(() => toChain('i64', 2 ** 60, 'until')).toThrow(/whole number of seconds/)
  })

  it('checks small integers, hashes, keys and enum variants with the field path', () => {
    const caps = { gpuModel: 'H100', gpuCount: 256, vramGb: 80, cloud: 'aws', region: 'eu', zone: 'eu-1a', spot: true }
    expect(() => toChain(defined('capabilities'), caps, 'capabilities')).toThrow(
      expect.objectContaining({ field: 'capabilities.gpuCount' }),
    )
    expect(() => toChain(defined('capabilities'), { ...caps, gpuCount: 1, cloud: 'gcp' }, 'capabilities')).toThrow(
      /one of aws, hetzner, ovh, local, other/,
    )
    expect(() => toChain({ array: ['u8', 32] }, new Uint8Array(31), 'jobSpecHash')).toThrow(/32 bytes/)
    expect(() => toChain('pubkey', 'not a key', 'operator')).toThrow(/PublicKey/)
  })
})

describe('domain ↔ Anchor shapes', () => {
  it('round-trips statuses as discriminated unions and fieldless enums as strings', () => {
    for (const status of [{ kind: 'active' }, { kind: 'paused' }, { kind: 'exiting', unlockAt: 1_700_086_400 }]) {
      const raw = toChain(defined('providerStatus'), status)
      expect(fromChain(defined('providerStatus'), raw)).toEqual(status)
    }
    const statuses = [
      { kind: 'open' },
      { kind: 'disputed', openedAt: 9, endedAt: null },
      { kind: 'disputed', openedAt: 9, endedAt: 5 },
      { kind: 'ended', outcome: 'exhausted', at: 1_700_000_000 },
    ]
    for (const status of statuses) {
      expect(fromChain(defined('leaseStatus'), toChain(defined('leaseStatus'), status))).toEqual(status)
    }
    expect(toChain(defined('leaseStatus'), { kind: 'disputed', openedAt: 9 })).toMatchObject({
      disputed: { endedAt: null },
    })
    expect(fromChain(defined('leaseOutcome'), { refunded: {} })).toBe('refunded')
    expect(toChain(defined('verdict'), 'release')).toEqual({ release: {} })
  })

  it('converts fixed-size arrays of structs element by element (the two held-pay tranches)', () => {
    const type = { array: [defined('tranche'), 2] as [{ defined: { name: string } }, number] }
    const held = [
      { vestsAt: 1_700_007_200, payout: 2n ** 60n, fee: 25n },
      { vestsAt: 0, payout: 0n, fee: 0n },
    ]
    const raw = toChain(type, held, 'held') as { payout: { toString(): string } }[]
    expect(raw.map((t) => t.payout.toString())).toEqual([String(2n ** 60n), '0'])
    expect(fromChain(type, raw, 'held')).toEqual(held)
    expect(() => toChain(type, held.slice(1), 'held')).toThrow(expect.objectContaining({ field: 'held' }))
  })

  it('round-trips market params with u64 as bigint and durations as numbers', () => {
    const params = defaultParams(Keypair.generate().publicKey, Keypair.generate().publicKey)
    expect(fromChain(defined('marketParams'), toChain(defined('marketParams'), params))).toEqual(params)
  })

  it('leaves optional fields out as null (update_provider and update_market keep what is not given)', () => {
    const raw = toChain(defined('updateProviderArgs'), { pricePerSecond: 7n }) as Record<string, unknown>
    expect(raw.capabilities).toBeNull()
    expect(String(raw.pricePerSecond)).toBe('7')
    const arbiter = Keypair.generate().publicKey
    expect(toChain(defined('marketUpdate'), { arbiter })).toEqual({ arbiter, treasury: null, authority: null })
  })

  it('round-trips lease terms: the migration policy, an optional receipt signer, and receipts', () => {
    const policy = { maxPricePerSecond: 1_500n, maxMigrations: 3, providersMayMigrate: false }
    const terms = { jobSpecHash: new Uint8Array(32).fill(1), deposit: 600_000n, policy, receiptSigner: null }
    expect(fromChain(defined('openLeaseArgs'), toChain(defined('openLeaseArgs'), terms))).toEqual(terms)
    const receipt = { from: 10, until: 70, requests: 2n ** 63n, digest: new Uint8Array(32).fill(9) }
    const args = { until: 70, receipt }
    expect(fromChain(defined('attestUsageArgs'), toChain(defined('attestUsageArgs'), args))).toEqual(args)
    expect(() => toChain(defined('migrationPolicy'), { ...policy, maxMigrations: 65_536 }, 'policy')).toThrow(
      expect.objectContaining({ field: 'policy.maxMigrations' }),
    )
  })
})
