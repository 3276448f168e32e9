import { setTimeout as sleep } from 'node:timers/promises'
import { PublicKey } from '@solana/web3.js'
import { isModelJob, type JobSpec } from '@synkti/jobs'
import { chainNow } from '@synkti/market'
import type { HandoffConfirmation, HandoffDecision, HandoffOffer } from '@synkti/p2p'
import { admitJob } from './admission.js'
import type { AdmissionService } from './admission-service.js'
import type { NodeComponents, Startable } from './components.js'
import { LeaseNotForThisProviderError, LeaseNotServableError, refusal, UnknownLeaseError } from './errors.js'
import { fetchLease } from './lease-lookup.js'
import type { NodeWeights } from './weights.js'

/** A hand-off confirmation may arrive before the RPC the taker reads has the migration. */
const MIGRATION_VISIBLE_TRIES = 20
const MIGRATION_VISIBLE_STEP_MS = 250
/** How often a taker checks the chain for a migration nobody confirmed. */
const TAKEOVER_WATCH_MS = 1_000

export interface HandoffTakerComponents
  extends Pick<NodeComponents, 'config' | 'operator' | 'client' | 'jobs' | 'log'> {
  admission: Pick<AdmissionService, 'contextFor' | 'gate'>
  /** a giver whose offer says it caches the job's weights is asked for them first */
  weights?: Pick<NodeWeights, 'prefer'>
}

interface PendingTakeover {
  spec: JobSpec
  consumer: string
  /** chain unix seconds of the hand-off: the taker's billing starts there */
  since: number
}

/**
 * The taker's side of `/synkti/handoff/1.0.0`: a peer being taken back by its cloud offers a
 * lease; this node checks it is the offering operator's and fits here, answers with
 * migrate_lease signed by itself, and starts the job once: when the giver confirms, or when the
 * chain shows the migration if the giver died before confirming. Apart from admission because
 * a hand-off is checked against the giver's lease and held pending until the chain agrees.
 */
export class HandoffTaker implements Startable {
  private readonly pending = new Map<string, PendingTakeover>()
  private readonly watches = new Set<Promise<void>>()
  private readonly stopping = new AbortController()

  constructor(private readonly components: HandoffTakerComponents) {}

  start(): void {}

  /** A lease offered here whose migration has not been seen yet: nobody else may stop its job. */
  isPending(lease: string): boolean {
    return this.pending.has(lease)
  }

  /**
   * Taker's side of `/synkti/handoff/1.0.0`: the lease must be the offering operator's and the
   * job must fit here; the answer is migrate_lease signed by this operator.
   */
  async onOffer(offer: HandoffOffer): Promise<HandoffDecision> {
    const { config, operator, client, log, admission } = this.components
    try {
      const lease = await fetchLease(client, offer.lease)
      if (lease.status.kind !== 'active') throw new LeaseNotServableError(offer.lease, lease.status.kind)
      const giver = await client.fetchProvider(lease.provider)
      if (giver.operator.toBase58() !== offer.from) {
        throw new LeaseNotForThisProviderError(offer.lease, lease.provider.toBase58(), `operator ${offer.from}`)
      }
      const { spec } = admitJob(
        { lease: offer.lease, spec: offer.job.spec },
        lease,
        await admission.contextFor(lease),
        lease.provider.toBase58(),
      )
      if (isModelJob(spec) && offer.job.weightsAtGiver === true) {
        this.components.weights?.prefer(spec.model.sha256, offer.from)
      }
      await admission.gate('migrate', spec)
      const handoffAt = await chainNow(client.connection)
      const transaction = await client.prepareMigrateLease({
        oldOperator: new PublicKey(offer.from),
        newOperator: operator.publicKey,
        signer: operator,
        lease: lease.address,
        newProvider: new PublicKey(config.provider),
        handoffAt,
      })
      this.pending.set(offer.lease, { spec, consumer: lease.consumer.toBase58(), since: handoffAt })
      this.track(this.watch(offer.lease, offer.deadline))
      log({ event: 'handoff-accepted', lease: offer.lease, from: offer.from })
      return { accept: true, transaction }
    } catch (err) {
      log({ event: 'handoff-declined', lease: offer.lease, reason: refusal(err) })
      return { accept: false, reason: refusal(err) }
    }
  }

  /** The giver says the migration landed: check the chain, then start the job (once). */
  async onConfirm(confirmation: HandoffConfirmation): Promise<void> {
    const { config, client, jobs } = this.components
    if (!this.pending.has(confirmation.lease) && !jobs.has(confirmation.lease)) {
      throw new UnknownLeaseError(confirmation.lease, `no hand-off of lease ${confirmation.lease} was accepted here`)
    }
    for (let i = 0; ; i++) {
      const lease = await fetchLease(client, confirmation.lease)
      if (lease.provider.toBase58() === config.provider) break
      if (i >= MIGRATION_VISIBLE_TRIES) {
        throw new LeaseNotForThisProviderError(confirmation.lease, lease.provider.toBase58(), config.provider)
      }
      await sleep(MIGRATION_VISIBLE_STEP_MS)
    }
    this.takeOver(confirmation.lease, confirmation.transactionSignature)
  }

  /** Starts a job handed over to this node, once: the confirmation and the chain watch both lead here. */
  private takeOver(lease: string, via: string): void {
    const pending = this.pending.get(lease)
    if (pending === undefined) return
    this.pending.delete(lease)
    this.components.jobs.start(lease, pending.consumer, pending.spec, pending.since)
    this.components.log({ event: 'handoff-taken', lease, via })
  }

  /**
   * The giver may die between sending migrate_lease and confirming it: the chain then says the
   * lease is ours and nobody will tell us. Until the offer's deadline, the chain is watched too.
   */
  private async watch(lease: string, deadlineSec: number): Promise<void> {
    const { config, client } = this.components
    while (this.pending.has(lease) && Date.now() / 1000 < deadlineSec && !this.stopping.signal.aborted) {
      await sleep(TAKEOVER_WATCH_MS)
      const onChain = await client.fetchLease(new PublicKey(lease)).catch(() => null)
      if (onChain?.provider.toBase58() === config.provider) this.takeOver(lease, 'chain')
    }
    this.pending.delete(lease)
  }

  private track(work: Promise<void>): void {
    this.watches.add(work)
    void work.finally(() => this.watches.delete(work))
  }

  beforeStop(): void {
    this.stopping.abort(new Error('node stopping'))
  }

  /** Waits for the chain watches to see the stop (each within one step). */
  async stop(): Promise<void> {
    this.beforeStop()
    await Promise.allSettled([...this.watches])
  }
}
