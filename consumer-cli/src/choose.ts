/**
 * Which provider takes a job: the spec's requirement must `fit` the provider's capability (the
 * planner's single feasibility rule, the one the node applies too) and its on-chain price must
 * be within the spec's cap. Pure.
 */
import { fits, type Requirement } from '@synkti/planner'
import { NoSuitableProviderError, PriceAboveCapError, SpecDoesNotFitError } from './errors.js'
import { describeInfeasible, describeMisfit, type Misfit } from './misfit.js'
import { type Offer, type Rejection, sortOffers } from './offers.js'

export { describeInfeasible }

export type Problem = Extract<Misfit, { kind: 'infeasible' | 'price' }>

/** Why `offer` cannot take a job with `req` under `cap`, or null when it can. */
export function problemOf(offer: Offer, req: Requirement, cap: bigint): Problem | null {
  const fit = fits(req, offer.capability)
  if (!fit.ok) return { kind: 'infeasible', rule: fit.reason }
  if (offer.pricePerSecond > cap) return { kind: 'price', price: offer.pricePerSecond, cap }
  return null
}

/** For a provider the user named: its problem as a named error. */
export function checkOffer(offer: Offer, req: Requirement, cap: bigint): void {
  const problem = problemOf(offer, req, cap)
  if (problem?.kind === 'infeasible') throw new SpecDoesNotFitError(offer.operator, describeInfeasible(problem.rule))
  if (problem?.kind === 'price') throw new PriceAboveCapError(offer.operator, problem.price, problem.cap)
}

/** The cheapest offer that fits and is within the cap; otherwise why each one was passed over. */
export function chooseOffer(offers: Offer[], req: Requirement, cap: bigint, unverified: Rejection[] = []): Offer {
  const passed = unverified.map(({ operator, reason }) => ({ operator, reason }))
  for (const offer of sortOffers(offers)) {
    const problem = problemOf(offer, req, cap)
    if (problem === null) return offer
    passed.push({ operator: offer.operator, reason: describeMisfit(problem) })
  }
  throw new NoSuitableProviderError(passed)
}
