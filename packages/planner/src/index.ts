/**
 * @packageDocumentation
 *
 * Capabilities, requirements and the single feasibility rule `fits`, shared by the planner,
 * the provider node and the CLI.
 *
 * @example
 * ```ts
 * import { fits } from '@synkti/planner'
 * const fit = fits(requirement, capability)
 * if (!fit.ok) console.log(fit.reason.kind) // 'vram', 'region', ...
 * ```
 */

export * from './capability.js'
export * from './errors.js'
export * from './units.js'
