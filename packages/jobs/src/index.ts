/**
 * @packageDocumentation
 *
 * The contract between a provider node and the `synkti` CLI: the job spec (YAML or JSON,
 * validated by zod, hashed onto the lease) and the node status document (what a node says about
 * itself over HTTP and P2P, validated by whoever reads it).
 *
 * @example
 * ```ts
 * import { parseJobSpec, jobSpecHash, requirementOf, parseNodeStatus, jobOfLease } from '@synkti/jobs'
 * import { fits } from '@synkti/planner'
 *
 * const spec = parseJobSpec(await readFile('llm.yaml', 'utf8'))   // InvalidJobSpecError lists every bad field
 * const fit = fits(requirementOf(spec), provider.capability)
 * await client.openLease({ ..., jobSpecHash: jobSpecHash(spec) })
 * const job = jobOfLease(parseNodeStatus(signed.body.status), lease)
 * ```
 */
export * from './constants.js'
export * from './errors.js'
export * from './spec.js'
export * from './status.js'
