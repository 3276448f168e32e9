/**
 * Return to spot: the gateway's policy of moving its lease, make-before-break, to a cheaper spot
 * provider once one has been offered long enough. The real system's counterpart of the
 * simulator's return to spot (packages/simulator, `returnToSpot` in src/service/engine.ts), for
 * one lease instead of a fleet of replicas. Pure: the gateway looks at the market (offers.ts,
 * the same join `synkti providers --for` and `job run` use, prices from the chain), keeps the
 * sightings here (`Sightings`) and asks `decideReturn` what to do.
 *
 * The rule, in order (the first that applies decides):
 *
 * 1. a move is already under way (the consumer's own, or an earlier return) → wait;
 * 2. the lease is not being served (starting, failing over) → wait;
 * 3. the consumer's migration limit is reached (moves this gateway made on its own) → no;
 * 4. no spot provider other than the current one charges less than the lease → no (the current
 *    provider is already the cheapest);
 * 5. a cheaper spot provider must fit the spec (the planner's `fits`), charge within the lease's
 *    price cap, be staked enough (the market's minimum, which open_lease enforces, and the
 *    consumer's own) — the rules of `synkti providers --for` (fit.ts) — and save at least
 *    `minSaving` of the lease's price → else no, with the reason of the cheapest one;
 * 6. the current provider must have served the lease for `dwellSec` (a lease that just moved or
 *    failed over is left alone) → else wait;
 * 7. the provider must have been offered, eligible and at the same on-chain price, without a
 *    break for `holdSec` (hysteresis: a flapping spot zone pulls nothing in) → else wait;
 * 8. move to the cheapest provider that passed all of these.
 */
import type { Requirement } from '@synkti/planner'
import { type FitRules, offerProblems } from '../fit.js'
import { describeMisfit, type Misfit } from '../misfit.js'
import { type Offer, sortOffers } from '../offers.js'

export interface ReturnPolicy {
  /** the least share of the lease's price a move must save (0.2: the new price at most 80 % of it) */
  minSaving: number
  /** a provider must have been offered this long without a break (and at the same price) */
  holdSec: number
  /** the current provider must have served the lease this long */
  dwellSec: number
  /** the most moves the gateway makes on its own, across restarts and moves */
  maxMoves: number
  /** the consumer's own stake minimum, above the market's */
  minStake?: bigint
}

export const RETURN_DEFAULTS = {
  minSaving: 0.2,
  holdSec: 600,
  dwellSec: 600,
  everySec: 30,
} as const

/** The lease as the chain has it and who serves it. */
export interface CurrentLease {
  provider: string
  /** what the lease charges per second */
  pricePerSecond: bigint
  /** when this provider began serving the lease (the lease's `providerSince`, chain seconds) */
  since: number
  /** the most the lease may pay per second (its migration policy's cap) */
  cap: bigint
  /** escrow left for service: the new lease gets as much (at least an hour at its price) */
  available: bigint
}

/** What the gateway knows when it decides. */
export interface ReturnView {
  /** chain seconds */
  now: number
  /** a move is under way */
  moving: boolean
  /** null while the lease is not served (starting, failing over) */
  current: CurrentLease | null
  /** moves this gateway made on its own so far */
  movesMade: number
  offers: readonly Offer[]
  req: Requirement
  marketMinStake: bigint
  /** since when a provider has been offered without a break (`Sightings.since`) */
  sinceOf: (provider: string) => number | null
}

export type DeclineReason =
  | 'move-in-flight'
  | 'not-serving'
  | 'limit-reached'
  | 'cheapest'
  | 'does-not-fit'
  | 'above-cap'
  | 'stake'
  | 'saving-too-small'
  | 'dwell'
  | 'holding'

export interface Candidate {
  provider: string
  operator: string
  pricePerSecond: bigint
  /** the share of the lease's price it saves */
  saving: number
  /** how long it has been offered without a break (null: not seen whole yet) */
  heldSec: number | null
}

export type ReturnDecision =
  | {
      kind: 'stay'
      reason: DeclineReason
      /** in words */
      detail: string
      /** the provider the reason is about, if any */
      candidate: Candidate | null
      /** for `dwell` and `holding`: seconds until that rule lets it through */
      waitSec: number | null
    }
  | { kind: 'move'; to: Offer; candidate: Candidate; deposit: bigint; detail: string }

const BPS = 10_000n
/** The least deposit of the new lease: an hour at its price, as `job run` and `job move` take. */
const HOUR = 3_600n

/** Whether `price` saves at least `minSaving` of `current`, exactly (in basis points). */
export function savesEnough(price: bigint, current: bigint, minSaving: number): boolean {
  const keep = BPS - BigInt(Math.round(minSaving * 10_000))
  return price * BPS <= current * keep
}

export const savingOf = (price: bigint, current: bigint): number =>
  current > 0n ? Number(current - price) / Number(current) : 0

/** The rules a target must meet, besides the saving (fit.ts, as `providers --for` applies them). */
export function targetRules(
  req: Requirement,
  cap: bigint,
  marketMinStake: bigint,
  minStake: bigint | undefined,
): FitRules {
  return { req, cap, marketMinStake, ...(minStake !== undefined ? { minStake } : {}) }
}

/** A spot provider, other than `current`, that could take the lease now (saving aside). */
export function isTarget(offer: Offer, current: string, rules: FitRules): boolean {
  return offer.capability.spot && offer.provider !== current && offerProblems(offer, rules).length === 0
}

/** The one reason to report for a provider that fails the rules: fit, then cap, then stake. */
function firstProblem(problems: Misfit[]): { reason: DeclineReason; misfit: Misfit } | null {
  const order: [Misfit['kind'], DeclineReason][] = [
    ['infeasible', 'does-not-fit'],
    // no room now: the node would decline the move's lease
    ['full', 'does-not-fit'],
    ['price', 'above-cap'],
    ['stake', 'stake'],
  ]
  for (const [kind, reason] of order) {
    const misfit = problems.find((p) => p.kind === kind)
    if (misfit !== undefined) return { reason, misfit }
  }
  return null
}

const stay = (
  reason: DeclineReason,
  detail: string,
  candidate: Candidate | null = null,
  waitSec: number | null = null,
): ReturnDecision => ({ kind: 'stay', reason, detail, candidate, waitSec })

const pct = (share: number) => `${Math.round(share * 1000) / 10} %`

export function decideReturn(view: ReturnView, policy: ReturnPolicy): ReturnDecision {
  if (view.moving) return stay('move-in-flight', 'a move of the lease is under way')
  const current = view.current
  if (current === null) return stay('not-serving', 'the lease is not being served now')
  if (view.movesMade >= policy.maxMoves) {
    return stay('limit-reached', `made ${view.movesMade} of at most ${policy.maxMoves} moves (--max-moves)`)
  }
  const candidate = (o: Offer): Candidate => {
    const since = view.sinceOf(o.provider)
    return {
      provider: o.provider,
      operator: o.operator,
      pricePerSecond: o.pricePerSecond,
      saving: savingOf(o.pricePerSecond, current.pricePerSecond),
      heldSec: since === null ? null : Math.max(0, view.now - since),
    }
  }
  const cheaper = sortOffers(
    view.offers.filter(
      (o) => o.capability.spot && o.provider !== current.provider && o.pricePerSecond < current.pricePerSecond,
    ),
  )
  const [cheapest] = cheaper
  if (cheapest === undefined) {
    return stay('cheapest', `no spot provider charges less than the lease's ${current.pricePerSecond}/s`)
  }
  const rules = targetRules(view.req, current.cap, view.marketMinStake, policy.minStake)
  const eligible: Offer[] = []
  let first: { offer: Offer; reason: DeclineReason; detail: string } | null = null
  for (const o of cheaper) {
    const problem = firstProblem(offerProblems(o, rules))
    if (problem !== null) {
      first ??= { offer: o, reason: problem.reason, detail: describeMisfit(problem.misfit) }
      continue
    }
    if (!savesEnough(o.pricePerSecond, current.pricePerSecond, policy.minSaving)) {
      first ??= {
        offer: o,
        reason: 'saving-too-small',
        detail: `saves ${pct(savingOf(o.pricePerSecond, current.pricePerSecond))} of ${current.pricePerSecond}/s, less than ${pct(policy.minSaving)} (--min-saving)`,
      }
      continue
    }
    eligible.push(o)
  }
  const [best] = eligible
  if (best === undefined) {
    const f = first as { offer: Offer; reason: DeclineReason; detail: string }
    return stay(f.reason, `${f.offer.operator} at ${f.offer.pricePerSecond}/s ${f.detail}`, candidate(f.offer))
  }
  const served = view.now - current.since
  if (served < policy.dwellSec) {
    return stay(
      'dwell',
      `the lease has been on its provider ${served} s of ${policy.dwellSec} s (--dwell)`,
      candidate(best),
      policy.dwellSec - served,
    )
  }
  const held = eligible.filter((o) => {
    const since = view.sinceOf(o.provider)
    return since !== null && view.now - since >= policy.holdSec
  })
  const [to] = held
  if (to === undefined) {
    // the one that will have been held longest first
    const next = [...eligible].sort(
      (a, b) => (view.sinceOf(a.provider) ?? view.now) - (view.sinceOf(b.provider) ?? view.now),
    )[0] as Offer
    const c = candidate(next)
    const heldSec = c.heldSec ?? 0
    return stay(
      'holding',
      `${next.operator} at ${next.pricePerSecond}/s offered ${heldSec} s of ${policy.holdSec} s (--hold)`,
      c,
      policy.holdSec - heldSec,
    )
  }
  const hour = to.pricePerSecond * HOUR
  const deposit = current.available > hour ? current.available : hour
  const c = candidate(to)
  return {
    kind: 'move',
    to,
    candidate: c,
    deposit,
    detail: `${to.operator} at ${to.pricePerSecond}/s saves ${pct(c.saving)} of ${current.pricePerSecond}/s, offered for ${c.heldSec} s`,
  }
}

/**
 * Since when each provider has been offered without a break: each look names the providers it
 * found eligible, with their on-chain price. A provider missing from a look, or at another price,
 * starts again; a look that failed, or came more than `maxGapSec` after the last one, starts
 * every provider again (nobody saw them in between).
 */
export class Sightings {
  private readonly seen = new Map<string, { since: number; price: bigint }>()
  private last: number | null = null

  constructor(private readonly maxGapSec: number) {}

  look(at: number, eligible: readonly { provider: string; pricePerSecond: bigint }[]): void {
    if (this.last !== null && at - this.last > this.maxGapSec) this.seen.clear()
    const now = new Map(eligible.map((o) => [o.provider, o.pricePerSecond]))
    for (const [provider, s] of [...this.seen]) {
      if (now.get(provider) !== s.price) this.seen.delete(provider)
    }
    for (const [provider, price] of now) {
      if (!this.seen.has(provider)) this.seen.set(provider, { since: at, price })
    }
    this.last = at
  }

  /** A look that failed: nothing was seen. */
  missed(at: number): void {
    this.seen.clear()
    this.last = at
  }

  /** A move to `provider` failed: it must be offered a whole hold again before the next try. */
  forget(provider: string): void {
    this.seen.delete(provider)
  }

  since(provider: string): number | null {
    return this.seen.get(provider)?.since ?? null
  }
}
