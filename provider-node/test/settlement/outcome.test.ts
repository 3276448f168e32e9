import { Keypair, type PublicKey } from '@solana/web3.js'
import { AccountNotFoundError, type Lease, ProgramErrors, RpcUnreachableError } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import { dispositionOf, planAttestation } from '../../src/settlement/index.js'
import { leaseFixture } from '../support/lease.js'

const us = Keypair.generate().publicKey
const key = () => Keypair.generate().publicKey
/** The market's attestation gap: our own word reaches at most this far past the last activity. */
const GAP = 5_000
/** An item up to `until` of the lease opened at 900 (the fixture's `openedAt`). */
const at = (until: number) => ({ until, openedAt: 900 })

function lease(edit: Partial<Lease> = {}, provider: PublicKey = us): Lease {
  return leaseFixture({ provider, ...edit })
}

describe('planAttestation', () => {
  it('sends the whole item when escrow and the clock cover it', () => {
    expect(planAttestation(at(1_300), lease(), us, 1_310, GAP)).toEqual({
      kind: 'send',
      until: 1_300,
      partial: false,
      verified: false,
    })
  })

  it('drops with the reason: closed, migrated away, already settled', () => {
    expect(planAttestation(at(1_300), null, us, 1_310, GAP)).toEqual({ kind: 'drop', reason: 'lease-closed' })
    expect(planAttestation(at(1_300), lease({}, key()), us, 1_310, GAP)).toEqual({
      kind: 'drop',
      reason: 'migrated-away',
    })
    expect(planAttestation(at(1_300), lease({ settledUntil: 1_300 }), us, 1_310, GAP)).toEqual({
      kind: 'drop',
      reason: 'already-settled',
    })
  })

  it('attack: an item for the lease opened at 900 is never sent to another lease at the same address', () => {
    // A later lease at the address (a reset chain recreated it), active, ours, with escrow: still not this item's.
    const later = lease({ openedAt: 950, acceptedAt: 960, providerSince: 960, settledUntil: 960, lastActivityAt: 960 })
    expect(planAttestation(at(1_300), later, us, 1_310, GAP)).toEqual({ kind: 'drop', reason: 'lease-reopened' })
    // Even one that opened earlier (another chain's clock) and ended: named for what it is.
    const ended = lease({ openedAt: 100, status: { kind: 'ended', outcome: 'completed', at: 200 } })
    expect(planAttestation(at(1_300), ended, us, 1_310, GAP)).toEqual({ kind: 'drop', reason: 'lease-reopened' })
  })

  it('waits on a lease that is not active, naming the refusal a send would get', () => {
    expect(planAttestation(at(1_300), lease({ status: { kind: 'open' } }), us, 1_310, GAP)).toEqual({
      kind: 'wait',
      error: 'LeaseNotActiveError',
    })
  })

  it('drops an item of a disputed lease: billing stopped at the dispute, the ruling settles the rest', () => {
    // Escrow, clock and gap would all allow it: the dispute alone stops it (no billing into the frozen balance).
    for (const status of [
      { kind: 'disputed', openedAt: 1_200, endedAt: null },
      { kind: 'disputed', openedAt: 1_250, endedAt: 1_240 },
    ] as const) {
      expect(planAttestation(at(1_300), lease({ status }), us, 1_310, GAP)).toEqual({
        kind: 'drop',
        reason: 'disputed',
      })
      // with the consumer's receipt too
      const receipt = { from: 1_000, until: 1_300 }
      expect(planAttestation(at(1_300), lease({ status }), us, 1_310, GAP, receipt)).toEqual({
        kind: 'drop',
        reason: 'disputed',
      })
    }
  })

  it('attests what escrow still covers and keeps the rest (partial)', () => {
    // 1_000_000 deposited, 700_000 paid + 17_500 fees: 282 whole seconds left at 1_000/s.
    const l = lease({ paidToProviders: 700_000n, feesPaid: 17_500n, settledUntil: 1_700 })
    expect(planAttestation(at(2_100), l, us, 2_200, GAP)).toEqual({
      kind: 'send',
      until: 1_982,
      partial: true,
      verified: false,
    })
    const empty = lease({ paidToProviders: 975_000n, feesPaid: 25_000n, settledUntil: 2_000 })
    expect(planAttestation(at(2_100), empty, us, 2_200, GAP)).toEqual({
      kind: 'wait',
      error: 'AttestationExceedsDepositError',
    })
  })

  it('drops an ended lease like a closed one', () => {
    const ended = lease({ status: { kind: 'ended', outcome: 'completed', at: 1_200 } })
    expect(planAttestation(at(1_300), ended, us, 1_310, GAP)).toEqual({ kind: 'drop', reason: 'lease-closed' })
  })

  it('never self-attests past the last activity plus the gap, and drops a stalled lease', () => {
    // last activity 1_000, gap 600: our word reaches 1_600 at most
    expect(planAttestation(at(2_000), lease(), us, 1_550, 600)).toEqual({
      kind: 'send',
      until: 1_550,
      partial: true,
      verified: false,
    })
    expect(planAttestation(at(1_700), lease(), us, 1_600, 600)).toEqual({
      kind: 'send',
      until: 1_600,
      partial: true,
      verified: false,
    })
    expect(planAttestation(at(2_000), lease(), us, 1_601, 600)).toEqual({ kind: 'drop', reason: 'stalled' })
  })

  it('a receipt covering the last settlement backs the attestation: no gap cap, even when stalled', () => {
    const receipt = { from: 1_000, until: 1_900 }
    // last activity 1_000, gap 600: alone, the node could not attest past 1_600, and at 1_950 not at all
    expect(planAttestation(at(2_000), lease(), us, 1_950, 600, receipt)).toEqual({
      kind: 'send',
      until: 1_900,
      partial: true,
      verified: true,
    })
    // a receipt that starts after the last settlement cannot be used: our own word, gap-capped
    expect(planAttestation(at(1_500), lease(), us, 1_550, 600, { from: 1_100, until: 1_500 })).toEqual({
      kind: 'send',
      until: 1_500,
      partial: false,
      verified: false,
    })
    // one that ends at the last settlement adds nothing
    expect(planAttestation(at(1_500), lease(), us, 1_550, 600, { from: 900, until: 1_000 })).toMatchObject({
      verified: false,
    })
  })

  it('never attests past the chain clock', () => {
    expect(planAttestation(at(1_300), lease(), us, 1_250, GAP)).toEqual({
      kind: 'send',
      until: 1_250,
      partial: true,
      verified: false,
    })
    expect(planAttestation(at(1_300), lease(), us, 1_000, GAP)).toEqual({
      kind: 'wait',
      error: 'AttestationInFutureError',
    })
  })
})

describe('dispositionOf', () => {
  it('maps the moot program refusals to their reason', () => {
    expect(dispositionOf(new AccountNotFoundError('Lease', key().toBase58()))).toEqual({
      kind: 'drop',
      reason: 'lease-closed',
    })
    expect(dispositionOf(new ProgramErrors.AccountNotInitialized())).toEqual({ kind: 'drop', reason: 'lease-closed' })
    expect(dispositionOf(new ProgramErrors.AccountNotInitialized({ account: 'lease' }))).toEqual({
      kind: 'drop',
      reason: 'lease-closed',
    })
    expect(dispositionOf(new ProgramErrors.WrongProvider())).toEqual({ kind: 'drop', reason: 'migrated-away' })
    expect(dispositionOf(new ProgramErrors.AttestationNotAfterLast())).toEqual({
      kind: 'drop',
      reason: 'already-settled',
    })
    // a dispute opened between the read and the send
    expect(dispositionOf(new ProgramErrors.LeaseDisputed())).toEqual({ kind: 'drop', reason: 'disputed' })
  })

  it('keeps an item when the missing account is a token account, not the lease (nothing owed is dropped)', () => {
    expect(dispositionOf(new ProgramErrors.AccountNotInitialized({ account: 'payout' }))).toEqual({
      kind: 'keep',
      network: false,
    })
  })

  it('keeps an item on network failures, flagged as such', () => {
    expect(dispositionOf(new RpcUnreachableError('http://127.0.0.1:1'))).toEqual({ kind: 'keep', network: true })
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    expect(dispositionOf(new TypeError('fetch failed', { cause: refused }))).toEqual({ kind: 'keep', network: true })
  })

  it('keeps an item on every other refusal (it may succeed later or needs the operator)', () => {
    for (const err of [
      new ProgramErrors.AttestationExceedsDeposit(),
      new ProgramErrors.AttestationInFuture(),
      new ProgramErrors.Unauthorized(),
      new Error('blockhash not found'),
    ]) {
      expect(dispositionOf(err)).toEqual({ kind: 'keep', network: false })
    }
  })
})
