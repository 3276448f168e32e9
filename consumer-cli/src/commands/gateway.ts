/**
 * `synkti gateway ID`: the consumer's own OpenAI-compatible endpoint for a lease, on loopback,
 * that follows the lease across providers, holds requests through a failover, signs usage
 * receipts for what it was served, watches the escrow's runway and, on the consumer's order
 * (`synkti job move`, or `POST /_synkti/move`), moves the job to another provider behind the
 * same URL. With --return-to-spot it also moves the job on its own, make-before-break, back to a
 * cheaper spot provider once one has been offered long enough (gateway/return.ts). Its state per
 * lease survives a restart. Runs until the lease ends or the process is interrupted; events
 * stream as lines (JSON lines with --json).
 */
import type { PublicKey } from '@solana/web3.js'
import type { SynktiNode } from '@synkti/p2p'
import type { Deps } from '../context.js'
import { ConflictingOptionsError } from '../errors.js'
import { Gateway, type GatewayEvent, type ReturnToSpotInit } from '../gateway/gateway.js'
import { moveJob } from '../gateway/move.js'
import { RETURN_DEFAULTS } from '../gateway/return.js'
import { discoveryFilters } from '../launch.js'
import { findOffers } from '../offers.js'
import { readSpec } from '../spec.js'

/** --return-to-spot and its limits, as the command line gives them; absent: RETURN_DEFAULTS. */
export interface ReturnOptions {
  /** the job spec the lease was opened with */
  spec: string
  /** the least share of the lease's price a move must save */
  minSaving?: number
  /** how long a cheaper provider must be offered without a break */
  holdSec?: number
  /** how long the current provider must have served the lease */
  dwellSec?: number
  /** the most moves it makes on its own; absent: the lease's own migration limit */
  maxMoves?: number
  /** the consumer's own stake minimum for a provider to move to */
  minStake?: bigint
  /** how often it looks at the market */
  everySec?: number
}

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
  /** move back to a cheaper spot provider on its own */
  returnToSpot?: ReturnOptions
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
  const returnToSpot = options.returnToSpot === undefined ? undefined : await returnInit(options.returnToSpot, deps)
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
    ...(returnToSpot !== undefined ? { returnToSpot: returnToSpot(node) } : {}),
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

/**
 * The spec read and checked (spot must be allowed), and the market look `providers --for` and
 * `job run` make: the same offers, prices from the chain, and the market's stake minimum.
 */
async function returnInit(o: ReturnOptions, deps: Deps): Promise<(node: SynktiNode) => ReturnToSpotInit> {
  const spec = await readSpec(o.spec)
  if (!spec.spotAllowed) {
    throw new ConflictingOptionsError(
      '--return-to-spot',
      `cannot go with ${o.spec}: its spotAllowed is false`,
      'gateway',
    )
  }
  const market = deps.market()
  return (node) => ({
    spec,
    specSource: o.spec,
    policy: {
      minSaving: o.minSaving ?? RETURN_DEFAULTS.minSaving,
      holdSec: o.holdSec ?? RETURN_DEFAULTS.holdSec,
      dwellSec: o.dwellSec ?? RETURN_DEFAULTS.dwellSec,
      ...(o.maxMoves !== undefined ? { maxMoves: o.maxMoves } : {}),
      ...(o.minStake !== undefined ? { minStake: o.minStake } : {}),
    },
    everyMs: (o.everySec ?? RETURN_DEFAULTS.everySec) * 1000,
    look: async () => {
      const [found, account] = await Promise.all([
        findOffers(node, deps.client, market, discoveryFilters(spec)),
        deps.client.fetchMarket(market),
      ])
      return { ...found, marketMinStake: account.minStake }
    },
  })
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
    case 'return-to-spot':
      return returnLine(e)
    case 'ended':
      return `the lease is over: ${e.reason}`
    case 'error':
      return `error in ${e.where}: ${e.error}`
  }
}

function returnLine(e: Extract<GatewayEvent, { kind: 'return-to-spot' }>): string {
  const moves = `(${e.moves} of ${e.maxMoves} moves)`
  switch (e.outcome) {
    case 'declined':
      return `return to spot: staying on lease ${e.lease}${e.current !== null ? ` at ${e.current.pricePerSecond}/s` : ''}: ${e.reason}: ${e.detail}${e.waitSec !== null ? ` (${e.waitSec} s to go)` : ''}`
    case 'moving':
      return `return to spot: ${e.detail} ${moves}`
    case 'moved':
      return `return to spot: ${e.detail} ${moves}`
    case 'failed':
      return `return to spot: ${e.detail} ${moves}`
  }
}
