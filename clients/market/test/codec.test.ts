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
    expect(toChain(defined('leaseStatus'), { kind: 'disputed', openedAt: 9 })).toMatchObject({ disputed: {} })
    expect(fromChain(defined('leaseOutcome'), { refunded: {} })).toBe('refunded')
    expect(toChain(defined('verdict'), 'release')).toEqual({ release: {} })
  })

  it('round-trips market params with u64 as bigint and durations as numbers', () => {
    const params = defaultParams(Keypair.generate().publicKey, Keypair.generate().publicKey)
    expect(fromChain(defined('marketParams'), toChain(defined('marketParams'), params))).toEqual(params)
  })

  it('leaves optional fields out as null (update_provider keeps what is not given)', () => {
    const raw = toChain(defined('updateProviderArgs'), { pricePerSecond: 7n }) as Record<string, unknown>
    expect(raw.operator).toBeNull()
    expect(raw.capabilities).toBeNull()
    expect(String(raw.pricePerSecond)).toBe('7')
  })
})
