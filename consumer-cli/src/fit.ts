/**
 * Whether each provider found could take a job spec, and every reason it could not (pure): the
 * reasons a join already found (no record, not registered, not active), then the chain's stake
 * minimum, the planner's `fits`, and the spec's price cap against the on-chain price.
 */
import type { Requirement } from '@synkti/planner'
import { problemOf } from './choose.js'
import type { Misfit } from './misfit.js'
import type { Offer, Rejection } from './offers.js'

export interface FitRules {
  req: Requirement
  /** the spec's price cap per second */
  cap: bigint
  /** open_lease refuses a provider staked below it */
  marketMinStake: bigint
  /** the user's own minimum (--min-stake) */
  minStake?: bigint
}

export interface ProviderFit {
  operator: string
  /** the provider account, when known */
  provider: string | null
  fits: boolean
  /** what it offers, when it has a valid record and an active account */
  offer: Offer | null
  /** empty when it fits */
  reasons: Misfit[]
}

export function stakeProblem(staked: bigint, rules: FitRules): Misfit | null {
  const own = rules.minStake ?? 0n
  const minimum = own > rules.marketMinStake ? own : rules.marketMinStake
  if (staked >= minimum) return null
  return { kind: 'stake', staked, minimum, source: own > rules.marketMinStake ? 'option' : 'market' }
}

/** Every reason `offer` cannot take the job, so one run shows all there is to relax. */
export function offerProblems(offer: Offer, rules: FitRules): Misfit[] {
  const reasons: Misfit[] = []
  const stake = stakeProblem(offer.staked, rules)
  if (stake !== null) reasons.push(stake)
  const problem = problemOf(offer, rules.req, rules.cap)
  if (problem !== null) reasons.push(problem)
  // problemOf stops at the first problem; a misfit or full machine may be too dear as well
  if ((problem?.kind === 'infeasible' || problem?.kind === 'full') && offer.pricePerSecond > rules.cap) {
    reasons.push({ kind: 'price', price: offer.pricePerSecond, cap: rules.cap })
  }
  return reasons
}

/** Those that fit first (cheapest first, as offers come), then the offers that do not, then the rest. */
export function assessFits(found: { offers: Offer[]; rejected: Rejection[] }, rules: FitRules): ProviderFit[] {
  const assessed = found.offers.map((offer) => {
    const reasons = offerProblems(offer, rules)
    return { operator: offer.operator, provider: offer.provider, fits: reasons.length === 0, offer, reasons }
  })
  return [
    ...assessed.filter((a) => a.fits),
    ...assessed.filter((a) => !a.fits),
    ...found.rejected.map((r) => ({
      operator: r.operator,
      provider: r.provider,
      fits: false,
      offer: null,
      reasons: [r.why],
    })),
  ]
}
