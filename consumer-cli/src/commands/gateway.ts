/**
 * `synkti gateway ID`: the consumer's own OpenAI-compatible endpoint for a lease, on loopback,
 * that follows the lease across providers, holds requests through a failover, signs usage
 * receipts for what it was served and watches the escrow's runway. Runs until the lease ends or
 * the process is interrupted; events stream as lines (JSON lines with --json).
 */
import type { PublicKey } from '@solana/web3.js'
import type { Deps } from '../context.js'
import { Gateway, type GatewayEvent } from '../gateway/gateway.js'

export interface GatewayOptions {
  lease: PublicKey
  host: string
  port: number
  deadlineSec: number
  warnRunwaySec: number
  autoTopUp?: bigint
  maxSpend?: bigint
  receiptEverySec: number
  /** each event as it happens */
  onEvent: (event: GatewayEvent) => void
  /** resolves when the user interrupts (SIGINT/SIGTERM) */
  interrupted: Promise<void>
}

export interface GatewayResult {
  kind: 'gateway'
  lease: string
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
    emit: options.onEvent,
  })
  await gateway.start()
  const url = gateway.url ?? ''
  try {
    const stopped = await Promise.race([gateway.ended(), options.interrupted.then(() => 'interrupted')])
    return { kind: 'gateway', lease: options.lease.toBase58(), url, stopped }
  } finally {
    await gateway.stop()
  }
}

/** One human line per event. */
export function eventLine(e: GatewayEvent): string {
  switch (e.kind) {
    case 'listening':
      return `gateway ${e.url} for lease ${e.lease}`
    case 'route':
      return e.state === 'serving' ? `serving from ${e.operator} at ${e.endpoint}` : `${e.state}: ${e.reason}`
    case 'receipt':
      return `receipt ${e.from}..${e.until} (${e.until - e.from} s, ${e.requests} requests) to ${e.operator}: ${e.accepted ? 'kept' : `refused: ${e.reason}`}`
    case 'runway':
      return `runway ${Number.isFinite(e.seconds) ? `${e.seconds} s` : 'unlimited'} (${e.available} in escrow)`
    case 'warn':
      return `WARNING runway ${e.seconds} s${e.reason === 'spend-limit' ? ': the --max-spend limit stops automatic top-ups' : ': top it up (synkti job top-up, or --auto-top-up)'}`
    case 'top-up':
      return `topped up ${e.amount} at ${e.seconds} s of runway (${e.signature})`
    case 'held-too-long':
      return `a request to ${e.path} found no endpoint for ${e.waitedMs} ms: answered 504`
    case 'ended':
      return `the lease is over: ${e.reason}`
    case 'error':
      return `error in ${e.where}: ${e.error}`
  }
}
