import { createHash } from 'node:crypto'
import type { Requirement, Runtime } from '@synkti/planner'
import { canonicalBytes } from '@synkti/vocabulary'
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

/** The engines a model job may ask for; `auto` lets the node choose (and `doctor` says which and why). */
export const MODEL_ENGINES = ['auto', 'llamacpp', 'vllm'] as const
export type ModelEngine = (typeof MODEL_ENGINES)[number]
/** Weight file formats the node's engines load. */
export const MODEL_FORMATS = ['gguf'] as const

const runSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('command'), command: name, args: args.default([]), env: env.default({}) }),
  z.strictObject({ kind: z.literal('image'), image: name, args: args.default([]), env: env.default({}) }),
  /**
   * A managed model: the node runs an engine it knows on the weights the spec names by sha256,
   * so the consumer needs no command on the provider's machine. Unset fields take the engine's
   * defaults (context 2048 tokens, one request decoded at a time: answers at temperature 0 are
   * then the same wherever the job runs).
   */
  z.strictObject({
    kind: z.literal('model'),
    engine: z.enum(MODEL_ENGINES).default('auto'),
    /** tokens per request, prompt and completion together */
    contextSize: z.int().min(16).max(1_048_576).optional(),
    /** requests decoded at once; above 1, answers may differ in the last bits between runs */
    parallel: z.int().positive().max(256).optional(),
  }),
])

/** Lowercase only: the spec hash must not differ for the same weights written in another case. */
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256: 64 lowercase hex characters')
/** How a weights hash appears among a capability's `cachedModels` (and as a model job's requirement name). */
export const WEIGHTS_NAME_PREFIX = 'sha256:'
/** 10 TB: larger than any model, small enough to stay exact as a JSON number. */
const MAX_WEIGHTS_BYTES = 10 ** 13

/** A u64 in base units as a decimal string (YAML numbers would lose precision above 2^53). */
const baseUnits = z
  .union([z.string(), z.int().nonnegative()])
  .transform(String)
  .refine((s) => /^(0|[1-9][0-9]{0,19})$/.test(s) && BigInt(s) < 2n ** 64n, 'not a whole number of base units (u64)')

export const jobSpecSchema = z
  .strictObject({
    version: z.literal(1),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, . _ - (max 63)'),
    run: runSchema,
    model: z.strictObject({
      /** the served model name (what clients send as `model`) */
      name,
      /** download size of the weights (command and image jobs; a model job gives `sizeBytes`) */
      sizeGb: z.number().positive().max(10_000).optional(),
      /** total VRAM the job needs, across its GPUs */
      vramGb: z.number().positive().max(10_000),
      /** model jobs: the weights' sha256, their only name (cache, stores and peers key by it); on the lease through the spec hash */
      sha256: sha256.optional(),
      /** model jobs: the weights' exact length, checked before and while they are fetched */
      sizeBytes: z.int().positive().max(MAX_WEIGHTS_BYTES).optional(),
      /** model jobs: the file format the engine loads */
      format: z.enum(MODEL_FORMATS).optional(),
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
  .check(
    z.superRefine(modelFields, {
      // also when other fields are bad (every issue at once), but only on a run and model that parsed
      when: (payload) =>
        typeof payload.value === 'object' &&
        payload.value !== null &&
        !payload.issues.some(
          (i) => i.path === undefined || i.path.length === 0 || i.path[0] === 'run' || i.path[0] === 'model',
        ),
    }),
  )

const WEIGHTS_FIELDS = ['sha256', 'sizeBytes', 'format'] as const

/** A model job names its weights (hash, length, format); a command or image job gives their size in GB. */
function modelFields(spec: { run: { kind: string }; model: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: ['model', field], message })
  if (spec.run.kind === 'model') {
    for (const field of WEIGHTS_FIELDS) {
      if (spec.model[field] === undefined) issue(field, 'required for a model job (run.kind: model)')
    }
    if (spec.model.sizeGb !== undefined) issue('sizeGb', 'a model job gives sizeBytes instead')
  } else {
    if (spec.model.sizeGb === undefined) issue('sizeGb', `required for a ${spec.run.kind} job`)
    for (const field of WEIGHTS_FIELDS) {
      if (spec.model[field] !== undefined) issue(field, 'only for a model job (run.kind: model)')
    }
  }
}

export type JobSpec = z.infer<typeof jobSpecSchema>
export type ModelRun = Extract<JobSpec['run'], { kind: 'model' }>
/** A managed-model job: its weights are named by hash and length; the node picks and runs the engine. */
export type ModelJobSpec = JobSpec & {
  run: ModelRun
  model: JobSpec['model'] & { sha256: string; sizeBytes: number; format: (typeof MODEL_FORMATS)[number] }
}

/** Whether the spec is a managed-model job (`run.kind: model`), its weights named. */
export function isModelJob(spec: JobSpec): spec is ModelJobSpec {
  return spec.run.kind === 'model'
}

/** The weights' download size in GB: `sizeBytes` of a model job, `sizeGb` of the others. */
export function modelSizeGb(spec: JobSpec): number {
  return isModelJob(spec) ? spec.model.sizeBytes / 1e9 : (spec.model.sizeGb ?? 0)
}

/**
 * The name the planner, the preflight and a node's record know a model's weights by: a model
 * job's is its content, `sha256:<hex>` (a provider lists those it caches in its record's
 * `capability.cachedModels`); the others' is the served model name.
 */
export function weightsName(spec: JobSpec): string {
  return isModelJob(spec) ? `${WEIGHTS_NAME_PREFIX}${spec.model.sha256}` : spec.model.name
}

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

/**
 * The runtime the spec asks for: an image needs a container engine, a command a process; a model
 * job runs as a process (llama.cpp's synkti-engine) unless it asks for vLLM by name.
 */
export function runtimeOf(spec: JobSpec): Runtime {
  if (spec.run.kind === 'model') return spec.run.engine === 'vllm' ? 'vllm' : 'process'
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
    model: { name: weightsName(spec), sizeGb: modelSizeGb(spec) },
  }
}

/** `{port}` and `{model}` in a spec's args, filled in for one run. */
export function fillPlaceholders(values: string[], fill: { port: number; model: string }): string[] {
  return values.map((v) => v.replaceAll('{port}', String(fill.port)).replaceAll('{model}', fill.model))
}
