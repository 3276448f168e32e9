import { isModelJob, type JobSpec, jobSpecHash, parseJobSpec, requirementOf } from '@synkti/jobs'
import type { Lease } from '@synkti/market'
import { type Capability, fits, totalVramGb } from '@synkti/planner'
import {
  CommandNotAllowedError,
  ConsumerMismatchError,
  EngineNotAvailableError,
  JobDoesNotFitError,
  LeaseNotForThisProviderError,
  LeaseNotServableError,
  LeaseUnfundedError,
  NodeNotAdmittingError,
  SpecHashMismatchError,
} from './errors.js'

/** What a node knows about itself when it decides on a job. */
export interface AdmissionContext {
  /** this node's provider account */
  provider: string
  capability: Capability
  admitting: boolean
  /** why not, when it is not for want of draining (a deployer serves no leases) */
  notAdmittingReason?: string
  allowCommands: readonly string[]
  /** VRAM (GB) the jobs already running here hold */
  usedVramGb: number
  /** this node's price (base units per second): what a lease handed over would pay here */
  pricePerSecond: bigint
  /** the market's attestation gap: escrow must cover at least this long at the price */
  gapSecs: number
}

/** Escrow left for service: deposits less what was paid out. */
export function escrowAvailable(lease: Lease): bigint {
  return lease.deposited - lease.paidToProviders - lease.feesPaid
}

/** A verified submission (or a hand-off offer): who asks, for which lease, with which spec. */
export interface JobClaim {
  lease: string
  /** the key that signed the submission (the consumer), or undefined for a hand-off */
  consumer?: string
  spec: unknown
}

/** Run it; `accept` says whether accept_lease must be sent first (the lease is still open). */
export interface Admission {
  spec: JobSpec
  accept: boolean
}

/**
 * Pure decision on a job: the chain's lease, the node's own state and the claim. Every refusal
 * is a named error; nothing is started before this returns.
 * `expectedProvider` is whose lease it must be: this node's for a submission, the giver's for
 * a hand-off.
 */
export function admitJob(
  claim: JobClaim,
  lease: Lease,
  ctx: AdmissionContext,
  expectedProvider = ctx.provider,
): Admission {
  if (!ctx.admitting) throw new NodeNotAdmittingError(ctx.notAdmittingReason)
  const spec = parseJobSpec(claim.spec)
  if (lease.provider.toBase58() !== expectedProvider) {
    throw new LeaseNotForThisProviderError(claim.lease, lease.provider.toBase58(), expectedProvider)
  }
  if (claim.consumer !== undefined && lease.consumer.toBase58() !== claim.consumer) {
    throw new ConsumerMismatchError(claim.lease, claim.consumer, lease.consumer.toBase58())
  }
  if (lease.status.kind === 'disputed' || lease.status.kind === 'ended') {
    throw new LeaseNotServableError(claim.lease, lease.status.kind)
  }
  // a hand-off would pay this node's price from then on; a submission pays the lease's
  const price = expectedProvider === ctx.provider ? lease.pricePerSecond : ctx.pricePerSecond
  const needed = price * BigInt(ctx.gapSecs)
  if (escrowAvailable(lease) < needed) throw new LeaseUnfundedError(claim.lease, escrowAvailable(lease), needed)
  if (!Buffer.from(jobSpecHash(spec)).equals(Buffer.from(lease.jobSpecHash))) {
    throw new SpecHashMismatchError(claim.lease)
  }
  // the node runs model jobs on llama.cpp, not (yet) vLLM: said by name, before any rule of fit
  if (isModelJob(spec) && spec.run.engine === 'vllm') {
    throw new EngineNotAvailableError('vllm', 'it serves model jobs with llama.cpp (engine auto or llamacpp)')
  }
  const fit = fits(requirementOf(spec), ctx.capability)
  if (!fit.ok) throw new JobDoesNotFitError(fit.reason)
  // `fits` judges an empty machine; the jobs already running hold part of it
  const freeGb = totalVramGb(ctx.capability) - ctx.usedVramGb
  if (spec.model.vramGb > freeGb) {
    throw new JobDoesNotFitError({ kind: 'capacity', needGb: spec.model.vramGb, freeGb })
  }
  // a model job runs an engine the node knows on weights named by hash: no consumer command runs
  // here, so `allowCommands` does not apply
  if (spec.run.kind === 'command' && !ctx.allowCommands.includes(spec.run.command)) {
    throw new CommandNotAllowedError(spec.run.command)
  }
  return { spec, accept: lease.status.kind === 'open' }
}
