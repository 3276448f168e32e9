/**
 * The escrow's runway and the gateway's top-up rule. Pure: amounts in base units, times in
 * seconds.
 */
import type { Lease } from '@synkti/market'

/** Escrow left for service and how long it lasts at the lease's price. */
export function runway(lease: Lease): { available: bigint; seconds: number } {
  const available = lease.deposited - lease.paidToProviders - lease.feesPaid
  const seconds = lease.pricePerSecond > 0n ? Number(available / lease.pricePerSecond) : Number.POSITIVE_INFINITY
  return { available, seconds }
}

export interface TopUpPolicy {
  /** warn (and top up, if allowed) when the runway falls below this many seconds */
  warnBelowSec: number
  /** base units per top-up; none when absent */
  amount?: bigint
  /** the most this gateway may add over its life */
  maxSpend?: bigint
}

export type BudgetAction =
  | { kind: 'ok' }
  | { kind: 'warn'; seconds: number; reason: 'no-auto-top-up' | 'spend-limit' }
  | { kind: 'top-up'; amount: bigint; seconds: number }

/** What to do about the runway, given what this gateway has already added (`spent`). */
export function budgetAction(seconds: number, spent: bigint, p: TopUpPolicy): BudgetAction {
  if (seconds >= p.warnBelowSec) return { kind: 'ok' }
  if (p.amount === undefined || p.amount <= 0n) return { kind: 'warn', seconds, reason: 'no-auto-top-up' }
  const room = p.maxSpend === undefined ? p.amount : p.maxSpend - spent
  if (room < p.amount) return { kind: 'warn', seconds, reason: 'spend-limit' }
  return { kind: 'top-up', amount: p.amount, seconds }
}
