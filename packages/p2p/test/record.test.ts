import type { Ed25519PrivateKey } from '@libp2p/interface'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  canonicalBytes,
  createRecordChecker,
  decodeSignedProviderRecord,
  encodeSignedProviderRecord,
  MAX_PROVIDER_RECORD_BYTES,
  type ProviderRecord,
  providerRecordKey,
  providerRecordSchema,
  selectProviderRecord,
  signProviderRecord,
  solanaAddressOf,
  verifyProviderRecord,
} from '../src/index.js'
import { capability, newAddress, newKey } from './helpers.js'

const NOW = 1_900_000_000

describe('provider record: schema, signature, validation', () => {
  let key: Ed25519PrivateKey
  let other: Ed25519PrivateKey
  let market: string
  let record: ProviderRecord
  let dhtKey: Uint8Array

  beforeAll(async () => {
    key = await newKey()
    other = await newKey()
    market = await newAddress()
    record = {
      v: 1,
      market,
      operator: solanaAddressOf(key.publicKey),
      provider: await newAddress(),
      seq: 7,
      expiresAt: NOW + 600,
      capability: capability(),
      pricePerSecond: '18446744073709551615',
      addresses: ['/ip4/127.0.0.1/tcp/4001'],
      load: { jobs: 1, gpuUtilization: 0.5 },
    }
    dhtKey = providerRecordKey({ market, operator: record.operator })
  })

  const expectRejected = async (value: Uint8Array, name: string, at = NOW, k = dhtKey) => {
    await expect(verifyProviderRecord(k, value, at)).rejects.toMatchObject({ name })
  }

  it('signs and verifies; canonical bytes do not depend on key order', async () => {
    const bytes = await signProviderRecord(key, record)
    const verified = await verifyProviderRecord(dhtKey, bytes, NOW)
    expect(verified.record).toEqual(record)
    const shuffled = Object.fromEntries(Object.entries(record).reverse())
    expect(canonicalBytes('d', shuffled)).toEqual(canonicalBytes('d', record))
    expect(encodeSignedProviderRecord(decodeSignedProviderRecord(bytes))).toEqual(bytes)
  })

  it('forged: any change to the signed body → ForgedRecordError', async () => {
    const signed = decodeSignedProviderRecord(await signProviderRecord(key, record))
    const tampered = { ...signed, record: { ...signed.record, pricePerSecond: '1' } }
    await expectRejected(encodeSignedProviderRecord(tampered), 'ForgedRecordError')
  })

  it('provider: the account a record speaks for is signed; altering, adding or dropping it → ForgedRecordError', async () => {
    const signed = decodeSignedProviderRecord(await signProviderRecord(key, record))
    expect(signed.record.provider).toBe(record.provider)
    const altered = { ...signed, record: { ...signed.record, provider: await newAddress() } }
    await expectRejected(encodeSignedProviderRecord(altered), 'ForgedRecordError')
    const { provider: _, ...withoutProvider } = signed.record
    await expectRejected(encodeSignedProviderRecord({ ...signed, record: withoutProvider }), 'ForgedRecordError')
    // nor can a provider be grafted onto a legacy record (one signed without it)
    const legacy = decodeSignedProviderRecord(await signProviderRecord(key, withoutProvider))
    const grafted = { ...legacy, record: { ...legacy.record, provider: record.provider } }
    await expectRejected(encodeSignedProviderRecord(grafted), 'ForgedRecordError')
  })

  it('legacy: a record without a provider verifies and names none (the joiner looks its operator up)', async () => {
    const { provider: _, ...legacy } = record
    const verified = await verifyProviderRecord(dhtKey, await signProviderRecord(key, legacy), NOW)
    expect(verified.record).toEqual(legacy)
    expect('provider' in verified.record).toBe(false)
  })

  it('wrong key: valid record of another operator under this key → WrongKeyError', async () => {
    const foreign = await signProviderRecord(other, { ...record, operator: solanaAddressOf(other.publicKey) })
    await expectRejected(foreign, 'WrongKeyError')
    // and a record for another market under this market's key
    const otherMarket = await signProviderRecord(key, { ...record, market: await newAddress() })
    await expectRejected(otherMarket, 'WrongKeyError')
  })

  it('refuses to sign a record for an operator that is not the signing key, or an invalid one', async () => {
    await expect(signProviderRecord(other, record)).rejects.toMatchObject({ name: 'WrongKeyError' })
    await expect(signProviderRecord(key, { ...record, seq: -1 })).rejects.toMatchObject({
      name: 'MalformedRecordError',
    })
  })

  it('oversized: more than 4 KiB → OversizedRecordError, before parsing', async () => {
    const big = { ...record, addresses: Array.from({ length: 16 }, (_, i) => `/dns4/${'a'.repeat(240)}${i}`) }
    const bytes = await signProviderRecord(key, big)
    expect(bytes.byteLength).toBeGreaterThan(MAX_PROVIDER_RECORD_BYTES)
    await expectRejected(bytes, 'OversizedRecordError')
  })

  it('expired: at or after expiresAt → ExpiredRecordError', async () => {
    const bytes = await signProviderRecord(key, record)
    await expectRejected(bytes, 'ExpiredRecordError', record.expiresAt)
    await expect(verifyProviderRecord(dhtKey, bytes, record.expiresAt - 1)).resolves.toBeDefined()
  })

  it.each([
    ['not JSON', () => new TextEncoder().encode('{')],
    ['invalid UTF-8', () => Uint8Array.from([0xff, 0xfe])],
    ['unknown version', () => new TextEncoder().encode(JSON.stringify({ record: { v: 2 }, signature: 'AA==' }))],
  ])('malformed: %s → MalformedRecordError', async (_what, bytes) => {
    await expectRejected(bytes(), 'MalformedRecordError')
  })

  it.each([
    [
      'zero GPUs',
      (r: ProviderRecord) => ({ ...r, capability: { ...r.capability, gpu: { ...r.capability.gpu, count: 0 } } }),
    ],
    ['an unknown cloud', (r: ProviderRecord) => ({ ...r, capability: { ...r.capability, cloud: 'gcp' } })],
    ['a price above u64', (r: ProviderRecord) => ({ ...r, pricePerSecond: '18446744073709551616' })],
    ['a price as a number', (r: ProviderRecord) => ({ ...r, pricePerSecond: 5 })],
    ['an extra field', (r: ProviderRecord) => ({ ...r, admin: true })],
    ['a missing load', ({ load: _, ...r }: ProviderRecord) => r],
    ['a non-base58 operator', (r: ProviderRecord) => ({ ...r, operator: 'O0Il' })],
    ['a non-base58 provider', (r: ProviderRecord) => ({ ...r, provider: 'O0Il' })],
    ['a provider of 31 bytes', (r: ProviderRecord) => ({ ...r, provider: '1111111111111111111111111111111' })],
    ['a provider that is not a string', (r: ProviderRecord) => ({ ...r, provider: 42 })],
    ['a null provider', (r: ProviderRecord) => ({ ...r, provider: null })],
  ])('schema rejects %s', (_what, mutate) => {
    expect(providerRecordSchema.safeParse(mutate(record)).success).toBe(false)
  })

  it('a malformed key → MalformedRecordError', async () => {
    const bytes = await signProviderRecord(key, record)
    await expectRejected(bytes, 'MalformedRecordError', NOW, new TextEncoder().encode(`/synkti/provider/${market}`))
    await expectRejected(
      bytes,
      'MalformedRecordError',
      NOW,
      new TextEncoder().encode(`/synkti/other/${market}/${record.operator}`),
    )
  })

  it('replayed: a lower sequence than one already seen → StaleRecordError; equal or higher passes', async () => {
    const check = createRecordChecker({ clock: () => NOW })
    await check(dhtKey, await signProviderRecord(key, { ...record, seq: 10 }))
    await expect(check(dhtKey, await signProviderRecord(key, { ...record, seq: 9 }))).rejects.toMatchObject({
      name: 'StaleRecordError',
    })
    await expect(check(dhtKey, await signProviderRecord(key, { ...record, seq: 10 }))).resolves.toBeDefined()
    await expect(check(dhtKey, await signProviderRecord(key, { ...record, seq: 11 }))).resolves.toBeDefined()
  })

  it('a stale-check memory ends when the newest record expires', async () => {
    let now = NOW
    const check = createRecordChecker({ clock: () => now })
    await check(dhtKey, await signProviderRecord(key, { ...record, seq: 10, expiresAt: NOW + 10 }))
    now = NOW + 11
    await expect(
      check(dhtKey, await signProviderRecord(key, { ...record, seq: 3, expiresAt: NOW + 100 })),
    ).resolves.toBeDefined()
  })

  describe('selector', () => {
    it('picks the highest sequence, whatever the order', async () => {
      const values = await Promise.all([5, 9, 7].map((seq) => signProviderRecord(key, { ...record, seq })))
      expect(selectProviderRecord(values)).toBe(1)
      expect(selectProviderRecord([...values].reverse())).toBe(1)
    })

    it('breaks ties by expiry, then by bytes, identically in any order', async () => {
      const a = await signProviderRecord(key, { ...record, seq: 5, expiresAt: NOW + 10 })
      const b = await signProviderRecord(key, { ...record, seq: 5, expiresAt: NOW + 20 })
      expect(selectProviderRecord([a, b])).toBe(1)
      expect(selectProviderRecord([b, a])).toBe(0)
      const c = await signProviderRecord(key, {
        ...record,
        seq: 5,
        expiresAt: NOW + 20,
        load: { jobs: 9, gpuUtilization: 1 },
      })
      const winner = [b, c][selectProviderRecord([b, c])]
      expect([c, b][selectProviderRecord([c, b])]).toEqual(winner)
    })

    it('prefers any decodable record over garbage', async () => {
      const good = await signProviderRecord(key, record)
      expect(selectProviderRecord([new Uint8Array([1, 2]), good])).toBe(1)
    })
  })
})
