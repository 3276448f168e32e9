/**
 * `synkti gateway ID`: the consumer's own OpenAI-compatible endpoint for a lease, on loopback,
 * that follows the lease across providers, holds requests through a failover, signs usage
 * receipts for what it was served, watches the escrow's runway and, on the consumer's order
 * (`synkti job move`, or `POST /_synkti/move`), moves the job to another provider behind the
 * same URL. Its state per lease survives a restart. Runs until the lease ends or the process is
 * interrupted; events stream as lines (JSON lines with --json).
 */
import type { PublicKey } from '@solana/web3.js'
import type { Deps } from '../context.js'
import { Gateway, type GatewayEvent } from '../gateway/gateway.js'
import { moveJob } from '../gateway/move.js'

export interface GatewayOptions {
  lease: PublicKey
  host: string
  port: number
  deadlineSec: number
  warnRunwaySec: number
  autoTopUp?: bigint
  maxSpend?: bigint
  receiptEverySec: number
  /** the consumer's state directory (resolved: --state-dir, SYNKTI_STATE_DIR, XDG) */
  stateDir: string
  /** each event as it happens */
  onEvent: (event: GatewayEvent) => void
  /** resolves when the user interrupts (SIGINT/SIGTERM) */
  interrupted: Promise<void>
}

export interface GatewayResult {
  kind: 'gateway'
  /** the lease named at start */
  lease: string
  /** the lease served at the end (another one after a move) */
  serving: string
  url: string
  /** why it stopped: the lease ended, or interrupted */
  stopped: string
}

export async function run(options: GatewayOptions, deps: Deps): Promise<GatewayResult> {
  const signer = await deps.wallet()
  const node = await deps.p2p('wallet')
  const gateway = new Gateway({
    client: deps.client,
    node,
    lease: options.lease,
    signer,
    host: options.host,
    port: options.port,
    deadlineMs: options.deadlineSec * 1000,
    receiptEveryMs: options.receiptEverySec * 1000,
    budget: {
      warnBelowSec: options.warnRunwaySec,
      ...(options.autoTopUp !== undefined ? { amount: options.autoTopUp } : {}),
      ...(options.maxSpend !== undefined ? { maxSpend: options.maxSpend } : {}),
    },
    stateDir: options.stateDir,
    move: (order, hooks) => moveJob({ deps, node }, order, hooks),
    emit: options.onEvent,
  })
  await gateway.start()
  const url = gateway.url ?? ''
  try {
    const stopped = await Promise.race([gateway.ended(), options.interrupted.then(() => 'interrupted')])
    return { kind: 'gateway', lease: options.lease.toBase58(), serving: gateway.lease, url, stopped }
  } finally {
    await gateway.stop()
  }
}

/** One human line per event. */
export function eventLine(e: GatewayEvent): string {
  switch (e.kind) {
    case 'listening':
      return `gateway ${e.url} for lease ${e.lease}`
    case 'state':
      return e.resumed
        ? `resumed lease ${e.lease} from ${e.path}: top-ups spent ${e.spent}, service seen until ${e.servedUntil ?? '-'}, last receipt until ${e.lastReceiptUntil ?? '-'} (now ${e.at})`
        : `state of lease ${e.lease}: ${e.path ?? 'kept in memory only'}${e.spent !== '0' ? ` (top-ups spent ${e.spent}, carried over)` : ''}`
    case 'followed':
      return `lease ${e.from} moved to lease ${e.to}: serving that one`
    case 'state-aside':
      return `moved the state file aside to ${e.path}: ${e.reason}`
    case 'route':
      return e.state === 'serving'
        ? `serving lease ${e.lease} from ${e.operator} at ${e.endpoint}`
        : `${e.state}: ${e.reason}`
    case 'receipt':
      return `receipt ${e.from}..${e.until} (${e.until - e.from} s, ${e.requests} requests) to ${e.operator}: ${e.accepted ? 'kept' : `refused: ${e.reason}`}`
    case 'runway':
      return `runway ${Number.isFinite(e.seconds) ? `${e.seconds} s` : 'unlimited'} (${e.available} in escrow)`
    case 'warn':
      return `WARNING runway ${e.seconds} s${e.reason === 'spend-limit' ? ': the --max-spend limit stops automatic top-ups' : ': top it up (synkti job top-up, or --auto-top-up)'}`
    case 'top-up':
      return `topped up ${e.amount} at ${e.seconds} s of runway, ${e.spent} in all (${e.signature})`
    case 'held-too-long':
      return `a request to ${e.path} found no endpoint for ${e.waitedMs} ms: answered 504`
    case 'move':
      return `move: ${e.line}`
    case 'moved':
      return `moved lease ${e.from} to lease ${e.to} (${e.operator} at ${e.endpoint}); ${e.oldClosed ? `closed lease ${e.from}, refunded ${e.refund}` : `lease ${e.from} not closed`}`
    case 'move-failed':
      return `move of lease ${e.from} failed at ${e.step}: ${e.error.name}: ${e.error.message}`
    case 'ended':
      return `the lease is over: ${e.reason}`
    case 'error':
      return `error in ${e.where}: ${e.error}`
  }
}
