import type { Capability } from '@synkti/planner'
import * as z from 'zod'

/** A record, a status document or a node config names at most this many cached model hashes. */
export const MAX_CACHED_MODELS = 32

const name = z.string().min(1).max(64)

export const gpuSpecSchema = z.strictObject({
  model: name,
  count: z.int().positive().max(64),
  vramGb: z.number().positive().max(4096),
})

/**
 * What a machine offers, as the planner's `Capability`: the one schema the provider record, the
 * node status, the node config and the job spec's checks all parse with. Strict: an unknown field
 * is malformed, so two parties never disagree about what was signed.
 */
export const capabilitySchema = z.strictObject({
  gpu: gpuSpecSchema,
  cloud: z.enum(['aws', 'hetzner', 'ovh', 'local']),
  region: name,
  zone: name,
  spot: z.boolean(),
  runtimes: z
    .array(z.enum(['process', 'container', 'vllm']))
    .min(1)
    .max(3),
  cachedModels: z.array(z.string().min(1).max(128)).max(MAX_CACHED_MODELS),
  diskGb: z.number().nonnegative(),
}) satisfies z.ZodType<Capability>

// The schema must describe exactly the planner's Capability, in both directions.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const capabilityShapeMatchesPlanner: Equals<z.infer<typeof capabilitySchema>, Capability> = true
void capabilityShapeMatchesPlanner
