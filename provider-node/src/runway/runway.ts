/**
 * How long a lease's escrow still pays for service, and what the node does about it. Pure: no
 * I/O; amounts in base units, times in chain unix seconds. The watcher (watcher.ts) feeds it the
 * lease as the chain holds it and the chain's clock.
 */
import type { Lease } from '@synkti/market'

/** A lease's escrow as service time. */
export interface Runway {
  /** Escrow left for service: deposited − paid to providers − fees (the bond is not service money). */
  available: bigint
  /** Chain time up to which the escrow pays: the last settlement plus what `available` buys. */
  paidThrough: number
  /** `paidThrough − now`: negative once service runs past what the escrow pays. */
  secondsLeft: number
}

/**
 * The runway of `lease` at chain time `now`. Service since the last settlement is already owed,
 * so the escrow pays up to `settledUntil + ⌊available ÷ price⌋`, not `now + ⌊available ÷ price⌋`
 * (the consumer's gateway shows the latter, `consumer-cli/src/gateway/budget.ts`, which is
 * longer by the time since the last settlement). A price of 0 (which the program refuses) never
 * runs out.
 */
export function runwayOf(
  lease: Pick<Lease, 'deposited' | 'paidToProviders' | 'feesPaid' | 'pricePerSecond' | 'settledUntil'>,
  now: number,
): Runway {
  const available = lease.deposited - lease.paidToProviders - lease.feesPaid
  if (lease.pricePerSecond <= 0n) {
    return { available, paidThrough: Number.POSITIVE_INFINITY, secondsLeft: Number.POSITIVE_INFINITY }
  }
  const affordable = available > 0n ? available / lease.pricePerSecond : 0n
  const paidThrough = lease.settledUntil + Number(affordable)
  return { available, paidThrough, secondsLeft: paidThrough - now }
}

/** What the runway means for the node: serve on, warn, or stop. */
export type RunwayLevel = 'ok' | 'low' | 'exhausted'

/**
 * `exhausted` once nothing more is paid for (`secondsLeft ≤ 0`: serving on would be free work),
 * `low` below `warnBelowSec`, else `ok`.
 */
export function runwayLevel(r: Pick<Runway, 'secondsLeft'>, warnBelowSec: number): RunwayLevel {
  if (r.secondsLeft <= 0) return 'exhausted'
  if (r.secondsLeft < warnBelowSec) return 'low'
  return 'ok'
}

/** Why a lease this node serves is not (or no longer) a runway question. */
export type NotServing =
  /** The consumer disputed it: billing stopped when the dispute opened; serving on is unpaid. */
  | 'disputed'
  /** It ended (closed, reclaimed, ruled on): whoever ended it settled it. */
  | 'ended'
  /** It pays another provider (a hand-off): the failover that moved it owns the job. */
  | 'migrated-away'
  /** Not accepted yet: nothing is billed before acceptance. */
  | 'not-active'

export type LeaseAssessment =
  | { kind: 'serving'; level: RunwayLevel; runway: Runway }
  | { kind: 'not-serving'; reason: NotServing }

/**
 * The node's view of one lease it serves, from the account (`lease`), this node's provider
 * account (base58) and the chain's clock.
 */
export function assessLease(lease: Lease, provider: string, now: number, warnBelowSec: number): LeaseAssessment {
  if (lease.status.kind === 'ended') return { kind: 'not-serving', reason: 'ended' }
  if (lease.provider.toBase58() !== provider) return { kind: 'not-serving', reason: 'migrated-away' }
  if (lease.status.kind === 'disputed') return { kind: 'not-serving', reason: 'disputed' }
  if (lease.status.kind === 'open') return { kind: 'not-serving', reason: 'not-active' }
  const runway = runwayOf(lease, now)
  return { kind: 'serving', level: runwayLevel(runway, warnBelowSec), runway }
}
