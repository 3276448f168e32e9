import { PublicKey } from '@solana/web3.js'
import type { Lease } from '@synkti/market'
import type { NodeComponents, Startable } from './components.js'
import { leaseEndReason } from './reconcile.js'

/** How often the leases of running jobs are read again. */
const LEASE_CHECK_MS = 3_000

export interface LeaseReconcilerComponents extends Pick<NodeComponents, 'config' | 'client' | 'jobs' | 'log'> {
  /** leases being moved by a failover or taken over here: theirs is not this check's to stop */
  busy(lease: string): boolean
}

/**
 * The chain is the truth about leases: every few seconds each running job's lease is read, and
 * a job whose lease ended, is disputed or pays another provider is stopped (`leaseEndReason`),
 * so its GPU is free for the next lease and no unpaid work goes on.
 */
export class LeaseReconciler implements Startable {
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly components: LeaseReconcilerComponents) {}

  start(): void {
    this.timer = setInterval(() => void this.reconcile(), LEASE_CHECK_MS)
    this.timer.unref()
  }

  /** One pass over the running jobs. */
  async reconcile(): Promise<void> {
    const { config, client, jobs, log, busy } = this.components
    for (const lease of jobs.live()) {
      if (busy(lease)) continue
      const onChain = await client.fetchLease(new PublicKey(lease)).then(
        (l): Lease | 'closed' | 'unreachable' => l,
        // an unreachable RPC says nothing about the lease: keep serving
        (err: Error) => (err.name === 'AccountNotFoundError' ? 'closed' : 'unreachable'),
      )
      const reason = leaseEndReason(onChain, config.provider)
      if (reason !== null) {
        log({ event: 'job-ended', lease, reason })
        await jobs.stop(lease, reason, config.drainDeadlineMs).catch(() => undefined)
      }
    }
  }

  beforeStop(): void {
    clearInterval(this.timer)
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
