/**
 * The settlement loop: every tick it reads the chain clock, queues the attestations that are
 * due (schedule.ts) and sends the queue (queue.ts), one lease at a time, deciding each item
 * from the lease on chain and the error a send raised (outcome.ts). Ticks never overlap.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PublicKey, type Signer } from '@solana/web3.js'
import { chainNow, isNetworkFailure, type Lease, type MarketClient, RpcUnreachableError } from '@synkti/market'
import { describeError } from '../describe-error.js'
import { writeJsonAtomic } from '../fs/atomic-json.js'
import { Periodic } from '../periodic.js'
import {
  CLOCK_OFFSET_PERSIST_SEC,
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_TICK_MS,
  MARKET_FILE,
  MAX_ERROR_LENGTH,
  SETTLEMENT_DIR,
} from './constants.js'
import { SettlementLoopStoppedError } from './errors.js'
import { type DropReason, dispositionOf, planAttestation } from './outcome.js'
import { type LeaseKey, leaseKey, type QueueItem, SettlementQueue } from './queue.js'
import { type ReceiptBook, toSignedReceipt } from './receipts.js'
import { attestationInterval, due, type KeyedLease, type LeaseRef } from './schedule.js'

export interface SettlementLoopInit {
  client: MarketClient
  /** The node's hot key: the provider's operator, signs and pays for attestations. */
  operator: Signer
  /** This node's provider account (a lease on another provider was migrated away). */
  provider: PublicKey
  /** The node's state directory; settlement keeps its files in `<stateDir>/settlement/`. */
  stateDir: string
  /** Leases this node serves right now. */
  leases: () => readonly LeaseRef[]
  /** The consumers' receipts: an attestation they cover is paid at once, not held back. */
  receipts?: ReceiptBook
  /** Seconds between attestations of one lease; at most the market's `maxAttestationGapSecs`. */
  intervalSec?: number
  /** Share of the gap when `intervalSec` is absent (default 0.5). */
  intervalFraction?: number
  tickMs?: number
  backoff?: { baseMs?: number; maxMs?: number }
  onEvent?: (event: SettlementEvent) => void
  /** Wall clock in ms (backoff, journal times); default Date.now. */
  now?: () => number
}

/**
 * Why the node must stop serving a lease it still lists: service from here on would be free.
 * `disputed`: the consumer disputed it (billing stopped when the dispute opened; v2 does not
 * bill into the frozen balance). `lease-reopened`: the account at the address is a later lease
 * than the one the node serves.
 */
export type StopReason = 'disputed' | 'lease-reopened'

export type SettlementEvent =
  | { kind: 'interval'; intervalSec: number; gapSecs: number }
  | { kind: 'enqueued'; lease: string; openedAt: number; until: number }
  | {
      kind: 'attested'
      lease: string
      openedAt: number
      until: number
      signature: string
      seconds: number
      payout: bigint
      fee: bigint
      /** Escrow or the clock covered less than the item: the rest stays queued. */
      partial: boolean
      /** Backed by the consumer's receipt (paid at once) rather than held back. */
      verified: boolean
    }
  | { kind: 'dropped'; lease: string; openedAt: number; until: number; reason: DropReason; error: string | null }
  | {
      kind: 'deferred'
      lease: string
      openedAt: number
      until: number
      error: string
      network: boolean
      retryAt: number
    }
  /** Stop serving `lease` (once per lease and reason): nothing served from now on would be paid. */
  | { kind: 'stop'; lease: string; openedAt: number; reason: StopReason }
  | { kind: 'error'; error: string }

/** What a node reports of its settlement (`NodeStatus.settlement`). */
export interface SettlementStatus {
  queued: number
  /** Wall-clock unix seconds the last attestation confirmed. */
  lastAttestedAt: number | null
  lastError: string | null
}

/**
 * What `settle` did with the lease's item: `attested` (confirmed; `until` is where the chain's
 * settlement now stands), `dropped` with the reason, `deferred` with the error (a network failure
 * or a refusal that may pass), or `none` when nothing was left to attest.
 */
export type SettleResult =
  | { outcome: 'attested'; until: number; partial: boolean }
  | { outcome: 'dropped'; reason: DropReason }
  | { outcome: 'deferred'; error: string; network: boolean }
  | { outcome: 'none' }

export interface CycleReport {
  enqueued: number
  attested: number
  dropped: number
  deferred: number
  /** The RPC could not be reached during the cycle. */
  rpcDown: boolean
}

export interface SettlementLoop extends AsyncDisposable {
  /** Starts ticking every `tickMs`, beginning now (a restarted node sends what it left queued). */
  start(): void
  /** Stops ticking and waits for a cycle in progress. The queue stays on disk. */
  stop(): Promise<void>
  readonly isStarted: boolean
  /** One scheduled cycle: queue what is due, send what is not backing off. */
  tick(): Promise<CycleReport>
  /** Attest every served lease up to now and send the whole queue, ignoring backoff (before hand-off or exit). */
  flush(): Promise<CycleReport>
  /**
   * Attests one lease up to `until` (chain seconds) at once, ignoring backoff, whether or not the
   * node still lists it: the end of its service before it is closed (the runway ran out). Throws
   * `AccountNotFoundError` for a lease that is gone and `RpcUnreachableError` while the RPC is down.
   */
  settle(lease: PublicKey, until: number): Promise<SettleResult>
  status(): SettlementStatus
  /** Queued items, oldest first. */
  queued(): QueueItem[]
  /** The record of attestations sent and items dropped. */
  journal(): ReturnType<SettlementQueue['journal']>
}

type Outcome = 'attested' | 'dropped' | 'deferred'
interface AttemptResult {
  outcome: Outcome
  /** The RPC could not be reached: the rest of the queue would fail alike. */
  network: boolean
  result: SettleResult
}

interface MarketState {
  gapSecs: number | null
  /** Chain clock minus wall clock, seconds: chain time while the RPC is down. */
  clockOffsetSec: number
}

const describe = (err: unknown): string => describeError(err, MAX_ERROR_LENGTH)

/** The loop, its queue loaded from `<stateDir>/settlement/` (throws `CorruptQueueItemError`). */
export async function createSettlementLoop(init: SettlementLoopInit): Promise<SettlementLoop> {
  const dir = join(init.stateDir, SETTLEMENT_DIR)
  await mkdir(dir, { recursive: true })
  const queue = await SettlementQueue.open(dir)
  const market = await readMarketState(join(dir, MARKET_FILE))
  const loop = new Loop(init, dir, queue, market)
  // Validates intervalSec against a gap known from an earlier run, before anything runs.
  if (market.gapSecs !== null) loop.computeInterval(market.gapSecs)
  return loop
}

async function readMarketState(path: string): Promise<MarketState> {
  try {
    const raw = JSON.parse(await readFile(path, 'utf8')) as Partial<MarketState>
    return {
      gapSecs: typeof raw.gapSecs === 'number' ? raw.gapSecs : null,
      clockOffsetSec: typeof raw.clockOffsetSec === 'number' ? raw.clockOffsetSec : 0,
    }
  } catch {
    // Missing or unreadable: only a cache; the chain is read again.
    return { gapSecs: null, clockOffsetSec: 0 }
  }
}

class Loop extends Periodic implements SettlementLoop {
  private intervalSec: number | null = null
  /** By lease key: the last `until` settled or queued. */
  private readonly covered = new Map<string, number>()
  /** By lease key: no send before this wall-clock ms. */
  private readonly retryAt = new Map<string, number>()
  /** Lease keys closed, migrated away or reopened: never queued again. */
  private readonly ended = new Set<string>()
  /** By lease address: `openedAt` of the lease there, read from the chain for refs without one. */
  private readonly openedAt = new Map<string, number>()
  /** `<key>:<reason>` of stop events sent, so that each is sent once. */
  private readonly stopsSent = new Set<string>()
  private lastAttestedAt: number | null = null
  private lastError: string | null = null
  private readonly wall: () => number
  private readonly tickMs: number
  private readonly backoffBase: number
  private readonly backoffMax: number

  constructor(
    private readonly init: SettlementLoopInit,
    private readonly dir: string,
    private readonly queue: SettlementQueue,
    private readonly market: MarketState,
  ) {
    super()
    this.wall = init.now ?? Date.now
    this.tickMs = init.tickMs ?? DEFAULT_TICK_MS
    this.backoffBase = init.backoff?.baseMs ?? DEFAULT_BACKOFF_BASE_MS
    this.backoffMax = init.backoff?.maxMs ?? DEFAULT_BACKOFF_MAX_MS
    for (const item of queue.list()) this.covered.set(leaseKey(item), item.until)
  }

  computeInterval(gapSecs: number): number {
    const interval = attestationInterval(gapSecs, {
      ...(this.init.intervalSec !== undefined ? { intervalSec: this.init.intervalSec } : {}),
      ...(this.init.intervalFraction !== undefined ? { fraction: this.init.intervalFraction } : {}),
    })
    if (interval !== this.intervalSec) this.emit({ kind: 'interval', intervalSec: interval, gapSecs })
    this.intervalSec = interval
    return interval
  }

  tick(): Promise<CycleReport> {
    return this.exclusive(() => this.cycle({ force: false, attestAll: false }))
  }

  flush(): Promise<CycleReport> {
    return this.exclusive(() => this.cycle({ force: true, attestAll: true }))
  }

  settle(lease: PublicKey, until: number): Promise<SettleResult> {
    return this.exclusive(() => this.settleOne(lease, until))
  }

  status(): SettlementStatus {
    return { queued: this.queue.size, lastAttestedAt: this.lastAttestedAt, lastError: this.lastError }
  }

  queued(): QueueItem[] {
    return this.queue.list()
  }

  journal() {
    return this.queue.journal()
  }

  protected scheduledRun(): Promise<CycleReport> {
    return this.tick()
  }

  protected delayMs(): number {
    return this.tickMs
  }

  protected runFailed(err: unknown): void {
    this.fail(err)
  }

  protected stoppedError(): Error {
    return new SettlementLoopStoppedError()
  }

  private emit(event: SettlementEvent): void {
    this.init.onEvent?.(event)
  }

  private fail(err: unknown): void {
    this.lastError = describe(err)
    this.emit({ kind: 'error', error: this.lastError })
  }

  /** Chain time: read from the RPC, else the wall clock plus the last known offset. */
  private async chainTime(): Promise<{ now: number; reachable: boolean }> {
    const wallSec = this.wall() / 1000
    try {
      const now = await chainNow(this.init.client.connection)
      const offset = now - wallSec
      // Whole-second chain time against a fractional wall clock jitters by up to 1 s: persist real moves only.
      const moved = Math.abs(offset - this.market.clockOffsetSec) >= CLOCK_OFFSET_PERSIST_SEC
      this.market.clockOffsetSec = offset
      if (moved && this.market.gapSecs !== null) await writeJsonAtomic(join(this.dir, MARKET_FILE), this.market)
      return { now, reachable: true }
    } catch (err) {
      if (!isNetworkFailure(err)) throw err
      return { now: Math.floor(wallSec + this.market.clockOffsetSec), reachable: false }
    }
  }

  /** The interval, reading the market's gap once (cached on disk for restarts without an RPC). */
  private async interval(reachable: boolean): Promise<number | null> {
    if (this.intervalSec !== null) return this.intervalSec
    if (!reachable) return null
    const provider = await this.init.client.fetchProvider(this.init.provider)
    const market = await this.init.client.fetchMarket(provider.market)
    this.market.gapSecs = market.maxAttestationGapSecs
    await writeJsonAtomic(join(this.dir, MARKET_FILE), this.market)
    return this.computeInterval(market.maxAttestationGapSecs)
  }

  private async cycle(opts: { force: boolean; attestAll: boolean }): Promise<CycleReport> {
    const report: CycleReport = { enqueued: 0, attested: 0, dropped: 0, deferred: 0, rpcDown: false }
    const { now, reachable } = await this.chainTime()
    report.rpcDown = !reachable
    let interval: number | null = null
    try {
      interval = await this.interval(reachable)
    } catch (err) {
      if (!isNetworkFailure(err) && (err as Error).name !== 'RpcUnreachableError') throw err
      report.rpcDown = true
    }
    // attestAll pays every served lease up to now (interval 1 s); unknown gap → only the queue.
    const every = opts.attestAll ? 1 : interval
    const served = await this.keyed(this.init.leases(), !report.rpcDown)
    this.forgetUnserved(served)
    if (every !== null) {
      const byKey = new Map(served.map((s) => [s.key, s]))
      for (const d of due(served, this.covered, now, every)) {
        const lease = byKey.get(d.key)!
        await this.queue.enqueue(lease, d.until, Math.floor(this.wall() / 1000))
        this.covered.set(d.key, d.until)
        report.enqueued++
        this.emit({ kind: 'enqueued', lease: lease.lease, openedAt: lease.openedAt, until: d.until })
      }
    }
    if (report.rpcDown) {
      // Every send would fail alike: the queue stays as it is until the next tick.
      if (this.queue.size > 0) this.lastError = describe(new RpcUnreachableError(this.init.client.rpcUrl))
      report.deferred = this.queue.size
      return report
    }
    let failed = false
    for (const item of this.queue.list()) {
      if (!opts.force && (this.retryAt.get(leaseKey(item)) ?? 0) > this.wall()) continue
      const { outcome, network } = await this.attempt(item, now)
      report[outcome]++
      if (outcome === 'deferred') failed = true
      if (network) {
        report.rpcDown = true
        break
      }
    }
    // Items skipped for backoff still carry their error: the status keeps saying so.
    if (!failed) this.lastError = this.queue.list().find((i) => i.lastError !== null)?.lastError ?? null
    return report
  }

  /**
   * The served leases with their keys. A ref without `openedAt` takes the one the chain holds
   * (read once per address, so not while the RPC is down: such a lease is queued once it
   * answers, from where billing starts, so nothing is lost). A ref whose service began before
   * the lease at its address opened is an earlier lease: the node is told to stop, not queued.
   */
  private async keyed(refs: readonly LeaseRef[], reachable: boolean): Promise<(KeyedLease & LeaseKey)[]> {
    const out: (KeyedLease & LeaseKey)[] = []
    for (const ref of refs) {
      const lease = ref.lease.toBase58()
      let openedAt = ref.openedAt ?? this.openedAt.get(lease)
      if (openedAt === undefined) {
        if (!reachable) continue
        let onChain: Lease
        try {
          onChain = await this.init.client.fetchLease(ref.lease)
        } catch (err) {
          // Closed (nothing more to bill), or the RPC failed: read again next cycle.
          if ((err as Error).name !== 'AccountNotFoundError') this.lastError = describe(err)
          continue
        }
        if (ref.since < onChain.openedAt) {
          this.signalStop({ lease, openedAt: onChain.openedAt }, 'lease-reopened')
          continue
        }
        openedAt = onChain.openedAt
        this.openedAt.set(lease, openedAt)
      }
      const key = leaseKey({ lease, openedAt })
      if (!this.ended.has(key)) out.push({ key, lease, openedAt, since: ref.since })
    }
    return out
  }

  /** Tells the node to stop serving a lease, once per lease and reason. */
  private signalStop(lease: LeaseKey, reason: StopReason): void {
    const sent = `${leaseKey(lease)}:${reason}`
    if (this.stopsSent.has(sent)) return
    this.stopsSent.add(sent)
    this.emit({ kind: 'stop', lease: lease.lease, openedAt: lease.openedAt, reason })
  }

  private async settleOne(address: PublicKey, until: number): Promise<SettleResult> {
    const { now, reachable } = await this.chainTime()
    if (!reachable) throw new RpcUnreachableError(this.init.client.rpcUrl)
    await this.interval(true)
    const onChain = await this.init.client.fetchLease(address)
    const key: LeaseKey = { lease: address.toBase58(), openedAt: onChain.openedAt }
    const k = leaseKey(key)
    if (until > onChain.settledUntil && !this.ended.has(k)) {
      const item = await this.queue.enqueue(key, until, Math.floor(this.wall() / 1000))
      this.covered.set(k, Math.max(this.covered.get(k) ?? 0, item.until))
      this.emit({ kind: 'enqueued', lease: key.lease, openedAt: key.openedAt, until: item.until })
    }
    const item = this.queue.get(k)
    if (item === undefined) return { outcome: 'none' }
    return (await this.attempt(item, now)).result
  }

  /** Coverage of leases neither served nor queued any more is not needed again. */
  private forgetUnserved(served: readonly KeyedLease[]): void {
    const keep = new Set(served.map((l) => l.key))
    for (const key of this.covered.keys()) {
      if (!keep.has(key) && this.queue.get(key) === undefined) this.covered.delete(key)
    }
  }

  private async attempt(item: QueueItem, now: number): Promise<AttemptResult> {
    const address = new PublicKey(item.lease)
    const key = leaseKey(item)
    try {
      let lease: Lease | null
      try {
        lease = await this.init.client.fetchLease(address)
      } catch (err) {
        if ((err as Error).name !== 'AccountNotFoundError') throw err
        lease = null
      }
      if (lease !== null && lease.openedAt === item.openedAt) {
        this.covered.set(key, Math.max(this.covered.get(key) ?? 0, lease.settledUntil))
      }
      // Only a receipt kept for this very lease (same open time) may back its attestation.
      const stored = this.init.receipts?.get(item.lease, item.openedAt)
      const receipt = stored?.provider === this.init.provider.toBase58() ? stored : undefined
      // An unknown gap (no RPC yet) cannot happen here: the lease was just read. Infinity defers to the chain.
      const gap = this.market.gapSecs ?? Number.POSITIVE_INFINITY
      const plan = planAttestation(item, lease, this.init.provider, now, gap, receipt)
      if (plan.kind === 'drop') return await this.drop(item, plan.reason, null)
      if (plan.kind === 'wait') return await this.defer(item, plan.error, false)
      const { signature, events } = await this.init.client.attestUsage({
        operator: this.init.operator,
        lease: address,
        until: plan.until,
        ...(plan.verified && receipt !== undefined ? { receipt: toSignedReceipt(receipt) } : {}),
      })
      const attested = events.find((e) => e.name === 'UsageAttested')
      const data = attested?.name === 'UsageAttested' ? attested.data : undefined
      this.lastAttestedAt = Math.floor(this.wall() / 1000)
      this.retryAt.delete(key)
      await this.queue.record({
        kind: 'attested',
        lease: item.lease,
        openedAt: item.openedAt,
        until: plan.until,
        signature,
        at: this.lastAttestedAt,
      })
      if (plan.partial) {
        await this.queue.update({ ...item, attempts: item.attempts + 1, lastError: null })
      } else {
        await this.queue.remove(key, plan.until)
      }
      this.emit({
        kind: 'attested',
        lease: item.lease,
        openedAt: item.openedAt,
        until: plan.until,
        signature,
        seconds: Number(data?.seconds ?? 0n),
        payout: data?.payout ?? 0n,
        fee: data?.fee ?? 0n,
        partial: plan.partial,
        verified: plan.verified,
      })
      return {
        outcome: 'attested',
        network: false,
        result: { outcome: 'attested', until: plan.until, partial: plan.partial },
      }
    } catch (err) {
      const disposition = dispositionOf(err)
      if (disposition.kind === 'drop') return this.drop(item, disposition.reason, describe(err))
      return this.defer(item, describe(err), disposition.network)
    }
  }

  private async drop(item: QueueItem, reason: DropReason, error: string | null): Promise<AttemptResult> {
    const key = leaseKey(item)
    const { lease, openedAt, until } = item
    await this.queue.record({
      kind: 'dropped',
      lease,
      openedAt,
      until,
      reason,
      error,
      at: Math.floor(this.wall() / 1000),
    })
    await this.queue.remove(key, until)
    this.retryAt.delete(key)
    // Closed, migrated away, disputed or reopened: not ours to attest again, even while the node still lists it.
    if (reason !== 'already-settled') this.ended.add(key)
    // The address holds another lease now: the next ref without an open time reads it afresh.
    if (reason === 'lease-reopened' && this.openedAt.get(lease) === openedAt) this.openedAt.delete(lease)
    this.emit({ kind: 'dropped', lease, openedAt, until, reason, error })
    if (reason === 'disputed') this.signalStop(item, 'disputed')
    return { outcome: 'dropped', network: false, result: { outcome: 'dropped', reason } }
  }

  private async defer(item: QueueItem, error: string, network: boolean): Promise<AttemptResult> {
    const attempts = item.attempts + 1
    await this.queue.update({ ...item, attempts, lastError: error })
    const retryAt = this.wall() + Math.min(this.backoffMax, this.backoffBase * 2 ** (attempts - 1))
    this.retryAt.set(leaseKey(item), retryAt)
    this.lastError = error
    const { lease, openedAt, until } = item
    this.emit({ kind: 'deferred', lease, openedAt, until, error, network, retryAt })
    return { outcome: 'deferred', network, result: { outcome: 'deferred', error, network } }
  }
}
