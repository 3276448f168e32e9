/**
 * `synkti job status ID`: the lease as the chain has it, and the job as its current provider
 * signs it. When the provider cannot be asked, the chain part is still printed and the run
 * fails with the reason, so scripts see a non-zero exit. Once the lease has ended, the chain
 * says why and the node is asked only for what it remembers: its silence is no failure.
 */
import type { PublicKey } from '@solana/web3.js'
import { type FailoverView, type JobView, jobOfLease } from '@synkti/jobs'
import { chainNow } from '@synkti/market'
import { askStatus, leaseAndProvider } from '../ask.js'
import { type LeaseRunway, type LeaseView, leaseRunway, leaseView, rpc } from '../chain.js'
import type { Deps } from '../context.js'
import { JobUnknownToProviderError } from '../errors.js'

export interface StatusOptions {
  lease: PublicKey
}

export type NodeAnswer =
  | {
      reachable: true
      /** unix seconds the node signed its status */
      at: number
      admitting: boolean
      job: JobView | null
      failovers: FailoverView[]
    }
  | { reachable: false; error: string }

export interface StatusResult {
  kind: 'job-status'
  lease: LeaseView
  /** what the escrow pays for from now on, usage since the last settlement taken off; null once ended */
  runway: LeaseRunway | null
  operator: string
  node: NodeAnswer
}

export async function run(options: StatusOptions, deps: Deps): Promise<{ result: StatusResult; failure?: Error }> {
  const { lease, provider } = await leaseAndProvider(deps.client, options.lease)
  const operator = provider.operator.toBase58()
  const address = options.lease.toBase58()
  // the chain's clock: service is billed in chain seconds
  const runway =
    lease.status.kind === 'ended'
      ? null
      : leaseRunway(lease, await rpc(deps.client, () => chainNow(deps.client.connection)))
  const partial = { kind: 'job-status', lease: leaseView(lease), runway, operator } as const
  const ended = lease.status.kind === 'ended'
  try {
    const node = await deps.p2p()
    const status = await askStatus(node, lease.market.toBase58(), operator)
    const job = jobOfLease(status, address) ?? null
    const result: StatusResult = {
      ...partial,
      node: {
        reachable: true,
        at: status.at,
        admitting: status.admitting,
        job,
        failovers: status.failovers.filter((f) => f.lease === address),
      },
    }
    return job === null && !ended ? { result, failure: new JobUnknownToProviderError(address, operator) } : { result }
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err))
    const result: StatusResult = { ...partial, node: { reachable: false, error: error.name } }
    return ended ? { result } : { result, failure: error }
  }
}
