import { NODE, REPO, SYNKTI_BIN } from './paths.js'
import type { JsonLine, Proc, ProcessGroup } from './processes.js'

/**
 * `synkti gateway` as the consumer runs it: one process per lease, one loopback URL that
 * follows the lease across providers, holds requests through a failover and signs the
 * consumer's usage receipts. The demo, the load of the end-to-end tests and the failover
 * benchmark send their requests through it, as an application would.
 */

export interface GatewayCast {
  group: ProcessGroup
  rpcUrl: string
  market: string
  consumerPath: string
  /** the gateway's state files and lock (`--state-dir`) */
  stateDir: string
  bootstrap: string[]
}

export interface RunningGateway {
  proc: Proc
  /** resolves once the gateway listens */
  url: Promise<string>
  /** the endpoint the gateway forwards to now (its last `route` event), or null while it has none */
  endpoint(): string | null
  /** receipts the serving nodes kept, and the seconds they vouch for (each receipt reaches back to the last settlement, so they overlap: the union is counted) */
  receipted(): { receipts: number; seconds: number }
}

export function startGateway(
  cast: GatewayCast,
  lease: string,
  options: { name?: string; receiptEverySec?: number; extra?: string[] } = {},
): RunningGateway {
  const proc = cast.group.start(
    options.name ?? `gateway-${lease.slice(0, 8)}`,
    NODE,
    [
      SYNKTI_BIN,
      'gateway',
      lease,
      '--listen',
      '127.0.0.1:0',
      '--receipt-every',
      String(options.receiptEverySec ?? 2),
      '--state-dir',
      cast.stateDir,
      ...(options.extra ?? []),
      '--json',
      '-u',
      cast.rpcUrl,
      '-k',
      cast.consumerPath,
      '--market',
      cast.market,
      '--bootstrap',
      ...cast.bootstrap,
    ],
    { cwd: REPO },
  )
  const url = proc.waitFor('the gateway listening', (l) => l.kind === 'listening', 60_000).then((l) => String(l.url))
  // a caller that never awaits the URL must not see an unhandled rejection when the run stops early
  url.catch(() => undefined)
  const kept = (l: JsonLine) => l.kind === 'receipt' && l.accepted === true
  return {
    proc,
    url,
    endpoint: () => {
      const route = proc.lines.findLast((l) => l.kind === 'route')
      return route?.state === 'serving' && typeof route.endpoint === 'string' ? route.endpoint : null
    },
    receipted: () => {
      const receipts = proc.lines.filter(kept)
      const spans = receipts.map((l) => [Number(l.from), Number(l.until)] as const).sort((a, b) => a[0] - b[0])
      let seconds = 0
      let reached = Number.NEGATIVE_INFINITY
      for (const [from, until] of spans) {
        seconds += Math.max(0, until - Math.max(from, reached))
        reached = Math.max(reached, until)
      }
      return { receipts: receipts.length, seconds }
    },
  }
}
