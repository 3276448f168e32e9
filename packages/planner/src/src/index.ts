/**
 * @packageDocumentation
 *
 * The planner: capabilities, requirements and the single feasibility rule `fits` (shared by the
 * planner, the provider node and the CLI); a cost model whose terms are unit-typed and priced
 * in USD; and the optimal assignment of displaced jobs to candidate slots, with naive and
 * greedy baselines.
 *
 * @example
 * ```ts
 * import { createPlanner, fits } from '@synkti/planner'
 *
 * const fit = fits(job.requirement, slot.capability)
 * if (!fit.ok) console.log(fit.reason.kind) // 'vram', 'region', ...
 *
 * const planner = createPlanner({ weights: { outage: usdPerHour(50) } })
 * const plan = planner.plan({ jobs, slots, risk: { riskOf: (slot, horizon) => estimator.p(slot, horizon), hotZones } })
 * for (const p of plan.placements) console.log(p.jobId, '→', p.slotId, p.cost.total)
 * for (const u of plan.unplaced) console.log(u.jobId, u.reason.kind)
 * ```
 */

export * from './assignment.js'
export * from './baselines.js'
export * from './capability.js'
export * from './constants.js'
export * from './cost-model.js'
export * from './errors.js'
export * from './matrix.js'
export * from './planner.js'
export { shortestAugmentingPath, UNPLACED } from './shortest-augmenting-path.js'
export * from './units.js'
