/**
 * Which provider takes a job: the spec's requirement must `fit` the provider's capability (the
 * planner's single feasibility rule, the one the node applies too) and its on-chain price must
 * be within the spec's cap. Pure.
 */
import { fits, type Requirement, totalVramGb } from '@synkti/planner'
import { NoSuitableProviderError, PriceAboveCapError, ProviderFullError, SpecDoesNotFitError } from './errors.js'
import { describeInfeasible, describeMisfit, type Misfit } from './misfit.js'
import { type Offer, type Rejection, sortOffers } from './offers.js'

export { describeInfeasible }

export type Problem = Extract<Misfit, { kind: 'infeasible' | 'full' | 'price' }>

/**
 * The VRAM the record shows free for one more job: its load is the share of the machine's VRAM
 * that running jobs hold (the node's admission counts the same), or null when there is room.
 */
export function capacityProblem(offer: Offer, req: Requirement): Extract<Misfit, { kind: 'full' }> | null {
  const totalGb = totalVramGb(offer.capability)
  const freeGb = totalGb * (1 - Math.min(1, Math.max(0, offer.load.gpuUtilization)))
  // the same tolerance as the node's failover selection: a share of a float is not exact
  if (freeGb + 1e-6 >= req.vramGb) return null
  return { kind: 'full', freeGb, totalGb, needGb: req.vramGb, jobs: offer.load.jobs }
}

/** Why `offer` cannot take a job with `req` under `cap`, or null when it can. */
export function problemOf(offer: Offer, req: Requirement, cap: bigint): Problem | null {
  const fit = fits(req, offer.capability)
  if (!fit.ok) return { kind: 'infeasible', rule: fit.reason }
  const full = capacityProblem(offer, req)
  if (full !== null) return full
  if (offer.pricePerSecond > cap) return { kind: 'price', price: offer.pricePerSecond, cap }
  return null
}

/** For a provider the user named: its problem as a named error. */
export function checkOffer(offer: Offer, req: Requirement, cap: bigint): void {
  const problem = problemOf(offer, req, cap)
  if (problem?.kind === 'infeasible') throw new SpecDoesNotFitError(offer.operator, describeInfeasible(problem.rule))
  if (problem?.kind === 'full') throw new ProviderFullError(offer.operator, describeMisfit(problem))
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
