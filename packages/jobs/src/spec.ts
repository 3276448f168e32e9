import { createHash } from 'node:crypto'
import { canonicalBytes } from '@synkti/p2p'
import type { Requirement, Runtime } from '@synkti/planner'
import { parse as parseYaml } from 'yaml'
import * as z from 'zod'
import { JOB_SPEC_DOMAIN, MAX_SPEC_BYTES } from './constants.js'
import { InvalidJobSpecError } from './errors.js'
import { specIssues } from './issues.js'

/**
 * The job spec, version 1: what a consumer wants run. It travels off-chain (YAML on the
 * consumer's disk, JSON over the job protocol); only its hash is on the lease, so provider and
 * consumer can both prove which spec the escrow pays for.
 */

const name = z.string().min(1).max(128)
const env = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name'), z.string())
/** `{port}` and `{model}` in args are filled in by the node. */
const args = z.array(z.string().max(4096)).max(256)

const runSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('command'), command: name, args: args.default([]), env: env.default({}) }),
  z.strictObject({ kind: z.literal('image'), image: name, args: args.default([]), env: env.default({}) }),
])

/** A u64 in base units as a decimal string (YAML numbers would lose precision above 2^53). */
const baseUnits = z
  .union([z.string(), z.int().nonnegative()])
  .transform(String)
  .refine((s) => /^(0|[1-9][0-9]{0,19})$/.test(s) && BigInt(s) < 2n ** 64n, 'not a whole number of base units (u64)')

export const jobSpecSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, . _ - (max 63)'),
  run: runSchema,
  model: z.strictObject({
    name,
    sizeGb: z.number().positive().max(10_000),
    /** total VRAM the job needs, across its GPUs */
    vramGb: z.number().positive().max(10_000),
  }),
  gpus: z.strictObject({
    count: z.int().positive().max(64),
    models: z.array(name).min(1).optional(),
  }),
  priceCap: z.strictObject({ perSecond: baseUnits }),
  regions: z.array(name).min(1).optional(),
  spotAllowed: z.boolean(),
  health: z
    .strictObject({
      path: z.string().regex(/^\/[^\s]*$/, 'an absolute URL path such as /health'),
      readyTimeoutSec: z.int().positive().max(3_600).default(600),
    })
    .default({ path: '/health', readyTimeoutSec: 600 }),
  failover: z
    .strictObject({
      policy: z.enum(['migrate', 'restart', 'none']),
      maxDowntimeSec: z.int().positive().max(3_600).default(120),
    })
    .default({ policy: 'migrate', maxDowntimeSec: 120 }),
})

export type JobSpec = z.infer<typeof jobSpecSchema>
export type JobSpecInput = z.input<typeof jobSpecSchema>

/**
 * A spec from YAML/JSON text or an already-parsed object (the wire). Every bad field is
 * reported at once, by path.
 */
export function parseJobSpec(input: string | unknown): JobSpec {
  let document: unknown = input
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_SPEC_BYTES) {
      throw new InvalidJobSpecError([{ path: '', message: `larger than ${MAX_SPEC_BYTES} bytes` }])
    }
    try {
      document = parseYaml(input)
    } catch (err) {
      throw new InvalidJobSpecError([{ path: '', message: `not YAML: ${(err as Error).message.split('\n')[0]}` }])
    }
  }
  const result = jobSpecSchema.safeParse(document)
  if (!result.success) throw new InvalidJobSpecError(specIssues(result.error))
  return result.data
}

/** sha256 over the spec's canonical JSON (RFC 8785) under a domain tag: the lease's `jobSpecHash`. */
export function jobSpecHash(spec: JobSpec): Uint8Array {
  return new Uint8Array(createHash('sha256').update(canonicalBytes(JOB_SPEC_DOMAIN, spec)).digest())
}

/** The runtime the spec asks for: an image needs a container engine, a command a process. */
export function runtimeOf(spec: JobSpec): Runtime {
  return spec.run.kind === 'image' ? 'container' : 'process'
}

/** The planner's view of the spec: what `fits` checks against a provider's capability. */
export function requirementOf(spec: JobSpec): Requirement {
  return {
    vramGb: spec.model.vramGb,
    gpus: spec.gpus.count,
    ...(spec.gpus.models !== undefined ? { gpuModels: spec.gpus.models } : {}),
    ...(spec.regions !== undefined ? { regions: spec.regions } : {}),
    spotAllowed: spec.spotAllowed,
    runtime: runtimeOf(spec),
    model: { name: spec.model.name, sizeGb: spec.model.sizeGb },
  }
}

/** `{port}` and `{model}` in a spec's args, filled in for one run. */
export function fillPlaceholders(values: string[], fill: { port: number; model: string }): string[] {
  return values.map((v) => v.replaceAll('{port}', String(fill.port)).replaceAll('{model}', fill.model))
}
