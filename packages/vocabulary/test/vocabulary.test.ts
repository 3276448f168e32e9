import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  canonicalBytes,
  capabilitySchema,
  clusterMoniker,
  DEFAULT_RPC_URL,
  isSolanaAddress,
  parseU64,
  rpcUrlOf,
  solanaAddressSchema,
  U64_MAX,
  u64StringSchema,
} from '../src/index.js'

describe('canonicalBytes', () => {
  it('is the domain, a newline and RFC 8785 JSON: key order and number form do not matter', () => {
    const a = canonicalBytes('synkti/test', { b: 1.0, a: [true, 'x'] })
    const b = canonicalBytes('synkti/test', { a: [true, 'x'], b: 1 })
    expect(new TextDecoder().decode(a)).toBe('synkti/test\n{"a":[true,"x"],"b":1}')
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
  })

  it('keeps one domain from verifying as another, and refuses a payload with no JSON form', () => {
    const hash = (d: string) =>
      createHash('sha256')
        .update(canonicalBytes(d, { x: 1 }))
        .digest('hex')
    expect(hash('synkti/a')).not.toBe(hash('synkti/b'))
    expect(() => canonicalBytes('synkti/a', undefined)).toThrow(TypeError)
  })
})

describe('u64 amounts', () => {
  it('takes decimal u64s and nothing else', () => {
    expect(parseU64('0')).toBe(0n)
    expect(parseU64(U64_MAX.toString())).toBe(U64_MAX)
    for (const bad of ['', '-1', '01', '1e3', '1.5', ' 1', (U64_MAX + 1n).toString(), '0x10']) {
      expect(parseU64(bad), bad).toBeUndefined()
      expect(u64StringSchema.safeParse(bad).success, bad).toBe(false)
    }
  })
})

describe('Solana addresses', () => {
  it('is a base58 string of 32 bytes', () => {
    expect(isSolanaAddress('11111111111111111111111111111111')).toBe(true)
    expect(isSolanaAddress('So11111111111111111111111111111111111111112')).toBe(true)
    // base58 of fewer than 32 bytes: web3.js would pad it into a key, this refuses it
    expect(isSolanaAddress('1111')).toBe(false)
    expect(isSolanaAddress('0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl')).toBe(false)
    expect(solanaAddressSchema.safeParse('not an address').success).toBe(false)
  })
})

describe('cluster monikers', () => {
  it('maps the Solana CLI monikers and their one-letter forms, and passes http(s) URLs through', () => {
    expect(rpcUrlOf('localnet')).toBe(DEFAULT_RPC_URL)
    expect(rpcUrlOf('l')).toBe(DEFAULT_RPC_URL)
    expect(rpcUrlOf('m')).toBe('https://api.mainnet-beta.solana.com')
    expect(clusterMoniker('d')).toBe('devnet')
    expect(rpcUrlOf('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000')
    for (const bad of ['localhost', 'ftp://x', 'toString', '__proto__', '']) expect(rpcUrlOf(bad), bad).toBeUndefined()
  })
})

describe('capabilitySchema', () => {
  it('is strict: an unknown field is malformed', () => {
    const capability = {
      gpu: { model: 'L4', count: 1, vramGb: 24 },
      cloud: 'local',
      region: 'eu-central',
      zone: 'eu-central',
      spot: false,
      runtimes: ['process'],
      cachedModels: [],
      diskGb: 100,
    }
    expect(capabilitySchema.parse(capability)).toEqual(capability)
    expect(capabilitySchema.safeParse({ ...capability, extra: 1 }).success).toBe(false)
  })
})
