/**
 * Which provider takes a job: the spec's requirement must `fit` the provider's capability (the
 * planner's single feasibility rule, the one the node applies too) and its on-chain price must
 * be within the spec's cap. Pure.
 */
import { fits, type InfeasibleReason, type Requirement } from '@synkti/planner'
import { NoSuitableProviderError, PriceAboveCapError, SpecDoesNotFitError } from './errors.js'
import { type Offer, type Rejection, sortOffers } from './offers.js'

/** Why a capability fails a requirement, in words. */
export function describeInfeasible(reason: InfeasibleReason): string {
  switch (reason.kind) {
    case 'gpu-count':
      return `needs ${reason.need} GPU(s), has ${reason.have}`
    case 'vram':
      return `needs ${reason.needGb} GB of VRAM, its GPUs give ${reason.haveGb} GB`
    case 'gpu-model':
      return `needs a GPU among ${reason.allowed.join(', ')}, has ${reason.have}`
    case 'region':
      return `needs a region among ${reason.allowed.join(', ')}, is in ${reason.have}`
    case 'spot':
      return 'is a spot machine and the spec does not allow spot'
    case 'runtime':
      return `needs the ${reason.need} runtime, offers ${reason.have.join(', ')}`
    case 'disk':
      return `needs ${reason.needGb} GB of disk for the model, has ${reason.haveGb} GB`
  }
}

export type Problem = { kind: 'fit'; reason: string } | { kind: 'price'; price: bigint; cap: bigint }

/** Why `offer` cannot take a job with `req` under `cap`, or null when it can. */
export function problemOf(offer: Offer, req: Requirement, cap: bigint): Problem | null {
  const fit = fits(req, offer.capability)
  if (!fit.ok) return { kind: 'fit', reason: describeInfeasible(fit.reason) }
  if (offer.pricePerSecond > cap) return { kind: 'price', price: offer.pricePerSecond, cap }
  return null
}

/** For a provider the user named: its problem as a named error. */
export function checkOffer(offer: Offer, req: Requirement, cap: bigint): void {
  const problem = problemOf(offer, req, cap)
  if (problem?.kind === 'fit') throw new SpecDoesNotFitError(offer.operator, problem.reason)
  if (problem?.kind === 'price') throw new PriceAboveCapError(offer.operator, problem.price, problem.cap)
}

/** The cheapest offer that fits and is within the cap; otherwise why each one was passed over. */
export function chooseOffer(offers: Offer[], req: Requirement, cap: bigint, unverified: Rejection[] = []): Offer {
  const passed: Rejection[] = [...unverified]
  for (const offer of sortOffers(offers)) {
    const problem = problemOf(offer, req, cap)
    if (problem === null) return offer
    passed.push({
      operator: offer.operator,
      reason: problem.kind === 'fit' ? problem.reason : `charges ${problem.price}/s, above the cap of ${problem.cap}/s`,
    })
  }
  throw new NoSuitableProviderError(passed)
}
