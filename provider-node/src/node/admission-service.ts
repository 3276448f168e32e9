import { isModelJob, type JobSpec, requirementOf } from '@synkti/jobs'
import type { Lease } from '@synkti/market'
import type { JobDecision, JobRequest } from '@synkti/p2p'
import { SERVE_COMMAND } from '../context/index.js'
import { PreflightFailedError } from '../preflight/errors.js'
import { type Operation, type PreflightNeeds, runPreflight } from '../preflight/index.js'
import { type AdmissionContext, admitJob } from './admission.js'
import type { NodeComponents } from './components.js'
import { refusal } from './errors.js'
import { fetchLease } from './lease-lookup.js'
import { preflightEnv } from './preflight-env.js'
import type { NodeWeights } from './weights.js'

export interface AdmissionComponents
  extends Pick<NodeComponents, 'config' | 'operator' | 'client' | 'jobs' | 'context' | 'log'> {
  /** the P2P node's connections once it exists (the preflight's `peers` item); undefined before */
  peers(): { connected: () => number; bootstrap: number } | undefined
  /** the node's model cache and weights sources (the preflight's `weights` item for a model job) */
  weights?: NodeWeights
}

/**
 * Admission: whether this node takes new work, the Banker's check before each operation, and
 * `/synkti/job/1.0.0` (observe the lease, spec, fit and preflight, then accept on chain, then
 * start). Only paid work gets in: the decision itself is the pure `admitJob`; this service
 * gathers what it needs and acts on the answer. The hand-off taker asks it too.
 */
export class AdmissionService {
  private admittingNow = true

  constructor(private readonly components: AdmissionComponents) {}

  /** Whether it takes new work: a worker that is not draining. A deployer never does. */
  get admitting(): boolean {
    return this.admittingNow && this.components.context.role === 'worker'
  }

  /** Stops taking new work (draining before a failover or a shutdown). */
  stopAdmitting(): void {
    if (!this.admittingNow) return
    this.admittingNow = false
    this.components.log({ event: 'admitting', admitting: false })
  }

  /** The Banker's check for `operation`; throws PreflightFailedError (with the report) when an item fails. */
  async gate(operation: Operation, spec?: JobSpec): Promise<void> {
    await gate(this.components, operation, spec)
  }

  /** What this node knows about itself when it decides on `lease` (a submission or a hand-off). */
  async contextFor(lease: Lease): Promise<AdmissionContext> {
    const { config, client, jobs } = this.components
    const market = await client.fetchMarket(lease.market)
    return {
      provider: config.provider,
      capability: config.capability,
      admitting: this.admitting,
      ...(this.components.context.role !== 'worker'
        ? {
            notAdmittingReason: `this node is a ${this.components.context.role}: it serves no leases (its operator serves with ${SERVE_COMMAND})`,
          }
        : {}),
      allowCommands: config.allowCommands,
      usedVramGb: jobs.usedVramGb(),
      pricePerSecond: BigInt(config.pricePerSecond),
      gapSecs: market.maxAttestationGapSecs,
    }
  }

  /** `/synkti/job/1.0.0`: observe (lease, spec, fit, preflight), then accept on chain, then start. */
  async onJob(request: JobRequest): Promise<JobDecision> {
    const { client, operator, jobs, log } = this.components
    try {
      const lease = await fetchLease(client, request.lease)
      const admission = admitJob(
        { lease: request.lease, consumer: request.consumer, spec: request.spec },
        lease,
        await this.contextFor(lease),
      )
      let since = lease.settledUntil
      if (admission.accept) {
        await this.gate('accept-lease', admission.spec)
        const { events } = await client.acceptLease({ operator, lease: lease.address })
        const accepted = events.find((e) => e.name === 'LeaseAccepted')
        if (accepted?.name === 'LeaseAccepted') since = accepted.data.acceptedAt
        log({ event: 'lease-accepted', lease: request.lease, since })
      }
      jobs.start(request.lease, request.consumer, admission.spec, since)
      return { accepted: true, jobId: request.lease }
    } catch (err) {
      log({ event: 'job-refused', lease: request.lease, reason: refusal(err) })
      return { accepted: false, reason: refusal(err) }
    }
  }
}

/**
 * The Banker's check for `operation`, logged; throws PreflightFailedError (with the report)
 * when an item fails. The node runs it for `start` before any service exists.
 */
export async function gate(
  components: Pick<AdmissionComponents, 'config' | 'client' | 'log' | 'peers' | 'weights'>,
  operation: Operation,
  spec?: JobSpec,
): Promise<void> {
  const { config, client, log } = components
  const report = await runPreflight(
    operation,
    preflightEnv(config, client, components.peers(), components.weights),
    spec === undefined ? undefined : preflightNeeds(spec),
  )
  log({
    event: 'preflight',
    operation,
    ok: report.ok,
    failed: report.checks.filter((c) => c.status.kind === 'failed').map((c) => c.id),
  })
  if (!report.ok) throw new PreflightFailedError(report)
}

/**
 * What the preflight checks for `spec`: its requirement, and the command it runs (a model job's
 * is this node's own Node.js, running synkti-engine), its weights and the engine it asks for.
 */
export function preflightNeeds(spec: JobSpec): PreflightNeeds {
  const requirement = requirementOf(spec)
  if (isModelJob(spec)) {
    return {
      requirement,
      command: process.execPath,
      weights: { sha256: spec.model.sha256, sizeBytes: spec.model.sizeBytes },
      engine: spec.run.engine,
    }
  }
  return { requirement, ...(spec.run.kind === 'command' ? { command: spec.run.command } : {}) }
}
