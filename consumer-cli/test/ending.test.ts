import type { Lease, LeaseOutcome } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import { leaseView } from '../src/chain.js'
import {
  disputeSentence,
  endingSentence,
  handoffSentence,
  isoSeconds,
  leaseDispute,
  leaseEnding,
  leaseHandoffs,
} from '../src/ending.js'
import { chainLease } from './support/fixtures.js'

const AT = 1_790_000_100 // 2026-09-21T14:15:00Z
const ended = (outcome: LeaseOutcome, fields: Partial<Lease> = {}) =>
  chainLease({ status: { kind: 'ended', outcome, at: AT }, ...fields })
const endingOf = (lease: Lease) => {
  const e = leaseEnding(lease)
  if (e === null) throw new Error('expected an ending')
  return e
}

describe('why a lease ended, from its account', () => {
  it('an open or active lease has not ended', () => {
    expect(leaseEnding(chainLease())).toBeNull()
    expect(leaseEnding(chainLease({ status: { kind: 'open' } }))).toBeNull()
  })

  it('completed: paid gross with its fee, the rest refunded, self-attested pay held to its vesting time', () => {
    const lease = ended('completed', {
      paidToProviders: 119_925n,
      feesPaid: 3_075n,
      paidToCurrent: 123_000n,
      held: [
        { vestsAt: 1_790_003_600, payout: 19_500n, fee: 500n },
        { vestsAt: 1_790_007_200, payout: 100_425n, fee: 2_575n },
      ],
    })
    const e = endingOf(lease)
    expect(e).toEqual({
      outcome: 'completed',
      at: AT,
      reason: 'completed (closed after service)',
      paid: 123_000n,
      fee: 3_075n,
      refunded: 877_000n,
      held: { amount: 123_000n, vestsAt: 1_790_007_200 },
      unrecorded: [],
    })
    expect(endingSentence(e)).toBe(
      'ended 2026-09-21T14:15:00Z: completed (closed after service); paid 123000 (fee 3075), refunded 877000; 123000 of the pay vests at 2026-09-21T16:13:20Z',
    )
    // once ended, nothing is left in escrow for service
    expect(leaseView(lease)).toMatchObject({ status: 'ended', outcome: 'completed', endedAt: AT, remaining: 0n })
  })

  it('cancelled before acceptance: the whole deposit came back', () => {
    const e = endingOf(ended('cancelled'))
    expect(e).toMatchObject({ reason: 'cancelled before the provider accepted', paid: 0n, refunded: 1_000_000n })
    expect(e.held).toBeNull()
  })

  it.each([
    ['reclaimed', 'reclaimed by the consumer: the provider stopped attesting (stalled)', []],
    ['exhausted', 'exhausted: the escrow ran out of funds', []],
    ['refunded', 'refunded: the arbiter found for the consumer', ['clawedBack', 'slashed', 'bondReturned']],
    ['released', "released: the arbiter, or the dispute window's expiry, found for the provider", ['bondForfeited']],
  ] as const)('%s: says why, and names what the account does not record', (outcome, reason, unrecorded) => {
    const e = endingOf(ended(outcome, { paidToProviders: 97_500n, feesPaid: 2_500n }))
    expect(e).toMatchObject({ outcome, reason, paid: 100_000n, refunded: 900_000n, unrecorded })
    const sentence = endingSentence(e)
    expect(sentence).toContain(`: ${reason}; paid 100000 (fee 2500), refunded 900000`)
    if (unrecorded.length > 0) expect(sentence).toMatch(/; not on the lease account: .+ \(see its LeaseEnded event\)$/)
    else expect(sentence).not.toContain('not on the lease account')
  })

  it('a refund verdict: the claw-back, slash and returned bond are named, not invented', () => {
    const e = endingOf(ended('refunded'))
    expect(endingSentence(e)).toBe(
      'ended 2026-09-21T14:15:00Z: refunded: the arbiter found for the consumer; paid 0 (fee 0), refunded 1000000; not on the lease account: pay clawed back, the slash, the bond returned (see its LeaseEnded event)',
    )
  })
})

describe('hand-offs and disputes', () => {
  it('splits what was paid between the earlier providers and the current one', () => {
    const lease = chainLease({
      migrationCount: 2,
      providerSince: 1_790_003_600,
      paidToProviders: 780n,
      feesPaid: 20n,
      paidToCurrent: 300n,
    })
    const h = leaseHandoffs(lease)
    expect(h).toEqual({ count: 2, lastAt: 1_790_003_600, paidToEarlier: 500n, paidToCurrent: 300n })
    expect(handoffSentence(h as NonNullable<typeof h>)).toBe(
      'handed off 2 time(s), last at 2026-09-21T15:13:20Z: earlier provider(s) were paid 500, the current one 300',
    )
    expect(leaseHandoffs(chainLease())).toBeNull()
  })

  it('a disputed lease says since when, and whether it had ended first', () => {
    const live = leaseDispute(chainLease({ status: { kind: 'disputed', openedAt: AT, endedAt: null } }))
    expect(disputeSentence(live as NonNullable<typeof live>)).toBe(
      'disputed since 2026-09-21T14:15:00Z (billing stopped then); the arbiter rules, or the window expires for the provider',
    )
    const late = leaseDispute(chainLease({ status: { kind: 'disputed', openedAt: AT, endedAt: 1_790_000_000 } }))
    expect(disputeSentence(late as NonNullable<typeof late>)).toContain('(after it ended at 2026-09-21T14:13:20Z)')
    expect(leaseDispute(chainLease())).toBeNull()
  })

  it('prints whole seconds, and never for 0', () => {
    expect(isoSeconds(AT)).toBe('2026-09-21T14:15:00Z')
    expect(isoSeconds(0)).toBe('-')
  })
})
