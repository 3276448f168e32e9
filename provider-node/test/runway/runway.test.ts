import { Keypair, type PublicKey } from '@solana/web3.js'
import type { Lease } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import { assessLease, runwayLevel, runwayOf } from '../../src/runway/index.js'
import { leaseFixture } from '../support/lease.js'

const key = () => Keypair.generate().publicKey
const us = key()

/** 1_000/s, 1_000_000 deposited, settled up to 1_000: the escrow pays up to 2_000. */
function lease(edit: Partial<Lease> = {}, provider: PublicKey = us): Lease {
  return leaseFixture({ provider, ...edit })
}

describe('runwayOf', () => {
  it('pays from the last settlement: settledUntil + ⌊available ÷ price⌋, less now', () => {
    expect(runwayOf(lease(), 1_400)).toEqual({ available: 1_000_000n, paidThrough: 2_000, secondsLeft: 600 })
    // service since the last settlement is already owed: a later now leaves less, whatever was attested
    expect(runwayOf(lease(), 1_900).secondsLeft).toBe(100)
  })

  it('counts what was paid and the fees out of the deposit, and whole seconds only', () => {
    // 975_000 paid + 25_000 fees of a 1_000_500 deposit: 500 left, not a whole second
    const l = lease({ deposited: 1_000_500n, paidToProviders: 975_000n, feesPaid: 25_000n, settledUntil: 2_000 })
    expect(runwayOf(l, 2_000)).toEqual({ available: 500n, paidThrough: 2_000, secondsLeft: 0 })
    const topped = lease({ deposited: 1_600_500n, paidToProviders: 975_000n, feesPaid: 25_000n, settledUntil: 2_000 })
    expect(runwayOf(topped, 2_100)).toEqual({ available: 600_500n, paidThrough: 2_600, secondsLeft: 500 })
  })

  it('an overdrawn escrow (available ≤ 0) pays nothing more; a zero price never runs out', () => {
    expect(runwayOf(lease({ paidToProviders: 1_000_001n }), 1_000)).toMatchObject({ paidThrough: 1_000 })
    expect(runwayOf(lease({ pricePerSecond: 0n }), 1_000).secondsLeft).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('runwayLevel', () => {
  it.each([
    [601, 'ok'],
    [600, 'ok'],
    [599, 'low'],
    [1, 'low'],
    [0, 'exhausted'],
    [-5, 'exhausted'],
    [Number.POSITIVE_INFINITY, 'ok'],
  ] as const)('%s s left with a 600 s threshold → %s', (secondsLeft, level) => {
    expect(runwayLevel({ secondsLeft }, 600)).toBe(level)
  })
})

describe('assessLease', () => {
  it('an active lease of ours is a runway question', () => {
    expect(assessLease(lease(), us.toBase58(), 1_300, 600)).toEqual({
      kind: 'serving',
      level: 'ok',
      runway: { available: 1_000_000n, paidThrough: 2_000, secondsLeft: 700 },
    })
    expect(assessLease(lease(), us.toBase58(), 1_500, 600)).toMatchObject({ kind: 'serving', level: 'low' })
    expect(assessLease(lease(), us.toBase58(), 2_000, 600)).toMatchObject({ kind: 'serving', level: 'exhausted' })
  })

  it('a disputed, ended, migrated or unaccepted lease is not served, whatever its escrow', () => {
    const me = us.toBase58()
    const disputed = lease({ status: { kind: 'disputed', openedAt: 1_200, endedAt: null } })
    expect(assessLease(disputed, me, 1_300, 600)).toEqual({ kind: 'not-serving', reason: 'disputed' })
    const ended = lease({ status: { kind: 'ended', outcome: 'completed', at: 1_200 } })
    expect(assessLease(ended, me, 1_300, 600)).toEqual({ kind: 'not-serving', reason: 'ended' })
    expect(assessLease(lease({}, key()), me, 1_300, 600)).toEqual({ kind: 'not-serving', reason: 'migrated-away' })
    expect(assessLease(lease({ status: { kind: 'open' } }), me, 1_300, 600)).toEqual({
      kind: 'not-serving',
      reason: 'not-active',
    })
  })
})
