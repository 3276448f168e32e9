import { PublicKey } from '@solana/web3.js'
import {
  createRunwayWatcher,
  type RunwayLeaseStatus,
  type RunwayStopReason,
  type RunwayWatcher,
} from '../runway/index.js'
import type { SettlementLoop } from '../settlement/index.js'
import type { NodeComponents, Startable } from './components.js'
import { runwayNodeEvent } from './events.js'

export interface RunwayComponents extends Pick<NodeComponents, 'config' | 'operator' | 'client' | 'jobs' | 'log'> {
  /** leases being moved by a failover or taken over here: not closed under the hand-off */
  busy(lease: string): boolean
  /** the settlement service's loop, once it started: the end of a lease is attested through it */
  settlement(): SettlementLoop | undefined
}

/**
 * Only paid work: the runway watcher (`../runway`) reads every lease this node serves, warns
 * when its escrow runs low, and when it runs out stops the job, attests the end of service
 * through the settlement loop and closes the lease as the operator; a disputed lease is stopped.
 * A lease mid-failover or mid-takeover is left out, so it is never closed under the hand-off.
 * Starts after the settlement service and stops before it.
 */
export class RunwayService implements Startable {
  private current: RunwayWatcher | undefined

  constructor(private readonly components: RunwayComponents) {}

  start(): void {
    const { config, operator, client, jobs, log, busy, settlement } = this.components
    this.current = createRunwayWatcher({
      client,
      operator,
      provider: new PublicKey(config.provider),
      leases: () => jobs.served().flatMap((s) => (busy(s.lease) ? [] : [{ lease: new PublicKey(s.lease) }])),
      stopJob: (lease: string, reason: RunwayStopReason) =>
        jobs.stop(lease, reason, config.drainDeadlineMs).catch((err: Error) => {
          // a job this node no longer has does not serve: stopped is what was asked
          if (err.name !== 'JobNotFoundError') throw err
        }),
      settle: (lease, until) => {
        const loop = settlement()
        if (loop === undefined) return Promise.reject(new Error('the settlement loop has not started'))
        return loop.settle(lease, until)
      },
      ...(config.runwayWarnSec !== undefined ? { warnBelowSec: config.runwayWarnSec } : {}),
      ...(config.runwayPollMs !== undefined ? { pollMs: config.runwayPollMs } : {}),
      onEvent: (event) => log(runwayNodeEvent(event)),
    })
    this.current.start()
  }

  /** The watcher once started, else undefined. */
  get watcher(): RunwayWatcher | undefined {
    return this.current
  }

  /** The runway of each served lease, as last read (`NodeStatus.runway`). */
  status(): RunwayLeaseStatus[] {
    // a price of 0 (which the program refuses) would never run out: not a number JSON can carry
    return (this.current?.status().leases ?? []).filter(
      (r) => Number.isSafeInteger(r.secondsLeft) && Number.isSafeInteger(r.paidThrough),
    )
  }

  /** No check begins from now on. */
  beforeStop(): void {
    void this.current?.stop()
  }

  /** Waits for a check in progress (a job draining, a close in flight). */
  async stop(): Promise<void> {
    await this.current?.stop()
  }
}
