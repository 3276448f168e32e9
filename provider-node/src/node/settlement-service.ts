import { PublicKey } from '@solana/web3.js'
import type { ReceiptDecision, ReceiptSubmission } from '@synkti/p2p'
import { createNodeMetrics } from '../api/index.js'
import {
  checkReceipt,
  createSettlementLoop,
  type DropReason,
  type ReceiptBook,
  type SettlementEvent,
  type SettlementLoop,
  type SettlementStatus,
} from '../settlement/index.js'
import type { NodeComponents, Startable } from './components.js'
import { refusal } from './errors.js'
import { settlementNodeEvent } from './events.js'
import { fetchLease } from './lease-lookup.js'

export interface SettlementComponents
  extends Pick<NodeComponents, 'config' | 'operator' | 'client' | 'jobs' | 'registry' | 'log'> {
  /** the consumers' usage receipts kept on disk, opened before anything can submit one */
  receipts: ReceiptBook
  /** leases being moved by a failover or taken over here: theirs is not this service's to stop */
  busy(lease: string): boolean
}

/**
 * Drops that are not a failed attestation: already settled (a crash after it confirmed), or a
 * lease that can no longer be billed and whose job is stopped (disputed, reopened at its address).
 */
const NOT_FAILED: ReadonlySet<DropReason> = new Set<DropReason>(['already-settled', 'disputed', 'lease-reopened'])

/** Whether a settlement event counts as a failed attestation (`attestations_sent_total{outcome="error"}`). */
export function failedAttestation(event: SettlementEvent): boolean {
  return event.kind === 'deferred' || (event.kind === 'dropped' && !NOT_FAILED.has(event.reason))
}

/**
 * Getting paid: the settlement loop (`../settlement`, unchanged) attests the usage of the leases
 * this node serves, and `/synkti/receipt/1.0.0` keeps the consumers' receipts it attests with.
 * This service feeds the loop the served leases, counts its attestations in the metrics, logs
 * its events and stops the job of a lease the loop says is no longer paid for (`stop`: disputed,
 * or reopened at its address); it owns no settlement rule itself.
 */
export class SettlementService implements Startable {
  private current: SettlementLoop | undefined

  constructor(private readonly components: SettlementComponents) {}

  async start(): Promise<void> {
    const { config, operator, client, jobs, registry, receipts, log, busy } = this.components
    const metrics = createNodeMetrics(registry)
    this.current = await createSettlementLoop({
      client,
      operator,
      provider: new PublicKey(config.provider),
      stateDir: config.stateDir,
      leases: () => jobs.served().map((s) => ({ lease: new PublicKey(s.lease), since: s.since })),
      receipts,
      ...(config.settlementIntervalSec !== undefined ? { intervalSec: config.settlementIntervalSec } : {}),
      onEvent: (event) => {
        if (event.kind === 'attested') metrics.attestationsSent.inc({ outcome: 'ok' })
        if (failedAttestation(event)) metrics.attestationsSent.inc({ outcome: 'error' })
        log(settlementNodeEvent(event))
        if (event.kind === 'stop' && !busy(event.lease)) {
          // serving on would be unpaid; a job that is already gone or stopped is no error
          void jobs.stop(event.lease, event.reason, config.drainDeadlineMs).catch(() => undefined)
        }
      },
    })
    this.current.start()
  }

  /** The loop once started, else undefined. */
  get loop(): SettlementLoop | undefined {
    return this.current
  }

  status(): SettlementStatus {
    return this.current?.status() ?? { queued: 0, lastAttestedAt: null, lastError: null }
  }

  /**
   * `/synkti/receipt/1.0.0`: a consumer's usage receipt, kept if the chain would take it (this
   * provider, the lease's receipt signer, a valid signature); the next attestation uses it.
   */
  async onReceipt(submission: ReceiptSubmission): Promise<ReceiptDecision> {
    const { config, client, receipts, log } = this.components
    try {
      const lease = await fetchLease(client, submission.lease)
      const stored = checkReceipt(submission, lease, config.provider)
      const kept = await receipts.put(stored)
      log({ event: 'receipt', lease: submission.lease, from: stored.from, until: stored.until, kept })
      return { accepted: true }
    } catch (err) {
      log({ event: 'receipt-refused', lease: submission.lease, reason: refusal(err) })
      return { accepted: false, reason: refusal(err) }
    }
  }

  async stop(): Promise<void> {
    await this.current?.[Symbol.asyncDispose]()
  }
}
