/**
 * The runway watcher: reads every lease the node serves, warns when its escrow runs low, and
 * when it runs out stops the job, attests what is owed up to the end and closes the lease, so
 * the node never works unpaid. A disputed lease is stopped (billing stopped when the dispute
 * opened). The rules are in runway.ts (pure); this file only reads the chain and calls the
 * node's dependencies. Checks never overlap.
 */
import type { PublicKey, Signer } from '@solana/web3.js'
import { chainNow, isNetworkFailure, type Lease, type MarketClient } from '@synkti/market'
import { describeError } from '../describe-error.js'
import { Periodic } from '../periodic.js'
import { isLeaseAccount, type LeaseKey, leaseKey, type SettleResult } from '../settlement/index.js'
import {
  DEFAULT_RUNWAY_POLL_MS,
  DEFAULT_RUNWAY_WARN_SEC,
  EXHAUSTION_MARGIN_MS,
  MAX_ERROR_LENGTH,
  MIN_CHECK_DELAY_MS,
} from './constants.js'
import { InvalidRunwayThresholdError, RunwayWatcherStoppedError } from './errors.js'
import { assessLease, type RunwayLevel, runwayOf } from './runway.js'

/** Why the watcher stops a job. */
export type RunwayStopReason = 'runway-exhausted' | 'disputed'

export interface RunwayWatcherInit {
  client: MarketClient
  /** The node's hot key: the provider's operator, which may close the leases it serves. */
  operator: Signer
  /** This node's provider account. */
  provider: PublicKey
  /** Leases this node serves right now (the settlement loop's `leases`). */
  leases: () => readonly { lease: PublicKey }[]
  /**
   * Stops the lease's job and resolves once it no longer serves (drained). Called once per lease
   * and reason; called again only if it threw.
   */
  stopJob: (lease: string, reason: RunwayStopReason) => Promise<void>
  /** Attests the lease up to `until` now: the settlement loop's `settle`. */
  settle: (lease: PublicKey, until: number) => Promise<SettleResult>
  /** Warn below this many seconds of escrow; default `DEFAULT_RUNWAY_WARN_SEC`. */
  warnBelowSec?: number
  /** Every served lease is read this often; default `DEFAULT_RUNWAY_POLL_MS`. */
  pollMs?: number
  onEvent?: (event: RunwayEvent) => void
}

/** A step of ending a lease whose escrow ran out (or that was disputed). */
export type EndingStep = 'stop' | 'settle' | 'close'

export type RunwayEvent =
  /** The lease's level changed (a first `ok` is not reported): `low` is the warning. */
  | {
      kind: 'runway'
      lease: string
      level: RunwayLevel
      secondsLeft: number
      paidThrough: number
      available: bigint
    }
  /** The job is being stopped: nothing served from now on would be paid. */
  | { kind: 'stopping'; lease: string; reason: RunwayStopReason }
  /** The end of service was attested (or needed nothing, or could not be: `result`). */
  | { kind: 'settled'; lease: string; until: number; result: SettleResult }
  /** This node closed the lease: the program settled the rest (nothing, once the escrow ran out) and refunded the consumer. */
  | {
      kind: 'closed'
      lease: string
      signature: string
      seconds: bigint
      payout: bigint
      fee: bigint
      refund: bigint
    }
  /** The lease could not be closed and need not be: it ended otherwise, or it was disputed meanwhile. */
  | { kind: 'close-moot'; lease: string; reason: 'ended' | 'disputed' }
  /** A step failed; it is tried again at the next check. */
  | { kind: 'error'; lease: string | null; step: EndingStep | 'read'; error: string }

export interface RunwayLeaseStatus {
  lease: string
  level: RunwayLevel
  secondsLeft: number
  paidThrough: number
}

/** What a node reports of its leases' runway (for its status document). */
export interface RunwayStatus {
  leases: RunwayLeaseStatus[]
  /** Leases being ended here, and the step each is at. */
  ending: { lease: string; reason: RunwayStopReason; step: EndingStep }[]
  lastError: string | null
}

export interface RunwayReport {
  /** Served leases read. */
  read: number
  low: number
  /** Endings begun in this check. */
  ending: number
  /** Endings finished in this check. */
  ended: number
  rpcDown: boolean
}

export interface RunwayWatcher extends AsyncDisposable {
  /** Checks now, then again every `pollMs` (sooner when a lease's escrow ends before that). */
  start(): void
  /** Stops checking and waits for a check in progress. */
  stop(): Promise<void>
  /** One check of every served lease, and one step of every ending. */
  check(): Promise<RunwayReport>
  status(): RunwayStatus
}

interface Ending extends LeaseKey {
  address: PublicKey
  reason: RunwayStopReason
  step: EndingStep | 'done'
  lastError: string | null
}

const describe = (err: unknown): string => describeError(err, MAX_ERROR_LENGTH)

const isNetwork = (err: unknown) => (err as Error).name === 'RpcUnreachableError' || isNetworkFailure(err)
const GONE = new Set(['AccountNotFoundError', 'AccountNotInitializedError', 'LeaseEndedError'])

export function createRunwayWatcher(init: RunwayWatcherInit): RunwayWatcher {
  const warnBelowSec = init.warnBelowSec ?? DEFAULT_RUNWAY_WARN_SEC
  if (!(Number.isFinite(warnBelowSec) && warnBelowSec > 0)) throw new InvalidRunwayThresholdError(warnBelowSec)
  return new Watcher(init, warnBelowSec)
}

class Watcher extends Periodic implements RunwayWatcher {
  /** By lease key: the last level seen and its runway. */
  private readonly levels = new Map<string, RunwayLeaseStatus>()
  /** By lease key: leases being ended, or ended here ('done'), which are not begun again. */
  private readonly endings = new Map<string, Ending>()
  private lastError: string | null = null
  private nextDelayMs: number
  private readonly pollMs: number

  constructor(
    private readonly init: RunwayWatcherInit,
    private readonly warnBelowSec: number,
  ) {
    super()
    this.pollMs = init.pollMs ?? DEFAULT_RUNWAY_POLL_MS
    this.nextDelayMs = this.pollMs
  }

  check(): Promise<RunwayReport> {
    return this.exclusive(() => this.cycle())
  }

  protected scheduledRun(): Promise<RunwayReport> {
    return this.check()
  }

  protected delayMs(): number {
    return this.nextDelayMs
  }

  protected runFailed(err: unknown): void {
    this.fail(null, 'read', err)
  }

  protected stoppedError(): Error {
    return new RunwayWatcherStoppedError()
  }

  status(): RunwayStatus {
    const ending = [...this.endings.values()].flatMap((e) =>
      e.step === 'done' ? [] : [{ lease: e.lease, reason: e.reason, step: e.step }],
    )
    return { leases: [...this.levels.values()], ending, lastError: this.lastError }
  }

  private emit(event: RunwayEvent): void {
    this.init.onEvent?.(event)
  }

  private fail(lease: string | null, step: EndingStep | 'read', err: unknown, ending?: Ending): void {
    const error = describe(err)
    this.lastError = error
    // An ending retried every check reports a failure once, until it changes.
    if (ending !== undefined) {
      if (ending.lastError === error) return
      ending.lastError = error
    }
    this.emit({ kind: 'error', lease, step, error })
  }

  private async cycle(): Promise<RunwayReport> {
    const report: RunwayReport = { read: 0, low: 0, ending: 0, ended: 0, rpcDown: false }
    let now: number
    try {
      now = await chainNow(this.init.client.connection)
    } catch (err) {
      if (!isNetwork(err)) throw err
      report.rpcDown = true
      this.nextDelayMs = this.pollMs
      return report
    }
    let soonestEndMs = Number.POSITIVE_INFINITY
    const seen = new Set<string>()
    for (const { lease: address } of this.init.leases()) {
      let lease: Lease
      try {
        lease = await this.init.client.fetchLease(address)
      } catch (err) {
        // Closed: the node's lease check stops its job. Unreachable: says nothing about the lease.
        if ((err as Error).name === 'AccountNotFoundError') continue
        if (isNetwork(err)) report.rpcDown = true
        else this.fail(address.toBase58(), 'read', err)
        continue
      }
      report.read++
      const key: LeaseKey = { lease: address.toBase58(), openedAt: lease.openedAt }
      const k = leaseKey(key)
      seen.add(k)
      if (this.endings.has(k)) continue
      const assessed = assessLease(lease, this.init.provider.toBase58(), now, this.warnBelowSec)
      if (assessed.kind === 'not-serving') {
        this.levels.delete(k)
        if (assessed.reason === 'disputed') {
          this.begin(key, address, 'disputed')
          report.ending++
        }
        continue
      }
      const { level, runway } = assessed
      const previous = this.levels.get(k)?.level
      this.levels.set(k, { lease: key.lease, level, secondsLeft: runway.secondsLeft, paidThrough: runway.paidThrough })
      if (level !== previous && !(previous === undefined && level === 'ok')) {
        this.emit({ kind: 'runway', lease: key.lease, level, ...runway })
      }
      if (level === 'low') report.low++
      if (level === 'exhausted') {
        this.levels.delete(k)
        this.begin(key, address, 'runway-exhausted')
        report.ending++
      } else {
        soonestEndMs = Math.min(soonestEndMs, runway.secondsLeft * 1_000 + EXHAUSTION_MARGIN_MS)
      }
    }
    // Leases no longer served are not reported any more; endings done here are forgotten with them.
    for (const k of this.levels.keys()) if (!seen.has(k)) this.levels.delete(k)
    for (const [k, e] of this.endings) if (e.step === 'done' && !seen.has(k)) this.endings.delete(k)
    for (const ending of this.endings.values()) {
      if (ending.step === 'done') continue
      if (await this.advance(ending)) report.ended++
    }
    this.nextDelayMs = Math.max(MIN_CHECK_DELAY_MS, Math.min(this.pollMs, soonestEndMs))
    return report
  }

  private begin(key: LeaseKey, address: PublicKey, reason: RunwayStopReason): void {
    this.endings.set(leaseKey(key), { ...key, address, reason, step: 'stop', lastError: null })
    this.emit({ kind: 'stopping', lease: key.lease, reason })
  }

  /** Takes an ending as far as it goes now; true once it is done. A failed step stays for the next check. */
  private async advance(e: Ending): Promise<boolean> {
    if (e.step === 'stop') {
      try {
        await this.init.stopJob(e.lease, e.reason)
      } catch (err) {
        this.fail(e.lease, 'stop', err, e)
        return false
      }
      // A disputed lease cannot be attested or closed: the arbiter's ruling settles it.
      e.step = e.reason === 'disputed' ? 'done' : 'settle'
      e.lastError = null
    }
    if (e.step === 'settle' && !(await this.settleEnd(e))) return false
    if (e.step === 'close' && !(await this.close(e))) return false
    return e.step === 'done'
  }

  /** Attests up to where the escrow pays (never past now): the end of service. */
  private async settleEnd(e: Ending): Promise<boolean> {
    let until: number
    try {
      const [lease, now] = await Promise.all([
        this.init.client.fetchLease(e.address),
        chainNow(this.init.client.connection),
      ])
      if (lease.openedAt !== e.openedAt || lease.status.kind === 'ended') return this.moot(e, 'ended')
      if (lease.status.kind === 'disputed') return this.moot(e, 'disputed')
      until = Math.min(now, runwayOf(lease, now).paidThrough)
      if (until <= lease.settledUntil) {
        this.emit({ kind: 'settled', lease: e.lease, until: lease.settledUntil, result: { outcome: 'none' } })
        e.step = 'close'
        e.lastError = null
        return true
      }
    } catch (err) {
      if ((err as Error).name === 'AccountNotFoundError') return this.moot(e, 'ended')
      this.fail(e.lease, 'settle', err, e)
      return false
    }
    let result: SettleResult
    try {
      result = await this.init.settle(e.address, until)
    } catch (err) {
      if ((err as Error).name === 'AccountNotFoundError') return this.moot(e, 'ended')
      if (isNetwork(err)) {
        this.fail(e.lease, 'settle', err, e)
        return false
      }
      // Anything else: the close settles what is owed itself (held back rather than paid at once).
      this.fail(e.lease, 'settle', err, e)
      result = { outcome: 'deferred', error: describe(err), network: false }
    }
    this.emit({ kind: 'settled', lease: e.lease, until, result })
    if (result.outcome === 'deferred' && result.network) return false
    if (result.outcome === 'dropped') {
      if (result.reason === 'disputed') return this.moot(e, 'disputed')
      if (result.reason === 'lease-closed' || result.reason === 'lease-reopened' || result.reason === 'migrated-away') {
        return this.moot(e, 'ended')
      }
      // stalled or already settled: the close pays what the program still owes, gap-capped
    }
    e.step = 'close'
    e.lastError = null
    return true
  }

  private async close(e: Ending): Promise<boolean> {
    try {
      const { signature, events } = await this.init.client.closeLease({ signer: this.init.operator, lease: e.address })
      const ended = events.find((ev) => ev.name === 'LeaseEnded')
      const data = ended?.name === 'LeaseEnded' ? ended.data : undefined
      e.step = 'done'
      e.lastError = null
      this.emit({
        kind: 'closed',
        lease: e.lease,
        signature,
        seconds: data?.seconds ?? 0n,
        payout: data?.payout ?? 0n,
        fee: data?.fee ?? 0n,
        refund: data?.refund ?? 0n,
      })
      return true
    } catch (err) {
      const name = (err as Error).name
      if (GONE.has(name) && (name !== 'AccountNotInitializedError' || isLeaseAccount(e))) return this.moot(e, 'ended')
      if (name === 'LeaseDisputedError') return this.moot(e, 'disputed')
      this.fail(e.lease, 'close', err, e)
      return false
    }
  }

  private moot(e: Ending, reason: 'ended' | 'disputed'): boolean {
    e.step = 'done'
    e.lastError = null
    this.emit({ kind: 'close-moot', lease: e.lease, reason })
    return true
  }
}
