/**
 * What to do with a queued attestation, decided from the lease as the chain holds it (before
 * sending) or from the error a send raised (after). Pure: no I/O.
 */
import type { PublicKey } from '@solana/web3.js'
import { isNetworkFailure, type Lease } from '@synkti/market'

/** Why an item left the queue without a transaction: each makes the attestation moot. */
export type DropReason =
  /** The lease ended (its record may stay for the dispute window; the ending settled it). */
  | 'lease-closed'
  /**
   * The account at the lease's address is another lease (it opened at another time): the one the
   * item was queued for is gone, and its service is not this lease's to pay.
   */
  | 'lease-reopened'
  /** The lease stalled (no activity within the gap): the chain no longer takes our word for it. */
  | 'stalled'
  /**
   * The consumer disputed the lease: billing stopped when the dispute opened (the program takes
   * no attestation of a disputed lease), and the ruling settles the rest — Release pays up to the
   * dispute, Refund claws back. Nothing queued can be sent, and service from here is unpaid.
   */
  | 'disputed'
  /** The lease migrated to another provider: the hand-off settled our share. */
  | 'migrated-away'
  /** The chain's `settledUntil` already reaches `until` (e.g. it confirmed before a crash). */
  | 'already-settled'

/** Program refusals that make an item moot, by the error name @synkti/market gives them. */
export const MOOT_ERRORS: Readonly<Record<string, DropReason>> = {
  AccountNotFoundError: 'lease-closed',
  AccountNotInitializedError: 'lease-closed',
  LeaseEndedError: 'lease-closed',
  WrongProviderError: 'migrated-away',
  AttestationNotAfterLastError: 'already-settled',
  LeaseStalledError: 'stalled',
  AttestationPastGapError: 'stalled',
  // A dispute opened between our read and our send.
  LeaseDisputedError: 'disputed',
}

export type Disposition =
  | { kind: 'drop'; reason: DropReason }
  /** Keep the item; `network` when the RPC could not be reached (every other item would fail too). */
  | { kind: 'keep'; network: boolean }

/** After a failed send (or lease read): drop a moot item, keep everything else. */
export function dispositionOf(err: unknown): Disposition {
  const name = err instanceof Error ? err.name : ''
  // a missing token account (the payout, say) is not a closed lease: keep the item and say so
  if (name === 'AccountNotInitializedError' && !isLeaseAccount(err)) return { kind: 'keep', network: false }
  const reason = MOOT_ERRORS[name]
  if (reason !== undefined) return { kind: 'drop', reason }
  return { kind: 'keep', network: name === 'RpcUnreachableError' || isNetworkFailure(err) }
}

/**
 * Whether an AccountNotInitializedError is about the lease itself: the program names the
 * account in its logs; an error that names none is taken as the lease (the only one that goes away).
 */
export function isLeaseAccount(err: unknown): boolean {
  const account = (err as { account?: unknown }).account
  return account === undefined || account === 'lease' || account === 'escrow'
}

export type AttestationPlan =
  | { kind: 'drop'; reason: DropReason }
  /**
   * Send now up to `until`; `partial` when that is short of the item (escrow, clock, gap or
   * receipt), which then stays; `verified` when the consumer's receipt backs it.
   */
  | { kind: 'send'; until: number; partial: boolean; verified: boolean }
  /** Nothing can be sent yet; `error` names the program error a send would raise. */
  | { kind: 'wait'; error: string }

/**
 * The attestation to send for an item covering up to `until` of the lease opened at `openedAt`,
 * given the account now at its address (null: closed), this node's provider, chain time `now`
 * and the market's attestation gap. Mirrors the program's checks so that a refusal is predicted,
 * not paid for: what escrow cannot cover is attested up to what it can, and our own word
 * reaches at most the gap past the last activity. An account that opened at another time is
 * another lease at a reused address: never attested for this item.
 */
export function planAttestation(
  item: { until: number; openedAt: number },
  lease: Lease | null,
  provider: PublicKey,
  now: number,
  gapSecs: number,
  receipt?: { from: number; until: number },
): AttestationPlan {
  const { until } = item
  if (lease === null) return { kind: 'drop', reason: 'lease-closed' }
  if (lease.openedAt !== item.openedAt) return { kind: 'drop', reason: 'lease-reopened' }
  if (lease.status.kind === 'ended') return { kind: 'drop', reason: 'lease-closed' }
  if (!lease.provider.equals(provider)) return { kind: 'drop', reason: 'migrated-away' }
  if (lease.settledUntil >= until) return { kind: 'drop', reason: 'already-settled' }
  if (lease.status.kind === 'open') return { kind: 'wait', error: 'LeaseNotActiveError' }
  if (lease.status.kind === 'disputed') return { kind: 'drop', reason: 'disputed' }
  const available = lease.deposited - lease.paidToProviders - lease.feesPaid
  const affordableSeconds = lease.pricePerSecond > 0n ? available / lease.pricePerSecond : 0n
  const affordableUntil = lease.settledUntil + Number(affordableSeconds)
  // the consumer's receipt vouches for what it covers: no gap cap, paid at once
  if (receipt !== undefined && receipt.from <= lease.settledUntil && receipt.until > lease.settledUntil) {
    const sendUntil = Math.min(until, now, affordableUntil, receipt.until)
    if (sendUntil > lease.settledUntil)
      return { kind: 'send', until: sendUntil, partial: sendUntil < until, verified: true }
  }
  const gapEnds = lease.lastActivityAt + gapSecs
  if (now > gapEnds) return { kind: 'drop', reason: 'stalled' }
  const sendUntil = Math.min(until, now, affordableUntil, gapEnds)
  if (sendUntil <= lease.settledUntil) {
    return { kind: 'wait', error: until > now ? 'AttestationInFutureError' : 'AttestationExceedsDepositError' }
  }
  return { kind: 'send', until: sendUntil, partial: sendUntil < until, verified: false }
}
