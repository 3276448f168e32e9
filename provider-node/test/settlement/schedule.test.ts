import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { attestationInterval, due, type KeyedLease, leaseKey } from '../../src/settlement/index.js'

const ref = (since: number): KeyedLease => ({
  key: leaseKey({ lease: Keypair.generate().publicKey.toBase58(), openedAt: 900 }),
  since,
})

describe('attestationInterval', () => {
  it('defaults to half the gap, rounded down to whole seconds', () => {
    expect(attestationInterval(600)).toBe(300)
    expect(attestationInterval(601)).toBe(300)
    expect(attestationInterval(600, { fraction: 0.25 })).toBe(150)
    expect(attestationInterval(1, { fraction: 0.5 })).toBe(1)
  })

  it('accepts an explicit interval up to the gap', () => {
    expect(attestationInterval(600, { intervalSec: 600 })).toBe(600)
    expect(attestationInterval(600, { intervalSec: 45 })).toBe(45)
  })

  it('error: an interval above the gap is InvalidAttestationIntervalError', () => {
    expect(() => attestationInterval(600, { intervalSec: 601 })).toThrow(
      expect.objectContaining({ name: 'InvalidAttestationIntervalError', intervalSec: 601, maxGapSecs: 600 }),
    )
  })

  it('error: non-positive intervals, gaps and fractions are named', () => {
    expect(() => attestationInterval(600, { intervalSec: 0 })).toThrow(
      expect.objectContaining({ name: 'InvalidAttestationIntervalError' }),
    )
    expect(() => attestationInterval(0)).toThrow(expect.objectContaining({ name: 'InvalidAttestationIntervalError' }))
    expect(() => attestationInterval(600, { fraction: 1.5 })).toThrow(
      expect.objectContaining({ name: 'InvalidIntervalFractionError', fraction: 1.5 }),
    )
    expect(() => attestationInterval(600, { fraction: 0 })).toThrow(
      expect.objectContaining({ name: 'InvalidIntervalFractionError' }),
    )
  })
})

describe('due', () => {
  it('is due once the interval has passed since service began, up to now', () => {
    const a = ref(1_000)
    expect(due([a], new Map(), 1_299, 300)).toEqual([])
    expect(due([a], new Map(), 1_300, 300)).toEqual([{ key: a.key, until: 1_300 }])
  })

  it('counts from the last covered time (settled or queued), not from the start', () => {
    const a = ref(1_000)
    const covered = new Map([[a.key, 1_300]])
    expect(due([a], covered, 1_599, 300)).toEqual([])
    expect(due([a], covered, 1_650, 300)).toEqual([{ key: a.key, until: 1_650 }])
  })

  it('a lease taken over later than its last settlement is billed from the take-over', () => {
    const a = ref(2_000)
    // settledUntil of the previous provider is older than our start: we bill from our start.
    expect(due([a], new Map([[a.key, 1_500]]), 2_100, 300)).toEqual([])
  })

  it('selects only the leases that are due, each up to now', () => {
    const [a, b, c] = [ref(1_000), ref(1_200), ref(900)]
    const covered = new Map([[c.key, 1_250]])
    const out = due([a, b, c], covered, 1_320, 300)
    expect(out).toEqual([{ key: a.key, until: 1_320 }])
  })

  it('never produces an attestation that is not after the last one', () => {
    const a = ref(1_000)
    expect(due([a], new Map(), 1_000, 1)).toEqual([])
    expect(due([a], new Map([[a.key, 1_500]]), 1_400, 1)).toEqual([])
  })
})
