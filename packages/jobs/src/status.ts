import { capabilitySchema } from '@synkti/vocabulary'
import * as z from 'zod'
import { NODE_STATUS_VERSION } from './constants.js'
import { MalformedNodeStatusError } from './errors.js'
import { specIssues } from './issues.js'

/**
 * What a provider node says about itself: the same document behind its HTTP /status (signed),
 * its status page and the P2P status protocol. Consumers validate it: it is another party's
 * claim, checked against the chain where the chain knows better (lease, stake, reputation).
 */

const address = z.string().min(32).max(44)
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/)
const unixSeconds = z.int().nonnegative()
const epochMs = z.number().nonnegative()

export const JOB_STATES = ['starting', 'healthy', 'draining', 'stopped', 'failed', 'handed-off'] as const
export type JobViewState = (typeof JOB_STATES)[number]

export const jobViewSchema = z.strictObject({
  /** jobs are keyed by their lease: one lease pays for one job */
  jobId: z.string().min(1).max(128),
  lease: address,
  consumer: address,
  model: z.string().max(128),
  state: z.enum(JOB_STATES),
  /** the OpenAI-compatible server, once healthy */
  endpoint: z.string().max(512).nullable(),
  startedAt: unixSeconds,
  healthyAt: unixSeconds.nullable(),
  /** the operator that took the job over in a failover */
  handedOffTo: address.nullable(),
  /** why the job failed or stopped */
  reason: z.string().max(512).nullable(),
  /**
   * A model job's engine, once known: where its weights came from and how long that took, then
   * the engine's own load (from its `loaded` event). Absent for command and image jobs, and in
   * statuses of nodes before it was reported.
   */
  engine: z
    .strictObject({
      name: z.enum(['llamacpp', 'vllm']),
      /** `cache`, or the source the weights were fetched from (e.g. `s3://bucket/sha256/`) */
      weightsFrom: z.string().max(512),
      weightsMs: z.number().nonnegative(),
      /** llama.cpp's backend (`cpu`, `cuda`, `vulkan`) and its load time, once loaded */
      backend: z.string().max(32).nullable(),
      loadMs: z.number().nonnegative().nullable(),
    })
    .optional(),
})
export type JobView = z.infer<typeof jobViewSchema>

export const FAILOVER_PHASES = [
  'serving',
  'draining',
  'selecting',
  'handing-off',
  'spawning',
  'health',
  'restored',
  'failed',
] as const
export type FailoverPhaseKind = (typeof FAILOVER_PHASES)[number]

export const failoverViewSchema = z.strictObject({
  id: z.string().min(1).max(128),
  lease: address,
  trigger: z.enum(['interruption', 'rebalance', 'manual']),
  phase: z.enum(FAILOVER_PHASES),
  phases: z
    .array(z.strictObject({ kind: z.enum(FAILOVER_PHASES), startedAt: epochMs, endedAt: epochMs.nullable() }))
    .max(64),
  target: address.nullable(),
  reason: z.string().max(512).nullable(),
})
export type FailoverView = z.infer<typeof failoverViewSchema>

export const seriesReportSchema = z.strictObject({
  name: z.enum(['memory', 'gpu', 'requests']),
  samples: z.int().nonnegative(),
  periodsSec: z.array(z.number().positive()).max(16),
  threshold: z.number(),
  timeToThresholdSec: z.strictObject({ earliest: z.number(), likely: z.number(), latest: z.number() }).nullable(),
})
export type SeriesReport = z.infer<typeof seriesReportSchema>

export const RUNWAY_LEVELS = ['ok', 'low', 'exhausted'] as const
export type RunwayLevel = (typeof RUNWAY_LEVELS)[number]

/**
 * How long a served lease's escrow still pays, as the node sees it: `low` is the node's warning
 * (the consumer tops up or the job stops when it runs out), `exhausted` means it is being stopped.
 */
export const runwayViewSchema = z.strictObject({
  lease: address,
  level: z.enum(RUNWAY_LEVELS),
  /** `paidThrough − now` when the node last read the lease; negative once service runs past it */
  secondsLeft: z.int(),
  /** chain unix seconds up to which the escrow pays: the last settlement plus what is left buys */
  paidThrough: unixSeconds,
})
export type RunwayView = z.infer<typeof runwayViewSchema>

export const nodeStatusSchema = z.strictObject({
  v: z.literal(NODE_STATUS_VERSION),
  operator: address,
  market: address,
  /** the provider account (PDA) this operator serves */
  provider: address,
  role: z.enum(['worker', 'deployer']),
  context: z.strictObject({
    kind: z.enum(['aws', 'hetzner', 'ovh', 'workstation', 'override']),
    region: z.string().max(64).optional(),
    zone: z.string().max(64).optional(),
    spot: z.boolean(),
  }),
  /** false while draining or failing over: no new leases */
  admitting: z.boolean(),
  capability: capabilitySchema,
  pricePerSecond: decimal,
  at: unixSeconds,
  jobs: z.array(jobViewSchema).max(1_000),
  failovers: z.array(failoverViewSchema).max(1_000),
  /** null when the RPC could not be read */
  chain: z
    .strictObject({
      staked: decimal,
      earned: decimal,
      providerStatus: z.enum(['active', 'paused', 'exiting', 'unregistered']),
      reputation: z.record(z.string(), decimal),
    })
    .nullable(),
  settlement: z.strictObject({
    queued: z.int().nonnegative(),
    lastAttestedAt: unixSeconds.nullable(),
    lastError: z.string().max(512).nullable(),
  }),
  prognostics: z.strictObject({
    series: z.array(seriesReportSchema).max(8),
    risk: z.number().min(0).max(1),
    spareRequested: z.boolean(),
  }),
  /** the escrow runway of each lease served; absent in statuses of nodes before it was reported */
  runway: z.array(runwayViewSchema).max(1_000).optional(),
  /** sha256 of every weights file in the node's model cache; absent in statuses of nodes before it was reported */
  cachedWeights: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(10_000)
    .optional(),
})
export type NodeStatus = z.infer<typeof nodeStatusSchema>

/** A node's status from the wire, checked field by field. */
export function parseNodeStatus(document: unknown): NodeStatus {
  const result = nodeStatusSchema.safeParse(document)
  if (!result.success) throw new MalformedNodeStatusError(specIssues(result.error))
  return result.data
}

/** The escrow runway a status reports for `lease`, if any (none from a node that does not report it). */
export function runwayOfLease(status: NodeStatus, lease: string): RunwayView | undefined {
  return status.runway?.find((r) => r.lease === lease)
}

/** The job a status reports for `lease`, if any. */
export function jobOfLease(status: NodeStatus, lease: string): JobView | undefined {
  return status.jobs.find((job) => job.lease === lease)
}
