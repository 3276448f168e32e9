/**
 * `synkti job logs ID [--follow]`: the job's log lines over the logs protocol, from the lease's
 * current provider. Without --follow the command ends when the stream ends or stays quiet for
 * LOGS_QUIET_MS; with it, when the provider ends the stream (or on Ctrl-C). Then the job's state
 * as its provider signs it: a failed job is JobFailedError with the provider's reason, a job the
 * provider does not know (on a lease that has not ended) JobUnknownToProviderError, so that no
 * lines and exit 0 never stand for a job that is not running.
 */
import type { PublicKey } from '@solana/web3.js'
import { type JobViewState, jobOfLease } from '@synkti/jobs'
import type { Lease } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { askStatus, leaseAndProvider } from '../ask.js'
import { LOGS_QUIET_MS } from '../constants.js'
import type { Deps } from '../context.js'
import { JobFailedError, JobUnknownToProviderError } from '../errors.js'
import { resolvePeer } from '../p2p.js'

export interface LogsOptions {
  lease: PublicKey
  follow: boolean
  /** each line as it arrives (human output streams; --json collects) */
  onLine?: (line: string) => void
}

export interface LogsResult {
  kind: 'job-logs'
  lease: string
  operator: string
  lines: string[]
  /** false when the read stopped at a quiet period rather than the end of the stream */
  ended: boolean
  /** the job's state as its provider signed it after the lines; null when it lists no such job or could not be asked */
  state: JobViewState | null
  /** why it failed or stopped, in the provider's words */
  reason: string | null
}

const QUIET = Symbol('quiet')

export async function run(options: LogsOptions, deps: Deps): Promise<{ result: LogsResult; failure?: Error }> {
  const { lease, provider } = await leaseAndProvider(deps.client, options.lease)
  const operator = provider.operator.toBase58()
  const node = await deps.p2p()
  const peer = await resolvePeer(node, lease.market.toBase58(), operator)
  // The node keys jobs by lease: the job id is the lease address.
  const lines = node.protocols.streamLogs(peer, options.lease.toBase58())[Symbol.asyncIterator]()
  const collected: string[] = []
  let ended = true
  for (;;) {
    const next = options.follow ? await lines.next() : await quietOr(lines.next(), deps)
    if (next === QUIET) {
      // the pending read ends when the node stops at exit; do not wait for it here
      void lines.return(undefined).catch(() => undefined)
      deps.progress(`(no line for ${LOGS_QUIET_MS} ms; --follow keeps reading)`)
      ended = false
      break
    }
    if (next.done === true) break
    collected.push(next.value)
    options.onLine?.(next.value)
  }
  const base = { kind: 'job-logs', lease: options.lease.toBase58(), operator, lines: collected, ended } as const
  return jobOutcome(base, node, lease, operator, deps)
}

/** After the lines: what the provider signs of the job now, and the failure that makes the exit code. */
async function jobOutcome(
  base: Omit<LogsResult, 'state' | 'reason'>,
  node: SynktiNode,
  lease: Lease,
  operator: string,
  deps: Deps,
): Promise<{ result: LogsResult; failure?: Error }> {
  let job: ReturnType<typeof jobOfLease>
  try {
    job = jobOfLease(await askStatus(node, lease.market.toBase58(), operator), base.lease)
  } catch (err) {
    // the lines came through; a status that could not be had is said, not failed on
    deps.progress(`(the job's state could not be asked: ${(err as Error).name})`)
    return { result: { ...base, state: null, reason: null } }
  }
  const result: LogsResult = { ...base, state: job?.state ?? null, reason: job?.reason ?? null }
  if (job === undefined) {
    return lease.status.kind === 'ended'
      ? { result }
      : { result, failure: new JobUnknownToProviderError(base.lease, operator) }
  }
  if (job.state === 'failed')
    return { result, failure: new JobFailedError(base.lease, job.reason ?? 'no reason given') }
  if (job.state !== 'starting' && job.state !== 'healthy') {
    deps.progress(`job ${base.lease} is ${job.state}${job.reason === null ? '' : `: ${job.reason}`}`)
  }
  return { result }
}

async function quietOr<T>(read: Promise<T>, deps: Deps): Promise<T | typeof QUIET> {
  const controller = new AbortController()
  const quietly = (): typeof QUIET => QUIET
  const quiet = deps.sleep(LOGS_QUIET_MS, controller.signal).then(quietly, quietly)
  try {
    return await Promise.race([read, quiet])
  } finally {
    controller.abort()
  }
}
