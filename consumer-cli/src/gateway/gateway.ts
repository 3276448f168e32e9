/**
 * `synkti gateway`: the consumer's own endpoint for one lease. Services, started in order and
 * stopped in reverse: the route follower (chain → provider → its signed status), the prober
 * (the consumer's own view of the job's health, the basis of receipts), the proxy (one stable
 * URL on loopback), the receipt signer (what was served, signed and handed to the serving node)
 * and the budget watcher (runway, warnings, top-ups within the consumer's limit).
 */
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Keypair, PublicKey } from '@solana/web3.js'
import { chainNow, type MarketClient, signReceipt } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { Counter, Gauge, Registry } from 'prom-client'
import { resolvePeer } from '../p2p.js'
import { budgetAction, runway, type TopUpPolicy } from './budget.js'
import { type OwnPage, type RunningProxy, startProxy } from './proxy.js'
import { lookUpRoute, type Route, type RouteState } from './route.js'
import { ServedLedger } from './served.js'

export interface GatewayInit {
  client: MarketClient
  node: SynktiNode
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
  budget: TopUpPolicy
  emit: (event: GatewayEvent) => void
}

export type GatewayEvent =
  | { kind: 'listening'; url: string; lease: string }
  | {
      kind: 'route'
      state: RouteState['kind']
      operator: string | null
      endpoint: string | null
      reason: string | null
    }
  | {
      kind: 'receipt'
      operator: string
      from: number
      until: number
      requests: string
      accepted: boolean
      reason: string | null
    }
  | { kind: 'runway'; seconds: number; available: string }
  | { kind: 'warn'; seconds: number; reason: string }
  | { kind: 'top-up'; amount: string; seconds: number; signature: string }
  | { kind: 'held-too-long'; path: string; waitedMs: number }
  | { kind: 'ended'; reason: string }
  | { kind: 'error'; where: string; error: string }

export const GATEWAY_DEFAULTS = {
  host: '127.0.0.1',
  deadlineMs: 60_000,
  followMs: 2_000,
  probeMs: 1_000,
  receiptEveryMs: 10_000,
  budgetEveryMs: 10_000,
} as const

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
  }
  private state: RouteState = { kind: 'waiting', reason: 'starting' }
  private ledger: ServedLedger
  private ledgerProvider: string | null = null
  private clockOffsetSec = 0
  private requests = 0n
  private digest = new Uint8Array(32)
  private spent = 0n
  private lastRunway: number | null = null
  private proxy?: RunningProxy
  private readonly stopping = new AbortController()
  private readonly loops: Promise<void>[] = []
  private refreshing: Promise<void> | null = null
  private readonly o: Required<Omit<GatewayInit, 'port'>> & { port: number }

  constructor(init: GatewayInit) {
    this.o = { ...GATEWAY_DEFAULTS, port: 0, ...init }
    this.ledger = new ServedLedger(Math.max(3, (3 * this.o.probeMs) / 1000))
  }

  get url(): string | undefined {
    return this.proxy?.url
  }

  /** Chain seconds now, from the wall clock and the offset last measured against the chain. */
  private chainSec(): number {
    return Math.floor(Date.now() / 1000 + this.clockOffsetSec)
  }

  async start(): Promise<void> {
    await this.syncClock()
    await this.refresh()
    this.proxy = await startProxy({
      host: this.o.host,
      port: this.o.port,
      route: () => (this.state.kind === 'serving' ? this.state.route : undefined),
      refresh: () => this.refresh(),
      deadlineMs: this.o.deadlineMs,
      onAnswered: (status, digest) => this.answered(status, digest?.digest() ?? null),
      onHeldTooLong: (path, waitedMs) => {
        this.metrics.requests.inc({ outcome: 'deadline' })
        this.o.emit({ kind: 'held-too-long', path, waitedMs })
      },
      own: (path) => this.ownPage(path),
    })
    this.o.emit({ kind: 'listening', url: this.proxy.url, lease: this.o.lease.toBase58() })
    this.every(this.o.followMs, 'follow', () => this.refresh())
    this.every(this.o.probeMs, 'probe', () => this.probe())
    this.every(this.o.receiptEveryMs, 'receipt', () => this.sendReceipt())
    this.every(this.o.budgetEveryMs, 'budget', () => this.watchBudget())
  }

  async stop(): Promise<void> {
    this.stopping.abort()
    await Promise.allSettled(this.loops)
    await this.proxy?.close()
  }

  /** Resolves when the lease ends (the gateway has nothing left to serve). */
  async ended(): Promise<string> {
    while (!this.stopping.signal.aborted) {
      if (this.state.kind === 'ended') return this.state.reason
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

  /** One lookup at a time; callers in between share it. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const next = await lookUpRoute(this.o.node, this.o.client, this.o.lease)
        this.setState(next)
      } finally {
        this.refreshing = null
      }
    })()
    return this.refreshing
  }

  private setState(next: RouteState): void {
    const key = (s: RouteState) => (s.kind === 'serving' ? `serving ${s.route.endpoint}` : s.kind)
    const changed = key(next) !== key(this.state)
    this.state = next
    if (next.kind === 'serving' && next.route.provider !== this.ledgerProvider) {
      // what an earlier provider served says nothing about this one
      this.ledger = new ServedLedger(Math.max(3, (3 * this.o.probeMs) / 1000))
      this.ledgerProvider = next.route.provider
    }
    if (!changed) return
    const route: Route | null = next.kind === 'serving' ? next.route : null
    this.o.emit({
      kind: 'route',
      state: next.kind,
      operator: route?.operator ?? null,
      endpoint: route?.endpoint ?? null,
      reason: next.kind === 'serving' ? null : next.reason,
    })
    if (next.kind === 'ended') this.o.emit({ kind: 'ended', reason: next.reason })
  }

  /** The consumer's own look at the job: its health endpoint, answered or not. */
  private async probe(): Promise<void> {
    if (this.state.kind !== 'serving') return
    const ok = await fetch(new URL('/health', this.state.route.endpoint), { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false)
    this.ledger.observe(this.chainSec(), ok)
    if (!ok) void this.refresh()
  }

  private answered(status: number, bodyDigest: Buffer | null): void {
    const ok = status >= 200 && status < 300
    this.metrics.requests.inc({ outcome: ok ? 'ok' : `http-${status}` })
    if (!ok || bodyDigest === null) return
    this.ledger.observe(this.chainSec(), true)
    this.requests += 1n
    // a running digest of the responses since the last receipt: evidence for a dispute
    const next = new Uint8Array(64)
    next.set(this.digest, 0)
    next.set(bodyDigest, 32)
    this.digest = new Uint8Array(createHash('sha256').update(next).digest())
  }

  /** Signs what the ledger covers since the chain's last settlement and hands it to the node. */
  private async sendReceipt(): Promise<void> {
    if (this.state.kind !== 'serving') return
    await this.syncClock()
    const lease = await this.o.client.fetchLease(this.o.lease)
    const route = this.state.route
    if (lease.status.kind !== 'active' || lease.provider.toBase58() !== route.provider) return
    const from = lease.settledUntil
    const until = this.ledger.coveredUntil(from)
    if (until === null) return
    const receipt = { from, until, requests: this.requests, digest: this.digest }
    const signature = signReceipt(this.o.signer, this.o.lease, lease.provider, receipt)
    const peer = await resolvePeer(this.o.node, lease.market.toBase58(), route.operator)
    const answer = await this.o.node.protocols.submitReceipt(peer, {
      lease: this.o.lease.toBase58(),
      provider: route.provider,
      from,
      until,
      requests: receipt.requests.toString(),
      digest: Buffer.from(receipt.digest).toString('base64'),
      signer: this.o.signer.publicKey.toBase58(),
      signature: Buffer.from(signature).toString('base64'),
    })
    this.metrics.receipts.inc({ outcome: answer.accepted ? 'accepted' : 'refused' })
    if (answer.accepted) this.metrics.receiptedSeconds.inc(until - from)
    this.o.emit({
      kind: 'receipt',
      operator: route.operator,
      from,
      until,
      requests: receipt.requests.toString(),
      accepted: answer.accepted,
      reason: answer.accepted ? null : answer.reason,
    })
  }

  private async watchBudget(): Promise<void> {
    const lease = await this.o.client.fetchLease(this.o.lease)
    if (lease.status.kind !== 'active' && lease.status.kind !== 'open') return
    const { available, seconds } = runway(lease)
    this.lastRunway = seconds
    this.metrics.runway.set(Number.isFinite(seconds) ? seconds : -1)
    this.o.emit({ kind: 'runway', seconds, available: available.toString() })
    const action = budgetAction(seconds, this.spent, this.o.budget)
    if (action.kind === 'warn') this.o.emit({ kind: 'warn', seconds: action.seconds, reason: action.reason })
    if (action.kind !== 'top-up') return
    const { signature } = await this.o.client.topUpLease({
      consumer: this.o.signer,
      lease: this.o.lease,
      amount: action.amount,
    })
    this.spent += action.amount
    this.metrics.topUps.inc()
    this.o.emit({ kind: 'top-up', amount: action.amount.toString(), seconds: action.seconds, signature })
  }

  /** `/_synkti/status` (JSON) and `/_synkti/metrics` (Prometheus text). */
  private async ownPage(path: string): Promise<OwnPage | undefined> {
    if (path === '/_synkti/metrics') {
      return { status: 200, type: this.registry.contentType, body: await this.registry.metrics() }
    }
    if (path === '/_synkti/status') {
      const route = this.state.kind === 'serving' ? this.state.route : null
      const body = {
        lease: this.o.lease.toBase58(),
        state: this.state.kind,
        reason: this.state.kind === 'serving' ? null : this.state.reason,
        operator: route?.operator ?? null,
        endpoint: route?.endpoint ?? null,
        runwaySeconds: this.lastRunway,
        toppedUp: this.spent.toString(),
      }
      return { status: 200, type: 'application/json', body: JSON.stringify(body) }
    }
    return undefined
  }
}
