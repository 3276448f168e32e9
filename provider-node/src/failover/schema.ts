import type { FailoverPhaseKind, JobSpec } from '@synkti/jobs'
import {
  type Capability,
  CLOUDS,
  type Requirement,
  RUNTIMES,
  type Slot,
  validateCapability,
  validateRequirement,
} from '@synkti/planner'
import * as z from 'zod'
import { FAILOVER_ID_PATTERN, FAILOVER_PHASE_KINDS, FAILOVER_STATE_VERSION } from './constants.js'
import type { FailoverState } from './phases.js'

/**
 * The persisted failover document, checked on load: a file that a crash, a disk or a person
 * damaged must not steer the node. Its output type is `FailoverState` (checked below).
 *
 * It leans on the planner only, not on @synkti/p2p or @synkti/jobs, whose import costs
 * seconds: a restarted node reads its failovers first. The job spec inside was validated when
 * the job was admitted and is validated again by the taker that receives it; here it only has
 * to be an object.
 */

/** The planner's own rules, after the shape is known to be right. */
const ruledBy =
  <T>(validate: (value: T) => T) =>
  (value: T): boolean => {
    try {
      validate(value)
      return true
    } catch {
      return false
    }
  }

const capabilitySchema = z
  .strictObject({
    gpu: z.strictObject({ model: z.string().min(1), count: z.int(), vramGb: z.number() }),
    cloud: z.enum(CLOUDS),
    region: z.string(),
    zone: z.string(),
    spot: z.boolean(),
    runtimes: z.array(z.enum(RUNTIMES)),
    cachedModels: z.array(z.string()),
    diskGb: z.number(),
  })
  .refine(ruledBy<Capability>(validateCapability), 'not a valid capability')

const requirementSchema = z
  .strictObject({
    vramGb: z.number(),
    gpus: z.int(),
    gpuModels: z.array(z.string()).optional(),
    regions: z.array(z.string()).optional(),
    spotAllowed: z.boolean(),
    runtime: z.enum(RUNTIMES),
    model: z.strictObject({ name: z.string(), sizeGb: z.number() }),
  })
  .refine(ruledBy<Requirement>(validateRequirement), 'not a valid requirement')

const specSchema = z.custom<JobSpec>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'not an object')

const ms = z.number().nonnegative()
const text = z.string().max(4096)
const operator = z.string().min(1).max(64)

const targetSchema = z.strictObject({ operator, provider: operator, addresses: z.array(z.string().max(256)).max(64) })

// The planner's units are branded numbers; the document carries them as plain, checked numbers.
const slotSchema = z
  .strictObject({
    id: z.string().min(1).max(128),
    capability: capabilitySchema,
    price: ms,
    bandwidth: z.number().positive(),
    latency: ms,
    load: z.number().min(0).max(1),
  })
  .transform((s) => s as Slot)

const candidateSchema = z.strictObject({ target: targetSchema, slot: slotSchema })
const declineSchema = z.strictObject({ operator, reason: text, at: ms })
const migrationSchema = z.discriminatedUnion('via', [
  z.strictObject({ via: z.literal('handoff'), signature: z.string().min(1).max(128) }),
  z.strictObject({ via: z.literal('observed'), observedAt: ms }),
])
const phaseKind = z.enum(FAILOVER_PHASE_KINDS)

const failureSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('no-candidates'),
    found: z.int().nonnegative(),
    excluded: z.strictObject({ self: z.int().nonnegative(), unfit: z.int().nonnegative() }),
  }),
  z.strictObject({ kind: z.literal('unplaced'), candidates: z.int().nonnegative(), detail: text }),
  z.strictObject({
    kind: z.literal('all-declined'),
    declined: z.array(declineSchema),
    exhausted: z.enum(['candidates', 'attempts']),
  }),
  z.strictObject({ kind: z.literal('migrate-rejected'), target: operator, detail: text }),
  z.strictObject({ kind: z.literal('lease-elsewhere'), operator }),
  z.strictObject({
    kind: z.literal('spawn-failed'),
    target: operator,
    phase: z.enum(['spawning', 'health']),
    detail: text,
  }),
  z.strictObject({ kind: z.literal('deadline'), phase: phaseKind }),
  z.strictObject({ kind: z.literal('error'), phase: phaseKind, name: text, message: text }),
])

const moved = { target: targetSchema, migration: migrationSchema }

/** The phase union; `extra` adds fields to every variant (`endedAt` for closed phases). */
function phaseUnion<E extends z.core.$ZodLooseShape>(extra: E) {
  const variant = <K extends FailoverPhaseKind, D extends z.ZodType>(kind: K, data: D) =>
    z.strictObject({ kind: z.literal(kind), startedAt: ms, data, ...extra })
  return z.discriminatedUnion('kind', [
    variant('serving', z.strictObject({})),
    variant('draining', z.strictObject({})),
    variant('selecting', z.strictObject({ candidates: z.array(candidateSchema).nullable() })),
    variant(
      'handing-off',
      z.strictObject({ target: targetSchema, attempt: z.int().positive(), alternatives: z.array(candidateSchema) }),
    ),
    variant('spawning', z.strictObject(moved)),
    variant('health', z.strictObject({ ...moved, jobId: z.string().min(1).max(128) })),
    variant('restored', z.strictObject({ ...moved, jobId: z.string().min(1).max(128), endpoint: text })),
    variant('failed', z.strictObject({ reason: failureSchema, target: targetSchema.nullable() })),
  ])
}

export const failoverStateSchema = z.strictObject({
  v: z.literal(FAILOVER_STATE_VERSION),
  id: z.string().regex(FAILOVER_ID_PATTERN),
  lease: operator,
  trigger: z.enum(['interruption', 'rebalance', 'manual']),
  self: operator,
  job: z.strictObject({
    jobId: z.string().min(1).max(128),
    spec: specSchema,
    requirement: requirementSchema,
    expectedDurationSec: ms,
  }),
  deadline: ms,
  maxOffers: z.int().positive(),
  declined: z.array(declineSchema),
  phase: phaseUnion({}),
  history: z.array(phaseUnion({ endedAt: ms })),
  oldDrainedAt: ms.nullable(),
}) satisfies z.ZodType<FailoverState>
