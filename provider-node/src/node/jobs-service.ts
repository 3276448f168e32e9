import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { PublicKey } from '@solana/web3.js'
import { chainNow, isStalled } from '@synkti/market'
import type { NodeComponents, Startable } from './components.js'
import type { GoneLeaseOutcome } from './events.js'
import { JobRecords } from './job-records.js'

/** The file `synkti-provider drain` writes into the state directory: the node's next stop drains. */
export const DRAIN_REQUEST_FILE = 'drain-requested'

export function drainRequestPath(stateDir: string): string {
  return join(stateDir, DRAIN_REQUEST_FILE)
}

/**
 * The jobs' life around the node's own. At start, the jobs a previous run of this node started
 * are taken back: those still running are adopted (served again, not started twice); those that
 * ended while the node was down are reported as failed and their leases closed at once (so the
 * consumer is not billed on until the next attestation gap; a lease already past its gap is left
 * to the consumer's reclaim, which bills nothing more). A job that ends on its own while the
 * node runs is handled the same way. At stop, the jobs are left running for the next start when
 * `leaveJobs` (a restart: `synkti-provider run` on Ctrl-C, a plain kill, a service manager's
 * restart), else drained; when a drain was asked for (`synkti-provider drain`), every job is
 * drained and its lease closed as the operator.
 */
export class JobsService implements Startable {
  /** at stop, leave the jobs running (a restart) instead of draining them; a drain request wins */
  leaveJobs = false

  constructor(private readonly components: Pick<NodeComponents, 'config' | 'jobs' | 'log' | 'client' | 'operator'>) {}

  private get records(): JobRecords {
    return new JobRecords(join(this.components.config.stateDir, 'jobs'))
  }

  async start(): Promise<void> {
    const { jobs, log } = this.components
    jobs.onGone((lease, lastHealthyAt) => this.endLease(lease, lastHealthyAt, 'the job exited on its own'))
    const records = this.records
    for (const record of await records.load()) {
      if (jobs.adopt(record)) {
        log({ event: 'job-adopted', lease: record.lease, pid: record.pid })
        continue
      }
      const seen = record.healthyAt ?? null
      jobs.gone(record, 'the job exited while the node was down')
      await this.endLease(record.lease, seen, 'the job exited while the node was down')
      await records.remove(record.lease)
    }
  }

  /** A gone job's lease: closed while the chain lets the node bill no further than now (`job-gone` says what became of it). */
  private async endLease(lease: string, lastHealthyAt: number | null, why: string): Promise<void> {
    const { outcome, detail } = await this.closeLease(lease, { unlessStalled: true })
    this.components.log({ event: 'job-gone', lease, lastHealthyAt, outcome, detail: `${why}; ${detail}` })
  }

  /**
   * Closes a lease this node serves as the operator: the chain settles it up to now (capped at one
   * attestation gap past its last activity) and refunds the rest. `unlessStalled`: a lease past
   * its gap is left alone, since a close would bill the whole gap, and the consumer's reclaim
   * bills nothing more.
   */
  private async closeLease(
    lease: string,
    { unlessStalled }: { unlessStalled: boolean },
  ): Promise<{ outcome: GoneLeaseOutcome; detail: string }> {
    const { client, config, operator } = this.components
    try {
      const address = new PublicKey(lease)
      const onChain = await client.fetchLease(address)
      if (onChain.status.kind !== 'active' || onChain.provider.toBase58() !== config.provider) {
        return { outcome: 'not-served', detail: `the lease is ${onChain.status.kind}` }
      }
      if (unlessStalled) {
        const [market, now] = await Promise.all([client.fetchMarket(onChain.market), chainNow(client.connection)])
        if (isStalled(onChain, market, now)) {
          return {
            outcome: 'stalled',
            detail: `no attestation since ${onChain.lastActivityAt}, past the market's gap of ${market.maxAttestationGapSecs} s: the consumer reclaims the escrow (synkti lease reclaim ${lease})`,
          }
        }
      }
      const { signature } = await client.closeLease({ signer: operator, lease: address })
      return { outcome: 'closed', detail: `closed as the operator (${signature})` }
    } catch (err) {
      return { outcome: 'error', detail: `${(err as Error).name}: ${(err as Error).message}`.slice(0, 300) }
    }
  }

  /** Leaves the jobs running for the next start, or drains them and closes their leases when a drain was asked for. */
  async stop(): Promise<void> {
    const { config, jobs, log } = this.components
    const request = drainRequestPath(config.stateDir)
    const drain = await stat(request).then(
      () => true,
      () => false,
    )
    if (!drain && this.leaveJobs) {
      for (const { lease, pid } of await jobs.leave()) log({ event: 'job-left', lease, pid })
      return
    }
    if (!drain) {
      await jobs[Symbol.asyncDispose]()
      return
    }
    const leases = jobs.live()
    await Promise.allSettled(
      leases.map(async (lease) => {
        await jobs.stop(lease, 'the node drained', config.drainDeadlineMs)
        const { outcome, detail } = await this.closeLease(lease, { unlessStalled: false })
        if (outcome === 'closed') log({ event: 'lease-closed', lease, reason: 'the node drained', detail })
        else if (outcome === 'error') log({ event: 'lease-close-failed', lease, error: detail })
      }),
    )
    await jobs[Symbol.asyncDispose]()
    await rm(request, { force: true })
    log({ event: 'drained', leases })
  }
}
