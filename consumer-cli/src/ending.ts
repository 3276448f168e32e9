/**
 * Why a lease ended and where its money went, read from the lease account alone (pure). The
 * account keeps totals, not the ending's own transfers: what it cannot tell (a claw-back, a
 * slash, the bond) is named in `unrecorded` instead of guessed; the LeaseEnded event has it.
 */
import type { Lease, LeaseOutcome } from '@synkti/market'

/** Amounts of an ending that the lease account does not keep. */
export type Unrecorded = 'clawedBack' | 'slashed' | 'bondReturned' | 'bondForfeited'

export interface Ending {
  outcome: LeaseOutcome
  /** unix seconds */
  at: number
  /** why, in words */
  reason: string
  /** gross: to providers plus fees, as the account totals it */
  paid: bigint
  fee: bigint
  /** escrow back to the consumer: deposits less what was paid */
  refunded: bigint
  /** the current provider's pay that vests only after the dispute window (a refund verdict takes it back) */
  held: { amount: bigint; vestsAt: number } | null
  unrecorded: Unrecorded[]
}

/** For a lease that changed providers: the split of what it paid, as far as the account keeps it. */
export interface Handoffs {
  count: number
  /** when the current provider took over: the last hand-off */
  lastAt: number
  /** gross paid to the providers before the current one (they are not named on the account) */
  paidToEarlier: bigint
  paidToCurrent: bigint
}

export interface Dispute {
  openedAt: number
  /** set when the lease had already ended when it was disputed */
  endedAt: number | null
}

const REASONS: Record<LeaseOutcome, string> = {
  cancelled: 'cancelled before the provider accepted',
  completed: 'completed (closed after service)',
  reclaimed: 'reclaimed by the consumer: the provider stopped attesting (stalled)',
  exhausted: 'exhausted: the escrow ran out of funds',
  refunded: 'refunded: the arbiter found for the consumer',
  released: "released: the arbiter, or the dispute window's expiry, found for the provider",
}

// A refund verdict moves pay back out of the provider's vault and stake out of its stake vault,
// and both verdicts zero the bond; none of it is added up on the lease.
const UNRECORDED: Partial<Record<LeaseOutcome, Unrecorded[]>> = {
  refunded: ['clawedBack', 'slashed', 'bondReturned'],
  released: ['bondForfeited'],
}

const gross = (t: { payout: bigint; fee: bigint }) => t.payout + t.fee

export function leaseEnding(lease: Lease): Ending | null {
  if (lease.status.kind !== 'ended') return null
  const { outcome, at } = lease.status
  const paid = lease.paidToProviders + lease.feesPaid
  const tranches = lease.held.filter((t) => gross(t) > 0n)
  const held =
    tranches.length === 0
      ? null
      : {
          amount: tranches.reduce((sum, t) => sum + gross(t), 0n),
          vestsAt: Math.max(...tranches.map((t) => t.vestsAt)),
        }
  return {
    outcome,
    at,
    reason: REASONS[outcome],
    paid,
    fee: lease.feesPaid,
    refunded: lease.deposited - paid,
    held,
    unrecorded: UNRECORDED[outcome] ?? [],
  }
}

export function leaseHandoffs(lease: Lease): Handoffs | null {
  if (lease.migrationCount === 0) return null
  const paid = lease.paidToProviders + lease.feesPaid
  return {
    count: lease.migrationCount,
    lastAt: lease.providerSince,
    paidToEarlier: paid - lease.paidToCurrent,
    paidToCurrent: lease.paidToCurrent,
  }
}

export function leaseDispute(lease: Lease): Dispute | null {
  return lease.status.kind === 'disputed' ? { openedAt: lease.status.openedAt, endedAt: lease.status.endedAt } : null
}

/** Unix seconds as ISO 8601 without the (always zero) milliseconds; `-` for never. */
export function isoSeconds(unixSeconds: number): string {
  return unixSeconds === 0 ? '-' : new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z')
}

const UNRECORDED_WORDS: Record<Unrecorded, string> = {
  clawedBack: 'pay clawed back',
  slashed: 'the slash',
  bondReturned: 'the bond returned',
  bondForfeited: 'the bond forfeited to the provider',
}

/** "ended 2026-12-02T21:40:03Z: completed (closed after service); paid 123000 (fee 3075), refunded 877000" */
export function endingSentence(e: Ending): string {
  const parts = [
    `ended ${isoSeconds(e.at)}: ${e.reason}; paid ${e.paid} (fee ${e.fee}), refunded ${e.refunded}`,
    ...(e.held === null ? [] : [`${e.held.amount} of the pay vests at ${isoSeconds(e.held.vestsAt)}`]),
    ...(e.unrecorded.length === 0
      ? []
      : [
          `not on the lease account: ${e.unrecorded.map((u) => UNRECORDED_WORDS[u]).join(', ')} (see its LeaseEnded event)`,
        ]),
  ]
  return parts.join('; ')
}

export function handoffSentence(h: Handoffs): string {
  return `handed off ${h.count} time(s), last at ${isoSeconds(h.lastAt)}: earlier provider(s) were paid ${h.paidToEarlier}, the current one ${h.paidToCurrent}`
}

export function disputeSentence(d: Dispute): string {
  const after = d.endedAt === null ? 'billing stopped then' : `after it ended at ${isoSeconds(d.endedAt)}`
  return `disputed since ${isoSeconds(d.openedAt)} (${after}); the arbiter rules, or the window expires for the provider`
}
