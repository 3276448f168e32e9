/**
 * `synkti gateway`: the consumer's own endpoint for a lease. Services, started in order and
 * stopped in reverse: the state (loaded from the lease's state file, following the lease's
 * moves), the route follower (chain → provider → its signed status), the prober (the consumer's
 * own view of the job's health, the basis of receipts), the proxy (one stable URL on loopback,
 * and the control endpoint that moves the job), the receipt signer (what was served, signed and
 * handed to the serving node), the budget watcher (runway, warnings, top-ups within the
 * consumer's limit), with --return-to-spot the return watcher (return.ts: a cheaper spot
 * provider offered long enough gets the job, make-before-break, within the consumer's price and
 * migration limits) and the state writer. A move switches the lease behind the same URL.
 */
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Keypair, PublicKey } from '@solana/web3.js'
import { InvalidJobSpecError, type JobSpec, parseJobSpec, requirementOf } from '@synkti/jobs'
import { chainNow, type MarketClient, signReceipt } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { Counter, Gauge, Registry } from 'prom-client'
import { describeError } from '../classify.js'
import { parseAmount } from '../config.js'
import { LeaseAlreadyMovedError, MoveInProgressError } from '../errors.js'
import type { Offer, Rejection } from '../offers.js'
import { resolvePeer } from '../p2p.js'
import { budgetAction, runway, type TopUpPolicy } from './budget.js'
import {
  DRAIN_MS,
  leaseToMove,
  type Made,
  type MoveEvent,
  type MoveHooks,
  type MoveOrder,
  type MoveOutcome,
} from './move.js'
import { type OwnPage, type RunningProxy, startProxy } from './proxy.js'
import {
  type DeclineReason,
  decideReturn,
  isTarget,
  type ReturnDecision,
  type ReturnPolicy,
  Sightings,
  targetRules,
} from './return.js'
import { lookUpRoute, type Route, type RouteState } from './route.js'
import { LeaseSession } from './session.js'
import {
  acquireLock,
  type Lock,
  moveStateAside,
  newToken,
  readState,
  type SentReceipt,
  statePath,
  writeState,
} from './state.js'

/** Carries out a move (move.ts `moveJob`, bound to the CLI's chain client and P2P node). */
export type Mover = (order: MoveOrder, hooks: MoveHooks) => Promise<MoveOutcome>

/** One look at the market for the lease's job: the offers (offers.ts) and the market's stake minimum. */
export type MarketLook = () => Promise<{ offers: Offer[]; rejected: Rejection[]; marketMinStake: bigint }>

/** --return-to-spot: what the gateway needs to move its lease back to spot on its own. */
export interface ReturnToSpotInit {
  /** the job spec the lease was opened with (checked against the lease's hash at start) */
  spec: JobSpec
  specSource: string
  /** `maxMoves` absent: the lease's own migration limit (its policy's `maxMigrations`) */
  policy: Omit<ReturnPolicy, 'maxMoves'> & { maxMoves?: number }
  /** how often the market is looked at */
  everyMs: number
  look: MarketLook
}

export interface GatewayInit {
  client: MarketClient
  node: SynktiNode
  /** the lease named at start; if its job moved (state file), the gateway serves where it went */
  lease: PublicKey
  /** the lease's receipt signer (the consumer's wallet unless the lease named a gateway key) */
  signer: Keypair
  host?: string
  port?: number
  /** how long a request is held while no endpoint answers (ms) */
  deadlineMs?: number
  followMs?: number
  probeMs?: number
  receiptEveryMs?: number
  budgetEveryMs?: number
  saveEveryMs?: number
  budget: TopUpPolicy
  /** the consumer's state directory; null keeps nothing on disk (and takes no lock) */
  stateDir: string | null
  /** how `POST /_synkti/move` moves the job; absent, the endpoint answers 501 */
  move?: Mover
  /** moves the lease back to a cheaper spot provider on its own (needs `move`) */
  returnToSpot?: ReturnToSpotInit
  /** where a lease is served (default: route.ts `lookUpRoute` through the chain and the node) */
  lookUp?: (lease: PublicKey) => Promise<RouteState>
  emit: (event: GatewayEvent) => void
}

/** A return-to-spot decision or its result, as an event (amounts as decimal strings, for JSON). */
export interface ReturnEvent {
  kind: 'return-to-spot'
  /** declined: no move now (`reason`); moving: a move begins; moved / failed: how it ended */
  outcome: 'declined' | 'moving' | 'moved' | 'failed'
  /** a DeclineReason, 'look-failed' (the market could not be looked at), 'cheaper', or the error's name */
  reason: DeclineReason | 'look-failed' | 'cheaper' | string
  lease: string
  detail: string
  current: { provider: string; pricePerSecond: string } | null
  candidate: {
    provider: string
    operator: string
    pricePerSecond: string
    saving: number
    heldSec: number | null
  } | null
  /** for dwell and holding: seconds until that rule lets the move through */
  waitSec: number | null
  /** moves made on its own so far, and the limit */
  moves: number
  maxMoves: number
  /** moved: the new lease */
  to?: string
}

export type GatewayEvent =
  | { kind: 'listening'; url: string; lease: string }
  | {
      kind: 'state'
      lease: string
      /** the state file, or null when nothing is kept on disk */
      path: string | null
      /** loaded from an earlier run (false: a fresh state) */
      resumed: boolean
      spent: string
      /** the end of the last service the earlier run saw, chain seconds */
      servedUntil: number | null
      lastReceiptUntil: number | null
      /** chain seconds now: nothing between `servedUntil` and this is receipted */
      at: number
    }
  | { kind: 'followed'; from: string; to: string }
  | { kind: 'state-aside'; lease: string; path: string; reason: string }
  | {
      kind: 'route'
      lease: string
      state: RouteState['kind']
      operator: string | null
      endpoint: string | null
      reason: string | null
    }
  | {
      kind: 'receipt'
      lease: string
      operator: string
      from: number
      until: number
      requests: string
      accepted: boolean
      reason: string | null
    }
  | { kind: 'runway'; lease: string; seconds: number; available: string }
  | { kind: 'warn'; lease: string; seconds: number; reason: string }
  | { kind: 'top-up'; lease: string; amount: string; seconds: number; spent: string; signature: string }
  | { kind: 'held-too-long'; path: string; waitedMs: number }
  | MoveEvent
  | ReturnEvent
  | { kind: 'ended'; reason: string }
  | { kind: 'error'; where: string; error: string }

export const GATEWAY_DEFAULTS = {
  host: '127.0.0.1',
  deadlineMs: 60_000,
  followMs: 2_000,
  probeMs: 1_000,
  receiptEveryMs: 10_000,
  budgetEveryMs: 10_000,
  saveEveryMs: 2_000,
} as const

/** Moves a state file may chain through before the gateway stops following (a loop is a bug). */
const MAX_FOLLOW = 32
/** The body of a move order: a spec and two options. */
const MAX_CONTROL_BODY = 256 * 1024

type Options = Required<Omit<GatewayInit, 'port' | 'move' | 'returnToSpot'>> & {
  port: number
  move: Mover | undefined
  returnToSpot: ReturnToSpotInit | undefined
}

export class Gateway {
  readonly registry = new Registry()
  private readonly metrics = {
    requests: new Counter({
      name: 'synkti_gateway_requests_total',
      help: 'requests answered, by outcome',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
    }),
    receipts: new Counter({
      name: 'synkti_gateway_receipts_total',
      help: 'receipts handed to the serving node, by answer',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
    }),
    receiptedSeconds: new Counter({
      name: 'synkti_gateway_receipted_seconds_total',
      help: 'seconds of service vouched for by receipts the node accepted',
      registers: [this.registry],
    }),
    runway: new Gauge({ name: 'synkti_gateway_runway_seconds', help: 'escrow runway', registers: [this.registry] }),
    topUps: new Counter({
      name: 'synkti_gateway_top_ups_total',
      help: 'automatic top-ups',
      registers: [this.registry],
    }),
    spent: new Gauge({
      name: 'synkti_gateway_top_up_spent',
      help: 'base units the automatic top-ups added in all (against --max-spend), across restarts and moves',
      registers: [this.registry],
    }),
    moves: new Counter({
      name: 'synkti_gateway_moves_total',
      help: 'make-before-break moves, by outcome',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
    }),
    returns: new Counter({
      name: 'synkti_gateway_return_to_spot_total',
      help: 'return-to-spot looks (considered) and what came of each: declined (by reason), moved, failed (by error)',
      labelNames: ['outcome', 'reason'] as const,
      registers: [this.registry],
    }),
  }
  private readonly sessions = new Map<string, LeaseSession>()
  private current!: LeaseSession
  private readonly locks: Lock[] = []
  private readonly token = newToken()
  private moving: { from: string } | null = null
  private readonly inflight = new Map<string, number>()
  private clockOffsetSec = 0
  private lastRunway: number | null = null
  private proxy?: RunningProxy
  private readonly stopping = new AbortController()
  private readonly loops: Promise<void>[] = []
  private refreshing: Promise<void> | null = null
  private saving: Promise<void> = Promise.resolve()
  private readonly o: Options
  /** --return-to-spot: the policy with its move limit resolved, the sightings, the last event's key */
  private returning: {
    policy: ReturnPolicy
    sightings: Sightings
    lastKey: string | null
    last: ReturnEvent | null
  } | null = null

  constructor(init: GatewayInit) {
    this.o = {
      ...GATEWAY_DEFAULTS,
      port: 0,
      lookUp: (lease) => lookUpRoute(init.node, init.client, lease),
      ...init,
      move: init.move,
      returnToSpot: init.returnToSpot,
    }
  }

  get url(): string | undefined {
    return this.proxy?.url
  }

  /** The lease served now (after any moves). */
  get lease(): string {
    return this.current.lease
  }

  /** Chain seconds now, from the wall clock and the offset last measured against the chain. */
  private chainSec(): number {
    return Math.floor(Date.now() / 1000 + this.clockOffsetSec)
  }

  async start(): Promise<void> {
    await this.syncClock()
    try {
      this.current = await this.load(this.o.lease.toBase58())
      await this.prepareReturn()
      await this.refresh()
      this.proxy = await startProxy({
        host: this.o.host,
        port: this.o.port,
        route: () => {
          const s = this.current.route
          return s.kind === 'serving' ? s.route : undefined
        },
        refresh: () => this.refresh(),
        deadlineMs: this.o.deadlineMs,
        onAnswered: (status, digest, route) => this.answered(status, digest?.digest() ?? null, route),
        track: (route) => this.track(route),
        onHeldTooLong: (path, waitedMs) => {
          this.metrics.requests.inc({ outcome: 'deadline' })
          this.o.emit({ kind: 'held-too-long', path, waitedMs })
        },
        own: (path) => this.ownPage(path),
        control: (req, res) => this.control(req, res),
      })
      await this.updateLocks()
    } catch (err) {
      await this.proxy?.close()
      await this.releaseLocks()
      throw err
    }
    this.o.emit({ kind: 'listening', url: this.proxy.url, lease: this.current.lease })
    this.every(this.o.followMs, 'follow', () => this.refresh())
    this.every(this.o.probeMs, 'probe', () => this.probe())
    this.every(this.o.receiptEveryMs, 'receipt', () => this.sendReceipt(this.current))
    this.every(this.o.budgetEveryMs, 'budget', () => this.watchBudget())
    const r = this.o.returnToSpot
    if (r !== undefined) this.every(r.everyMs, 'return-to-spot', () => this.considerReturn())
    this.every(this.o.saveEveryMs, 'state', () => this.saveDirty())
  }

  async stop(): Promise<void> {
    this.stopping.abort()
    await Promise.allSettled(this.loops)
    await this.proxy?.close()
    for (const s of this.sessions.values()) s.dirty = true
    await this.saveDirty().catch((err: Error) => this.o.emit({ kind: 'error', where: 'state', error: err.message }))
    await this.releaseLocks()
  }

  /** Resolves when the lease ends (the gateway has nothing left to serve). */
  async ended(): Promise<string> {
    while (!this.stopping.signal.aborted) {
      const s = this.current.route
      if (s.kind === 'ended' && this.moving === null) return s.reason
      await sleep(this.o.followMs, undefined, { signal: this.stopping.signal }).catch(() => undefined)
    }
    return 'stopped'
  }

  private every(ms: number, where: string, work: () => Promise<void>): void {
    const loop = async () => {
      while (!this.stopping.signal.aborted) {
        await sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined)
        if (this.stopping.signal.aborted) return
        await work().catch((err: Error) => this.o.emit({ kind: 'error', where, error: `${err.name}: ${err.message}` }))
      }
    }
    this.loops.push(loop())
  }

  private async syncClock(): Promise<void> {
    const chain = await chainNow(this.o.client.connection)
    this.clockOffsetSec = chain - Date.now() / 1000
  }

  // --- state ---------------------------------------------------------------------------------

  /**
   * The session of `lease` from its state file (or fresh), following the moves its state
   * records to the lease that serves the job now. Each lease visited is locked for this process.
   */
  private async load(lease: string): Promise<LeaseSession> {
    const dir = this.o.stateDir
    let id = lease
    for (let hop = 0; ; hop++) {
      if (hop > MAX_FOLLOW) throw new Error(`lease ${lease}: more than ${MAX_FOLLOW} moves to follow in ${dir}`)
      if (dir !== null) this.locks.push(await acquireLock(dir, id, { url: null, token: null, serving: id }))
      let state = dir === null ? null : await readState(dir, id)
      let openedAt: number | null = null
      if (state === null || state.movedTo === null) {
        openedAt = (await this.o.client.fetchLease(new PublicKey(id))).openedAt
        if (state !== null && dir !== null && state.openedAt !== openedAt) {
          // an earlier lease at the same address (a reset localnet): its state is not this one's
          const path = await moveStateAside(dir, id, 'earlier-lease')
          this.o.emit({ kind: 'state-aside', lease: id, path, reason: 'it is the state of an earlier lease here' })
          state = null
        }
      }
      const session =
        state !== null
          ? LeaseSession.resume(state, this.o.probeMs)
          : LeaseSession.fresh(id, openedAt as number, this.o.probeMs)
      this.sessions.set(id, session)
      if (session.movedTo === null) {
        this.metrics.spent.set(Number(session.spent))
        this.o.emit({
          kind: 'state',
          lease: id,
          path: dir === null ? null : statePath(dir, id),
          resumed: state !== null,
          spent: session.spent.toString(),
          servedUntil: session.ledger.servedUntil(),
          lastReceiptUntil: session.lastReceipt?.until ?? null,
          at: this.chainSec(),
        })
        if (state === null) await this.save(session)
        return session
      }
      this.o.emit({ kind: 'followed', from: id, to: session.movedTo })
      id = session.movedTo
    }
  }

  /** Writes `session`'s state, one write at a time; resolves once it is on disk. */
  private save(session: LeaseSession): Promise<void> {
    const dir = this.o.stateDir
    if (dir === null) return Promise.resolve()
    session.dirty = false
    const write = this.saving.then(() => writeState(dir, session.toState()))
    this.saving = write.catch(() => {
      session.dirty = true
    })
    return write
  }

  private async saveDirty(): Promise<void> {
    for (const s of this.sessions.values()) if (s.dirty) await this.save(s)
  }

  private async updateLocks(): Promise<void> {
    for (const lock of this.locks) {
      await lock.update({ url: this.proxy?.url ?? null, token: this.token, serving: this.current.lease })
    }
  }

  private async releaseLocks(): Promise<void> {
    for (const lock of this.locks.splice(0)) await lock.release().catch(() => undefined)
  }

  // --- route ---------------------------------------------------------------------------------

  /** One lookup at a time; callers in between share it. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const session = this.current
      try {
        const next = await this.o.lookUp(new PublicKey(session.lease))
        this.setRoute(session, next)
      } finally {
        this.refreshing = null
      }
    })()
    return this.refreshing
  }

  private setRoute(session: LeaseSession, next: RouteState): void {
    const key = (s: RouteState) => (s.kind === 'serving' ? `serving ${s.route.endpoint}` : s.kind)
    const changed = key(next) !== key(session.route)
    session.route = next
    if (next.kind === 'serving') session.servedBy(next.route.provider)
    // a lease left by a move ends in the background; what the application sees is the current one
    if (!changed || session !== this.current) return
    this.emitRoute(session)
    if (next.kind === 'ended') this.o.emit({ kind: 'ended', reason: next.reason })
  }

  private emitRoute(session: LeaseSession): void {
    const next = session.route
    const route: Route | null = next.kind === 'serving' ? next.route : null
    this.o.emit({
      kind: 'route',
      lease: session.lease,
      state: next.kind,
      operator: route?.operator ?? null,
      endpoint: route?.endpoint ?? null,
      reason: next.kind === 'serving' ? null : next.reason,
    })
  }

  /** The consumer's own look at the job: its health endpoint, answered or not. */
  private async probe(): Promise<void> {
    const session = this.current
    if (session.route.kind !== 'serving') return
    const ok = await fetch(new URL('/health', session.route.route.endpoint), { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false)
    session.observe(this.chainSec(), ok)
    if (!ok) void this.refresh()
  }

  private track(route: Route): () => void {
    this.inflight.set(route.lease, (this.inflight.get(route.lease) ?? 0) + 1)
    return () => this.inflight.set(route.lease, (this.inflight.get(route.lease) ?? 1) - 1)
  }

  private answered(status: number, bodyDigest: Buffer | null, route: Route): void {
    const ok = status >= 200 && status < 300
    this.metrics.requests.inc({ outcome: ok ? 'ok' : `http-${status}` })
    if (!ok || bodyDigest === null) return
    // counted for the lease that answered it: across a move, some answers still come from the old one
    const session = this.sessions.get(route.lease) ?? this.current
    session.answered(this.chainSec(), bodyDigest)
  }

  // --- receipts ------------------------------------------------------------------------------

  /** Signs what the session saw served since the chain's last settlement and hands it to the node. */
  private async sendReceipt(session: LeaseSession): Promise<void> {
    if (session.route.kind !== 'serving') return
    await this.syncClock()
    const lease = await this.o.client.fetchLease(new PublicKey(session.lease))
    const route = session.route.route
    if (lease.status.kind !== 'active' || lease.provider.toBase58() !== route.provider) return
    const plan = session.planReceipt(lease.settledUntil, route.provider)
    if (plan === null) return
    const { from, until, tally } = plan
    const receipt = { from, until, requests: tally.requests, digest: tally.digest }
    const signature = signReceipt(this.o.signer, lease.address, lease.provider, receipt)
    const sent: SentReceipt = { provider: route.provider, ...receipt, accepted: null, reason: null }
    // on disk before it leaves: a restarted gateway never signs this period again
    session.signed(sent)
    await this.save(session)
    const peer = await resolvePeer(this.o.node, lease.market.toBase58(), route.operator)
    const answer = await this.o.node.protocols.submitReceipt(peer, {
      lease: session.lease,
      provider: route.provider,
      from,
      until,
      requests: receipt.requests.toString(),
      digest: Buffer.from(receipt.digest).toString('base64'),
      signer: this.o.signer.publicKey.toBase58(),
      signature: Buffer.from(signature).toString('base64'),
    })
    sent.accepted = answer.accepted
    sent.reason = answer.accepted ? null : answer.reason
    session.dirty = true
    this.metrics.receipts.inc({ outcome: answer.accepted ? 'accepted' : 'refused' })
    if (answer.accepted) this.metrics.receiptedSeconds.inc(until - from)
    this.o.emit({
      kind: 'receipt',
      lease: session.lease,
      operator: route.operator,
      from,
      until,
      requests: receipt.requests.toString(),
      accepted: answer.accepted,
      reason: sent.reason,
    })
  }

  // --- budget --------------------------------------------------------------------------------

  private async watchBudget(): Promise<void> {
    const session = this.current
    const id = new PublicKey(session.lease)
    const lease = await this.o.client.fetchLease(id)
    if (lease.status.kind !== 'active' && lease.status.kind !== 'open') return
    const { available, seconds } = runway(lease)
    this.lastRunway = seconds
    this.metrics.runway.set(Number.isFinite(seconds) ? seconds : -1)
    this.o.emit({ kind: 'runway', lease: session.lease, seconds, available: available.toString() })
    const action = budgetAction(seconds, session.spent, this.o.budget)
    if (action.kind === 'warn') {
      this.o.emit({ kind: 'warn', lease: session.lease, seconds: action.seconds, reason: action.reason })
    }
    if (action.kind !== 'top-up') return
    // counted before it is sent: a crash between the two can only make the limit stricter
    session.spent += action.amount
    await this.save(session)
    let signature: string
    try {
      ;({ signature } = await this.o.client.topUpLease({ consumer: this.o.signer, lease: id, amount: action.amount }))
    } catch (err) {
      // not counted only if the escrow shows it did not arrive (a lost confirmation may hide one that did)
      const after = await this.o.client.fetchLease(id).catch(() => null)
      if (after !== null && after.deposited === lease.deposited) {
        session.spent -= action.amount
        await this.save(session)
      }
      throw err
    }
    this.metrics.topUps.inc()
    this.metrics.spent.set(Number(session.spent))
    this.o.emit({
      kind: 'top-up',
      lease: session.lease,
      amount: action.amount.toString(),
      seconds: action.seconds,
      spent: session.spent.toString(),
      signature,
    })
  }

  // --- moves ---------------------------------------------------------------------------------

  /**
   * Moves the job make-before-break (move.ts), switching this gateway's traffic once the new
   * lease is healthy. `sink` receives the move's events too (the control endpoint streams them).
   */
  async move(order: Omit<MoveOrder, 'lease'>, sink?: (e: MoveEvent) => void): Promise<MoveOutcome> {
    if (this.o.move === undefined) throw new Error('this gateway cannot move its lease')
    if (this.moving !== null) throw new MoveInProgressError(this.moving.from, null)
    const old = this.current
    this.moving = { from: old.lease }
    try {
      const outcome = await this.o.move(
        { ...order, lease: new PublicKey(old.lease) },
        {
          emit: (e) => {
            this.o.emit(e)
            sink?.(e)
          },
          switchTo: (made) => this.switchTo(old, made),
          drain: () => this.drain(old),
        },
      )
      this.metrics.moves.inc({ outcome: outcome.failure === undefined ? 'moved' : 'moved-old-open' })
      return outcome
    } catch (err) {
      this.metrics.moves.inc({ outcome: 'aborted' })
      throw err
    } finally {
      this.moving = null
    }
  }

  /** The new lease is healthy: its state first, then the old one's pointer to it, then the traffic. */
  private async switchTo(old: LeaseSession, made: Made): Promise<void> {
    const id = made.lease.toBase58()
    const next = LeaseSession.fresh(id, made.openedAt, this.o.probeMs, old.spent, old.autoMoves)
    next.movedFrom = old.lease
    next.route = { kind: 'serving', route: made.route }
    next.servedBy(made.route.provider)
    const dir = this.o.stateDir
    if (dir !== null) {
      this.locks.push(await acquireLock(dir, id, { url: this.proxy?.url ?? null, token: this.token, serving: id }))
    }
    await this.save(next)
    old.movedTo = id
    await this.save(old)
    this.sessions.set(id, next)
    this.current = next
    this.emitRoute(next)
    await this.updateLocks()
  }

  /** Lets the requests on their way to the old lease finish, then receipts what it served. */
  private async drain(old: LeaseSession): Promise<void> {
    const deadline = Date.now() + Math.min(DRAIN_MS, this.o.deadlineMs)
    while ((this.inflight.get(old.lease) ?? 0) > 0 && Date.now() < deadline) await sleep(100)
    await this.sendReceipt(old).catch((err: Error) =>
      this.o.emit({ kind: 'error', where: 'receipt', error: `${err.name}: ${err.message}` }),
    )
  }

  // --- return to spot ------------------------------------------------------------------------

  /** --return-to-spot: the spec must be the lease's (and the lease this wallet's); the move limit resolved. */
  private async prepareReturn(): Promise<void> {
    const r = this.o.returnToSpot
    if (r === undefined) return
    if (this.o.move === undefined) throw new Error('--return-to-spot needs a way to move the lease')
    const lease = await leaseToMove(this.o.client, this.o.signer.publicKey, {
      lease: new PublicKey(this.current.lease),
      spec: r.spec,
      specSource: r.specSource,
    })
    const everySec = r.everyMs / 1000
    this.returning = {
      policy: { ...r.policy, maxMoves: r.policy.maxMoves ?? lease.policy.maxMigrations },
      // a look more than this after the last one saw nothing in between: every hold starts again
      sightings: new Sightings(Math.max(3 * everySec, everySec + 30)),
      lastKey: null,
      last: null,
    }
  }

  /**
   * One look at the market for the lease's job (the same offers `providers --for` sees, prices
   * from the chain), the sightings brought up to date, and return.ts's decision: a move to the
   * cheaper spot provider, make-before-break, or why not.
   */
  private async considerReturn(): Promise<void> {
    const r = this.o.returnToSpot
    const ret = this.returning
    if (r === undefined || ret === null) return
    const session = this.current
    this.metrics.returns.inc({ outcome: 'considered', reason: '' })
    const now = this.chainSec()
    let lease: Awaited<ReturnType<MarketClient['fetchLease']>>
    let look: Awaited<ReturnType<MarketLook>>
    try {
      ;[lease, look] = await Promise.all([this.o.client.fetchLease(new PublicKey(session.lease)), r.look()])
    } catch (err) {
      ret.sightings.missed(now)
      const e = err as Error
      this.reportReturn(session, null, {
        outcome: 'declined',
        reason: 'look-failed',
        detail: `the market could not be looked at (${e.name}: ${e.message}); every hold starts again`,
        candidate: null,
        waitSec: null,
      })
      return
    }
    // a move switched the lease while this look was out: the next look is about the new one
    if (session !== this.current) return
    const provider = lease.provider.toBase58()
    const cap = lease.policy.maxPricePerSecond
    const req = requirementOf(r.spec)
    const rules = targetRules(req, cap, look.marketMinStake, ret.policy.minStake)
    ret.sightings.look(
      now,
      look.offers.filter((o) => isTarget(o, provider, rules)),
    )
    const route = session.route
    const serving = lease.status.kind === 'active' && route.kind === 'serving' && route.route.provider === provider
    const decision = decideReturn(
      {
        now,
        moving: this.moving !== null,
        current: serving
          ? {
              provider,
              pricePerSecond: lease.pricePerSecond,
              since: lease.providerSince,
              cap,
              available: runway(lease).available,
            }
          : null,
        movesMade: session.autoMoves,
        offers: look.offers,
        req,
        marketMinStake: look.marketMinStake,
        sinceOf: (p) => ret.sightings.since(p),
      },
      ret.policy,
    )
    const current = { provider, pricePerSecond: lease.pricePerSecond.toString() }
    if (decision.kind === 'stay') {
      this.reportReturn(session, current, {
        outcome: 'declined',
        reason: decision.reason,
        detail: decision.detail,
        candidate: candidateOf(decision),
        waitSec: decision.waitSec,
      })
      return
    }
    await this.returnTo(session, current, decision)
  }

  private async returnTo(
    session: LeaseSession,
    current: ReturnEvent['current'],
    decision: Extract<ReturnDecision, { kind: 'move' }>,
  ): Promise<void> {
    const r = this.o.returnToSpot as ReturnToSpotInit
    const ret = this.returning as NonNullable<Gateway['returning']>
    const candidate = candidateOf(decision)
    this.reportReturn(session, current, {
      outcome: 'moving',
      reason: 'cheaper',
      detail: `${decision.detail}: moving, deposit ${decision.deposit}`,
      candidate,
      waitSec: null,
    })
    // counted before the move: a crash during it can only make the limit stricter
    session.autoMoves += 1
    await this.save(session)
    let outcome: MoveOutcome
    try {
      outcome = await this.move({
        spec: r.spec,
        specSource: r.specSource,
        to: decision.to.provider,
        deposit: decision.deposit,
      })
    } catch (err) {
      // never made (the old lease serves on): not a move; the provider must be offered a whole hold again
      session.autoMoves -= 1
      await this.save(session)
      ret.sightings.forget(decision.to.provider)
      const e = err as Error
      this.metrics.returns.inc({ outcome: 'failed', reason: e.name })
      this.reportReturn(session, current, {
        outcome: 'failed',
        reason: e.name,
        detail: `the move to ${decision.to.operator} failed (${e.name}: ${e.message}); lease ${session.lease} serves on`,
        candidate,
        waitSec: null,
      })
      return
    }
    this.metrics.returns.inc({ outcome: 'moved', reason: 'cheaper' })
    const old =
      outcome.failure === undefined
        ? `closed lease ${outcome.from}`
        : `lease ${outcome.from} NOT closed (${outcome.failure.message})`
    this.reportReturn(this.current, current, {
      outcome: 'moved',
      reason: 'cheaper',
      detail: `moved to lease ${outcome.to} on ${outcome.operator} at ${outcome.pricePerSecond}/s; ${old}`,
      candidate,
      waitSec: null,
      to: outcome.to,
    })
  }

  /** Emits a return event; a decline only when its reason or provider changed (each counts in the metric). */
  private reportReturn(
    session: LeaseSession,
    current: ReturnEvent['current'],
    e: Omit<ReturnEvent, 'kind' | 'lease' | 'current' | 'moves' | 'maxMoves'>,
  ): void {
    const ret = this.returning
    if (ret === null) return
    const event: ReturnEvent = {
      kind: 'return-to-spot',
      lease: session.lease,
      current,
      moves: session.autoMoves,
      maxMoves: ret.policy.maxMoves,
      ...e,
    }
    ret.last = event
    if (e.outcome !== 'declined') {
      ret.lastKey = null
      this.o.emit(event)
      return
    }
    this.metrics.returns.inc({ outcome: 'declined', reason: e.reason })
    const key = `${session.lease} ${e.reason} ${e.candidate?.provider ?? '-'}`
    if (key === ret.lastKey) return
    ret.lastKey = key
    this.o.emit(event)
  }

  // --- own pages -----------------------------------------------------------------------------

  /** `POST /_synkti/move`: a move order, its events streamed back as JSON lines. */
  private async control(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname
    if (path !== '/_synkti/move') return false
    const refuse = (status: number, name: string, message: string, remedy = '') => {
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { name, message, remedy } }))
      return true
    }
    if (req.method !== 'POST') return refuse(405, 'MethodNotAllowedError', 'POST a move order')
    const given = Buffer.from(req.headers.authorization ?? '')
    const wanted = Buffer.from(`Bearer ${this.token}`)
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      return refuse(401, 'UnauthorizedError', 'no valid control token', "the token is in the lease's lock file")
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refuse(415, 'UnsupportedMediaTypeError', 'send the order as application/json')
    }
    let body: Record<string, unknown>
    try {
      body = await readJson(req)
    } catch (err) {
      return refuse(400, 'MalformedOrderError', (err as Error).message)
    }
    const report = (err: unknown, status: number) => {
      const r = describeError(err)
      return refuse(status, r.name, r.message, r.remedy)
    }
    if (this.o.move === undefined) return refuse(501, 'NotImplementedError', 'this gateway cannot move its lease')
    if (this.moving !== null) return report(new MoveInProgressError(this.moving.from, null), 409)
    const asked = typeof body.lease === 'string' ? body.lease : this.current.lease
    if (asked !== this.current.lease) {
      const moved = this.sessions.get(asked)?.movedTo
      if (moved !== undefined && moved !== null) return report(new LeaseAlreadyMovedError(asked, moved), 409)
      return refuse(404, 'LeaseNotServedError', `this gateway serves lease ${this.current.lease}, not ${asked}`)
    }
    let order: Omit<MoveOrder, 'lease'>
    try {
      order = {
        spec: parseJobSpec(body.spec),
        specSource: typeof body.specSource === 'string' ? body.specSource : 'the posted spec',
        ...(typeof body.to === 'string' ? { to: body.to } : {}),
        ...(typeof body.deposit === 'string' ? { deposit: parseAmount('deposit', body.deposit) } : {}),
      }
    } catch (err) {
      if (err instanceof InvalidJobSpecError) {
        res.writeHead(400, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { ...describeError(err), issues: err.issues } }))
        return true
      }
      return report(err, 400)
    }
    res.on('error', () => undefined)
    res.writeHead(200, { 'content-type': 'application/x-ndjson' })
    const line = (v: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(v, bigintText)}\n`)
    }
    try {
      const outcome = await this.move(order, line)
      const { failure, ...rest } = outcome
      line({ kind: 'move-result', outcome: rest, error: failure === undefined ? null : errorReport(failure) })
    } catch (err) {
      line({ kind: 'move-result', outcome: null, error: errorReport(err) })
    }
    res.end()
    return true
  }

  /** `/_synkti/status` (JSON) and `/_synkti/metrics` (Prometheus text). */
  private async ownPage(path: string): Promise<OwnPage | undefined> {
    if (path === '/_synkti/metrics') {
      return { status: 200, type: this.registry.contentType, body: await this.registry.metrics() }
    }
    if (path === '/_synkti/status') {
      const s = this.current
      const route = s.route.kind === 'serving' ? s.route.route : null
      const body = {
        lease: s.lease,
        startedOn: this.o.lease.toBase58(),
        movedFrom: s.movedFrom,
        moving: this.moving !== null,
        state: s.route.kind,
        reason: s.route.kind === 'serving' ? null : s.route.reason,
        operator: route?.operator ?? null,
        endpoint: route?.endpoint ?? null,
        runwaySeconds: this.lastRunway,
        toppedUp: s.spent.toString(),
        lastReceipt:
          s.lastReceipt === null
            ? null
            : {
                from: s.lastReceipt.from,
                until: s.lastReceipt.until,
                requests: s.lastReceipt.requests.toString(),
                accepted: s.lastReceipt.accepted,
              },
        stateFile: this.o.stateDir === null ? null : statePath(this.o.stateDir, s.lease),
        returnToSpot:
          this.returning === null
            ? null
            : { moves: s.autoMoves, maxMoves: this.returning.policy.maxMoves, last: this.returning.last },
      }
      return { status: 200, type: 'application/json', body: JSON.stringify(body) }
    }
    return undefined
  }
}

function candidateOf(decision: ReturnDecision): ReturnEvent['candidate'] {
  const c = decision.candidate
  return c === null
    ? null
    : {
        provider: c.provider,
        operator: c.operator,
        pricePerSecond: c.pricePerSecond.toString(),
        saving: Math.round(c.saving * 10_000) / 10_000,
        heldSec: c.heldSec,
      }
}

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

function errorReport(err: unknown): { name: string; message: string; remedy: string; exitCode: number } {
  const r = describeError(err)
  return { name: r.name, message: r.message, remedy: r.remedy, exitCode: r.exitCode }
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_CONTROL_BODY) chunks.push(c)
    })
    req.on('end', () => {
      if (size > MAX_CONTROL_BODY) return reject(new Error(`the order is above ${MAX_CONTROL_BODY} bytes`))
      try {
        const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('the order is not a JSON object')
        resolve(v as Record<string, unknown>)
      } catch (err) {
        reject(err)
      }
    })
    req.on('error', reject)
  })
}
