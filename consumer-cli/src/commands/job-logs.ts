/**
 * `synkti job logs ID [--follow]`: the job's log lines over the logs protocol, from the lease's
 * current provider. Without --follow the command ends when the stream ends or stays quiet for
 * LOGS_QUIET_MS; with it, when the provider ends the stream (or on Ctrl-C).
 */
import type { PublicKey } from '@solana/web3.js'
import { leaseAndProvider } from '../ask.js'
import { LOGS_QUIET_MS } from '../constants.js'
import type { Deps } from '../context.js'
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
}

const QUIET = Symbol('quiet')

export async function run(options: LogsOptions, deps: Deps): Promise<LogsResult> {
  const { lease, provider } = await leaseAndProvider(deps.client, options.lease)
  const operator = provider.operator.toBase58()
  const node = await deps.p2p()
  const peer = await resolvePeer(node, lease.market.toBase58(), operator)
  // The node keys jobs by lease: the job id is the lease address.
  const lines = node.protocols.streamLogs(peer, options.lease.toBase58())[Symbol.asyncIterator]()
  const collected: string[] = []
  for (;;) {
    const next = options.follow ? await lines.next() : await quietOr(lines.next(), deps)
    if (next === QUIET) {
      // the pending read ends when the node stops at exit; do not wait for it here
      void lines.return(undefined).catch(() => undefined)
      deps.progress(`(no line for ${LOGS_QUIET_MS} ms; --follow keeps reading)`)
      return { kind: 'job-logs', lease: options.lease.toBase58(), operator, lines: collected, ended: false }
    }
    if (next.done === true) break
    collected.push(next.value)
    options.onLine?.(next.value)
  }
  return { kind: 'job-logs', lease: options.lease.toBase58(), operator, lines: collected, ended: true }
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
