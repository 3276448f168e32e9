import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Keypair, PublicKey } from '@solana/web3.js'
import { createSpotWatcher, type SpotWatcher } from '@synkti/cloud'
import { type JobSpec, type NodeStatus, requirementOf } from '@synkti/jobs'
import { chainNow, type Lease, loadKeypair, MarketClient } from '@synkti/market'
import {
  type HandoffConfirmation,
  type HandoffDecision,
  type HandoffOffer,
  type JobDecision,
  type JobRequest,
  type JsonObject,
  loadSolanaKeypair,
  type ReceiptDecision,
  type ReceiptSubmission,
  SynktiNode,
} from '@synkti/p2p'
import { createPlanner, totalVramGb } from '@synkti/planner'
import { createHazardModel, type HazardKey } from '@synkti/prognostics'
import { Registry } from 'prom-client'
import { createNodeMetrics, type RunningNodeApi, startNodeApi } from '../api/index.js'
import { detectNodeContext, type NodeContext } from '../context/index.js'
import {
  createFailover,
  type FailoverEffects,
  type FailoverState,
  FailoverStore,
  type FailoverTrigger,
  isTerminal,
  planWith,
  runFailover,
  toView,
} from '../failover/index.js'
import { PreflightFailedError } from '../preflight/errors.js'
import { type Operation, runPreflight } from '../preflight/index.js'
import {
  createPrognosticsLoop,
  detectGpuSampler,
  memorySampler,
  type PrognosticsLoop,
  requestsSampler,
  type Sampler,
} from '../prognostics/index.js'
import { checkReceipt, createSettlementLoop, ReceiptBook, type SettlementLoop } from '../settlement/index.js'
import { type AdmissionContext, admitJob } from './admission.js'
import { ChainState } from './chain-state.js'
import type { NodeConfig } from './config.js'
import {
  LeaseNotForThisProviderError,
  LeaseNotServableError,
  PublishTimeoutError,
  refusal,
  UnknownLeaseError,
} from './errors.js'
import { type NodeFailoverDeps, nodeFailoverEffects } from './failover-effects.js'
import { JobRecords } from './job-records.js'
import { JobManager } from './jobs.js'
import { preflightEnv } from './preflight-env.js'

/** One structured line of what the node did; the CLI prints them as JSON lines. */
export type NodeEvent = { event: string } & Record<string, unknown>

export interface ProviderNodeInit {
  config: NodeConfig
  log?: (event: NodeEvent) => void
}

/** How often the node re-reads its provider account and re-publishes its record. */
const CHAIN_REFRESH_MS = 3_000
const RECORD_REFRESH_MS = 60_000
/** A hand-off confirmation may arrive before the RPC the taker reads has the migration. */
const MIGRATION_VISIBLE_TRIES = 20
const MIGRATION_VISIBLE_STEP_MS = 250
/** How long a job is expected to keep running after a failover, for the planner's price term. */
const EXPECTED_REMAINING_SEC = 3_600
/** A rebalance recommendation gives no deadline; the node moves its jobs within this. */
const REBALANCE_BUDGET_MS = 120_000
const REPUBLISH_DEBOUNCE_MS = 1_000
/** A record put or provide that has not settled by then is abandoned and tried again. */
const PUBLISH_TIMEOUT_MS = 20_000
const PUBLISH_RETRY_MS = 5_000
/** How often a taker checks the chain for a migration nobody confirmed. */
const TAKEOVER_WATCH_MS = 1_000
/** Context probes must not hold up the start on a workstation, where nothing answers. */
const CONTEXT_PROBE_MS = 1_000

/**
 * The provider daemon, composed: it observes where it runs (context, preflight), then serves:
 * P2P (job, status, hand-off, challenge, logs), the jobs it runs (keyed by lease), settlement
 * of their usage on chain, failover when the cloud takes the machine back, prognostics, and
 * the HTTP API with its status page.
 */
export class ProviderNode implements AsyncDisposable {
  readonly jobs: JobManager
  readonly chain: ChainState
  readonly client: MarketClient
  readonly registry = new Registry()
  readonly failovers = new Map<string, FailoverState>()
  private admittingNow = true
  private readonly pendingTakeovers = new Map<string, { spec: JobSpec; consumer: string; since: number }>()
  private readonly running = new Set<Promise<unknown>>()
  private readonly stopping = new AbortController()
  private readonly failoverStore: FailoverStore
  private readonly hazard = createHazardModel()
  private recordTimer: NodeJS.Timeout | undefined
  private republishTimer: NodeJS.Timeout | undefined
  private leaseTimer: NodeJS.Timeout | undefined
  private spare: { operator: string; at: number } | null = null
  private receipts?: ReceiptBook
  p2p!: SynktiNode
  context!: NodeContext
  api: RunningNodeApi | null = null
  settlement!: SettlementLoop
  prognostics!: PrognosticsLoop
  spotWatcher: SpotWatcher | null = null

  private constructor(
    readonly config: NodeConfig,
    readonly operator: Keypair,
    private readonly emit: (event: NodeEvent) => void,
  ) {
    this.client = new MarketClient({ rpcUrl: config.rpcUrl })
    this.chain = new ChainState(this.client, new PublicKey(config.provider))
    this.failoverStore = new FailoverStore(join(config.stateDir, 'failovers'))
    this.jobs = new JobManager({
      ...(config.jobCwd !== undefined ? { cwd: config.jobCwd } : {}),
      containerEngine: config.containerEngine,
      records: new JobRecords(join(config.stateDir, 'jobs')),
      onChange: (lease) => {
        this.emit({ event: 'job', ...this.jobs.view(lease) })
        this.republishSoon()
      },
    })
  }

  /**
   * Observes, then acts: context and role, the Banker's check (nothing starts while an item
   * fails), then P2P, API, loops; then it resumes what a previous run left unfinished.
   */
  static async start(init: ProviderNodeInit): Promise<ProviderNode> {
    const { config } = init
    const operator = await loadKeypair(config.keypair)
    const node = new ProviderNode(config, operator, init.log ?? (() => {}))
    await mkdir(config.stateDir, { recursive: true })
    node.context = await detectNodeContext({
      timeoutMs: CONTEXT_PROBE_MS,
      ...(config.context !== 'auto' ? { override: config.context } : {}),
      ...(config.imdsUrl !== undefined ? { metadataBaseUrl: config.imdsUrl } : {}),
      ...(config.role !== 'auto' ? { role: config.role } : {}),
    })
    node.emit({
      event: 'context',
      kind: node.context.context.kind,
      role: node.context.role,
      reason: node.context.reason,
    })
    await node.gate('start')
    try {
      await node.serve()
    } catch (err) {
      await node.stop()
      throw err
    }
    return node
  }

  private async serve(): Promise<void> {
    const { config } = this
    await this.chain.refresh()
    this.chain.start(CHAIN_REFRESH_MS)
    this.leaseTimer = setInterval(() => void this.reconcileLeases(), CHAIN_REFRESH_MS)
    this.leaseTimer.unref()
    const privateKey = await loadSolanaKeypair(config.keypair)
    const receipts = await ReceiptBook.open(config.stateDir)
    this.receipts = receipts
    this.p2p = await SynktiNode.create({
      privateKey,
      listen: config.listen,
      announce: config.announce,
      bootstrap: config.bootstrap,
      handlers: {
        job: (request) => this.onJob(request),
        status: async () => this.status() as unknown as JsonObject,
        handoff: {
          offer: (offer) => this.onHandoffOffer(offer),
          confirm: (confirmation) => this.onHandoffConfirm(confirmation),
        },
        measure: async (nonce) => measure(nonce),
        logs: (jobId) => this.jobs.logs(jobId),
        receipt: (submission) => this.onReceipt(submission),
      },
      onProtocolError: (err, protocol) => this.emit({ event: 'protocol-error', protocol, error: refusal(err) }),
    })
    const metrics = createNodeMetrics(this.registry)
    this.api = await startNodeApi({
      host: config.api.host,
      port: config.api.port,
      operator: this.address,
      registry: this.registry,
      sign: (bytes) => privateKey.sign(bytes),
      view: {
        status: () => this.status(),
        jobs: () => this.jobs.views(),
        health: () => this.health(),
      },
    })
    this.emit({ event: 'api', url: this.api.url })

    this.settlement = await createSettlementLoop({
      client: this.client,
      operator: this.operator,
      provider: new PublicKey(config.provider),
      stateDir: config.stateDir,
      leases: () => this.jobs.served().map((s) => ({ lease: new PublicKey(s.lease), since: s.since })),
      receipts,
      ...(config.settlementIntervalSec !== undefined ? { intervalSec: config.settlementIntervalSec } : {}),
      onEvent: (event) => {
        if (event.kind === 'attested') metrics.attestationsSent.inc({ outcome: 'ok' })
        // an item dropped as already settled (a crash after it confirmed) is not a failure
        const failed = event.kind === 'deferred' || (event.kind === 'dropped' && event.reason !== 'already-settled')
        if (failed) metrics.attestationsSent.inc({ outcome: 'error' })
        this.emit({ event: `settlement-${event.kind}`, ...stringify(event) })
      },
    })
    this.settlement.start()

    const gpu = await detectGpuSampler()
    this.prognostics = createPrognosticsLoop({
      samplers: [memorySampler(), this.requestsSampler(), ...(gpu === null ? [] : [gpu])],
      ...(config.capability.spot
        ? { hazard: (within, now) => this.hazard.probabilityWithin(this.hazardKey(), now, within) }
        : {}),
      onSpareNeeded: (report) => this.preselectSpare(report.risk),
      onSpareCleared: () => {
        this.spare = null
      },
      onError: (err) => this.emit({ event: 'prognostics-error', error: refusal(err) }),
    })
    this.prognostics.start()

    for (const record of await new JobRecords(join(config.stateDir, 'jobs')).load()) {
      if (this.jobs.adopt(record)) this.emit({ event: 'job-adopted', lease: record.lease, pid: record.pid })
    }
    await this.resumeFailovers()
    // the first node of a network has nobody to store its record with yet: publish in the background
    void this.publish()
    this.recordTimer = setInterval(() => void this.publish(), RECORD_REFRESH_MS)
    this.recordTimer.unref()
    this.watchSpot()
    this.emit({
      event: 'started',
      operator: this.address,
      peerId: this.p2p.peerId.toString(),
      addrs: this.p2p.multiaddrs,
      api: this.api.url,
    })
  }

  get address(): string {
    return this.operator.publicKey.toBase58()
  }

  get admitting(): boolean {
    return this.admittingNow
  }

  /** Stops taking new work (draining before a failover or a shutdown). */
  stopAdmitting(): void {
    if (!this.admittingNow) return
    this.admittingNow = false
    this.emit({ event: 'admitting', admitting: false })
  }

  /** The Banker's check for `operation`; throws PreflightFailedError (with the report) when an item fails. */
  async gate(operation: Operation, spec?: JobSpec): Promise<void> {
    const peers =
      this.p2p === undefined
        ? undefined
        : { connected: () => this.p2p.libp2p.getConnections().length, bootstrap: this.config.bootstrap.length }
    const report = await runPreflight(
      operation,
      preflightEnv(this.config, this.client, peers),
      spec === undefined
        ? undefined
        : { requirement: requirementOf(spec), ...(spec.run.kind === 'command' ? { command: spec.run.command } : {}) },
    )
    this.emit({
      event: 'preflight',
      operation,
      ok: report.ok,
      failed: report.checks.filter((c) => c.status.kind === 'failed').map((c) => c.id),
    })
    if (!report.ok) throw new PreflightFailedError(report)
  }

  /**
   * The chain is the truth about leases: a job whose lease ended (closed by its consumer, a
   * reclaim or a dispute ruling), is disputed (billing stopped when the dispute opened, so
   * serving on would be free work) or now pays another provider outside a failover is stopped,
   * so its GPU is free for the next lease.
   */
  private async reconcileLeases(): Promise<void> {
    const moving = new Set([...this.failovers.values()].filter((f) => !isTerminal(f)).map((f) => f.lease))
    for (const lease of this.jobs.live()) {
      if (moving.has(lease) || this.pendingTakeovers.has(lease)) continue
      let reason: string | null = null
      try {
        const onChain = await this.client.fetchLease(new PublicKey(lease))
        if (onChain.status.kind === 'ended') reason = `the lease ended (${onChain.status.outcome})`
        else if (onChain.status.kind === 'disputed') reason = 'the lease is disputed: billing stopped'
        else if (onChain.provider.toBase58() !== this.config.provider) reason = 'the lease pays another provider'
      } catch (err) {
        if ((err as Error).name === 'AccountNotFoundError') reason = 'the lease was closed'
        // an unreachable RPC says nothing about the lease: keep serving
      }
      if (reason !== null) {
        this.emit({ event: 'job-ended', lease, reason })
        await this.jobs.stop(lease, reason, this.config.drainDeadlineMs).catch(() => undefined)
      }
    }
  }

  /** Peers plan with the load in this node's record: a change of jobs is published within a second. */
  private republishSoon(delayMs = REPUBLISH_DEBOUNCE_MS): void {
    if (this.p2p === undefined || this.republishTimer !== undefined || this.stopping.signal.aborted) return
    this.republishTimer = setTimeout(() => {
      this.republishTimer = undefined
      void this.publish()
    }, delayMs)
    this.republishTimer.unref()
  }

  /** Signs and stores this node's record, and announces its capability key. */
  async publish(): Promise<void> {
    const { capability } = this.config
    let step: PublishTimeoutError['step'] = 'record'
    try {
      const work = (async () => {
        await this.p2p.publishRecord({
          market: this.config.market,
          capability,
          pricePerSecond: this.config.pricePerSecond,
          // no GPU probe here: the share of VRAM held by jobs stands for utilisation
          load: { jobs: this.jobs.live().length, gpuUtilization: this.vramShare() },
        })
        if (this.admittingNow) {
          step = 'announce'
          await this.p2p.announce({
            market: this.config.market,
            gpuModel: capability.gpu.model,
            region: capability.region,
          })
        }
      })()
      // a DHT query that never settles must not keep the record from going out: give up and retry
      await Promise.race([
        work,
        sleep(PUBLISH_TIMEOUT_MS, undefined, { ref: false }).then(() => {
          throw new PublishTimeoutError(PUBLISH_TIMEOUT_MS, step)
        }),
      ])
      this.emit({ event: 'published', jobs: this.jobs.live().length })
    } catch (err) {
      // no peer yet, or a stuck query: the record goes out on a retry soon, not at the next refresh
      this.emit({ event: 'publish-deferred', error: refusal(err) })
      this.republishSoon(PUBLISH_RETRY_MS)
    }
  }

  private vramShare(): number {
    return Math.min(1, this.jobs.usedVramGb() / totalVramGb(this.config.capability))
  }

  private async admissionContext(lease: Lease): Promise<AdmissionContext> {
    const market = await this.client.fetchMarket(lease.market)
    return {
      provider: this.config.provider,
      capability: this.config.capability,
      admitting: this.admittingNow && this.context.role === 'worker',
      allowCommands: this.config.allowCommands,
      usedVramGb: this.jobs.usedVramGb(),
      pricePerSecond: BigInt(this.config.pricePerSecond),
      gapSecs: market.maxAttestationGapSecs,
    }
  }

  private async fetchLease(address: string): Promise<Lease> {
    try {
      return await this.client.fetchLease(new PublicKey(address))
    } catch (err) {
      if ((err as Error).name === 'AccountNotFoundError') throw new UnknownLeaseError(address)
      throw err
    }
  }

  /**
   * `/synkti/receipt/1.0.0`: a consumer's usage receipt, kept if the chain would take it (this
   * provider, the lease's receipt signer, a valid signature); the next attestation uses it.
   */
  async onReceipt(submission: ReceiptSubmission): Promise<ReceiptDecision> {
    try {
      const lease = await this.fetchLease(submission.lease)
      const stored = checkReceipt(submission, lease, this.config.provider)
      if (this.receipts === undefined) throw new Error('the node is not serving yet')
      const kept = await this.receipts.put(stored)
      this.emit({ event: 'receipt', lease: submission.lease, from: stored.from, until: stored.until, kept })
      return { accepted: true }
    } catch (err) {
      this.emit({ event: 'receipt-refused', lease: submission.lease, reason: refusal(err) })
      return { accepted: false, reason: refusal(err) }
    }
  }

  /** `/synkti/job/1.0.0`: observe (lease, spec, fit, preflight), then accept on chain, then start. */
  async onJob(request: JobRequest): Promise<JobDecision> {
    try {
      const lease = await this.fetchLease(request.lease)
      const admission = admitJob(
        { lease: request.lease, consumer: request.consumer, spec: request.spec },
        lease,
        await this.admissionContext(lease),
      )
      let since = lease.settledUntil
      if (admission.accept) {
        await this.gate('accept-lease', admission.spec)
        const { events } = await this.client.acceptLease({ operator: this.operator, lease: lease.address })
        const accepted = events.find((e) => e.name === 'LeaseAccepted')
        if (accepted?.name === 'LeaseAccepted') since = accepted.data.acceptedAt
        this.emit({ event: 'lease-accepted', lease: request.lease, since })
      }
      this.jobs.start(request.lease, request.consumer, admission.spec, since)
      return { accepted: true, jobId: request.lease }
    } catch (err) {
      this.emit({ event: 'job-refused', lease: request.lease, reason: refusal(err) })
      return { accepted: false, reason: refusal(err) }
    }
  }

  /**
   * Taker's side of `/synkti/handoff/1.0.0`: the lease must be the offering operator's and the
   * job must fit here; the answer is migrate_lease signed by this operator.
   */
  async onHandoffOffer(offer: HandoffOffer): Promise<HandoffDecision> {
    try {
      const lease = await this.fetchLease(offer.lease)
      if (lease.status.kind !== 'active') throw new LeaseNotServableError(offer.lease, lease.status.kind)
      const giver = await this.client.fetchProvider(lease.provider)
      if (giver.operator.toBase58() !== offer.from) {
        throw new LeaseNotForThisProviderError(offer.lease, lease.provider.toBase58(), `operator ${offer.from}`)
      }
      const { spec } = admitJob(
        { lease: offer.lease, spec: offer.job.spec },
        lease,
        await this.admissionContext(lease),
        lease.provider.toBase58(),
      )
      await this.gate('migrate', spec)
      const handoffAt = await chainNow(this.client.connection)
      const transaction = await this.client.prepareMigrateLease({
        oldOperator: new PublicKey(offer.from),
        newOperator: this.operator.publicKey,
        signer: this.operator,
        lease: lease.address,
        newProvider: new PublicKey(this.config.provider),
        handoffAt,
      })
      this.pendingTakeovers.set(offer.lease, { spec, consumer: lease.consumer.toBase58(), since: handoffAt })
      this.track(this.watchTakeover(offer.lease, offer.deadline))
      this.emit({ event: 'handoff-accepted', lease: offer.lease, from: offer.from })
      return { accept: true, transaction }
    } catch (err) {
      this.emit({ event: 'handoff-declined', lease: offer.lease, reason: refusal(err) })
      return { accept: false, reason: refusal(err) }
    }
  }

  /** The giver says the migration landed: check the chain, then start the job (once). */
  async onHandoffConfirm(confirmation: HandoffConfirmation): Promise<void> {
    if (!this.pendingTakeovers.has(confirmation.lease) && !this.jobs.has(confirmation.lease)) {
      throw new UnknownLeaseError(confirmation.lease, `no hand-off of lease ${confirmation.lease} was accepted here`)
    }
    for (let i = 0; ; i++) {
      const lease = await this.fetchLease(confirmation.lease)
      if (lease.provider.toBase58() === this.config.provider) break
      if (i >= MIGRATION_VISIBLE_TRIES) {
        throw new LeaseNotForThisProviderError(confirmation.lease, lease.provider.toBase58(), this.config.provider)
      }
      await sleep(MIGRATION_VISIBLE_STEP_MS)
    }
    this.takeOver(confirmation.lease, confirmation.transactionSignature)
  }

  /** Starts a job handed over to this node, once: the confirmation and the chain watch both lead here. */
  private takeOver(lease: string, via: string): void {
    const pending = this.pendingTakeovers.get(lease)
    if (pending === undefined) return
    this.pendingTakeovers.delete(lease)
    this.jobs.start(lease, pending.consumer, pending.spec, pending.since)
    this.emit({ event: 'handoff-taken', lease, via })
  }

  /**
   * The giver may die between sending migrate_lease and confirming it: the chain then says the
   * lease is ours and nobody will tell us. Until the offer's deadline, the chain is watched too.
   */
  private async watchTakeover(lease: string, deadlineSec: number): Promise<void> {
    while (this.pendingTakeovers.has(lease) && Date.now() / 1000 < deadlineSec && !this.stopping.signal.aborted) {
      await sleep(TAKEOVER_WATCH_MS)
      const onChain = await this.client.fetchLease(new PublicKey(lease)).catch(() => null)
      if (onChain?.provider.toBase58() === this.config.provider) this.takeOver(lease, 'chain')
    }
    this.pendingTakeovers.delete(lease)
  }

  /** Giver's side: co-sign the taker's migrate_lease and send it; returns its signature. */
  async coSignMigration(transaction: Uint8Array): Promise<string> {
    const signed = this.client.cosignTransaction(transaction, this.operator, 'migrateLease')
    const { signature } = await this.client.sendTransactionBytes(signed)
    return signature
  }

  // ── failover ──────────────────────────────────────────────────────────────

  private watchSpot(): void {
    const ctx = this.context.context
    if (ctx.kind !== 'aws' || ctx.lifecycle !== 'spot') return
    const watcher = createSpotWatcher({
      cloud: 'aws',
      pollMs: this.config.spotPollMs,
      ...(this.config.imdsUrl !== undefined ? { imdsBaseUrl: this.config.imdsUrl } : {}),
    })
    this.hazard.observe({ kind: 'up', key: this.hazardKey(), time: Date.now() / 1000 })
    watcher.on('interruption', (e) => {
      this.hazard.observe({ kind: 'notice', key: this.hazardKey(), time: Date.now() / 1000 })
      this.emit({ event: 'spot-interruption', action: e.action, at: e.at.toISOString() })
      this.failoverAll('interruption', e.at.getTime())
    })
    watcher.on('rebalance', (e) => {
      this.emit({ event: 'spot-rebalance', noticeAt: e.noticeAt.toISOString() })
      this.failoverAll('rebalance', Date.now() + REBALANCE_BUDGET_MS)
    })
    watcher.on('poll-failed', (err) => this.emit({ event: 'spot-poll-failed', error: refusal(err) }))
    void watcher.start()
    this.spotWatcher = watcher
    this.emit({ event: 'spot-watching', imds: this.config.imdsUrl ?? 'default' })
  }

  private hazardKey(): HazardKey {
    const ctx = this.context.context
    const { capability } = this.config
    return {
      cloud: capability.cloud === 'local' ? 'aws' : capability.cloud,
      region: capability.region,
      zone: capability.zone,
      instanceType: ctx.kind === 'aws' ? ctx.instanceType : capability.gpu.model,
    }
  }

  /** Moves every job whose spec allows it; the node stops admitting at once. */
  failoverAll(trigger: FailoverTrigger, deadline: number): void {
    this.stopAdmitting()
    for (const lease of this.jobs.live()) {
      if ([...this.failovers.values()].some((f) => f.lease === lease && !isTerminal(f))) continue
      const spec = this.jobs.spec(lease)
      if (spec.failover.policy !== 'migrate') {
        this.emit({ event: 'failover-skipped', lease, policy: spec.failover.policy })
        continue
      }
      const state = createFailover({
        lease,
        trigger,
        self: this.address,
        job: { jobId: lease, spec, requirement: requirementOf(spec), expectedDurationSec: EXPECTED_REMAINING_SEC },
        deadline,
        at: Date.now(),
      })
      this.track(this.runFailover(state))
    }
  }

  private async resumeFailovers(): Promise<void> {
    const { failovers, corrupt } = await this.failoverStore.loadUnfinished()
    for (const err of corrupt) this.emit({ event: 'failover-corrupt', error: refusal(err) })
    for (const state of failovers) {
      this.stopAdmitting()
      this.track(this.runFailover(state))
    }
  }

  private async runFailover(state: FailoverState): Promise<void> {
    const store = {
      save: async (s: FailoverState) => {
        this.failovers.set(s.id, s)
        await this.failoverStore.save(s)
      },
    }
    const effects = this.failoverEffects(state.lease, {
      stopAdmitting: () => this.stopAdmitting(),
      coSign: (tx) => this.coSignMigration(tx),
      drainOld: async (lease, to) => {
        if (to !== null) await this.jobs.handOff(lease, to, this.config.drainDeadlineMs)
        else if (this.jobs.has(lease)) await this.jobs.stop(lease, 'failover failed', this.config.drainDeadlineMs)
      },
    })
    try {
      const end = await runFailover({ state, effects, store, signal: this.stopping.signal })
      this.emit({ event: 'failover-end', ...toView(end) })
    } catch (err) {
      this.emit({ event: 'failover-interrupted', lease: state.lease, error: refusal(err) })
    }
  }

  /** The failover's effects on this node; the parts that act on the node itself are given. */
  private failoverEffects(
    lease: string,
    acts: Pick<NodeFailoverDeps, 'stopAdmitting' | 'coSign' | 'drainOld'>,
  ): FailoverEffects {
    return nodeFailoverEffects(
      {
        client: this.client,
        p2p: this.p2p,
        market: this.config.market,
        self: this.address,
        selfProvider: this.config.provider,
        plan: planWith(createPlanner()),
        log: (event, fields) => this.emit({ event, ...fields }),
        ...acts,
      },
      lease,
    )
  }

  private track(work: Promise<unknown>): void {
    this.running.add(work)
    void work.finally(() => this.running.delete(work))
  }

  // ── prognostics ───────────────────────────────────────────────────────────

  /** Requests running + waiting, summed over the jobs this node serves. */
  private requestsSampler(): Sampler {
    const template = requestsSampler({ url: 'http://127.0.0.1:1' })
    return {
      ...template,
      read: async () => {
        const values = await Promise.all(this.jobs.endpoints().map((url) => requestsSampler({ url }).read()))
        return values.reduce((a, b) => a + b, 0)
      },
    }
  }

  /**
   * Risk is high: pick the spare the planner would choose now and check it is there (a signed
   * challenge keeps the connection warm), so a failover starts from a known-good peer.
   */
  private async preselectSpare(risk: number): Promise<void> {
    const [lease] = this.jobs.live()
    if (lease === undefined) return
    const spec = this.jobs.spec(lease)
    const job = { jobId: lease, spec, requirement: requirementOf(spec), expectedDurationSec: EXPECTED_REMAINING_SEC }
    // the same discovery and planning as a failover, but nothing is drained, offered or signed
    const effects = this.failoverEffects(lease, {
      stopAdmitting: () => {},
      coSign: () => Promise.reject(new Error('a spare is not a hand-off')),
      drainOld: async () => {},
    })
    const candidates = (await effects.findCandidates(job, AbortSignal.timeout(10_000))).filter(
      (c) => c.target.operator !== this.address,
    )
    const choice = await effects.plan(job, candidates)
    if (!choice.ok) return
    await this.p2p.protocols.challenge(SynktiNode.peerIdOf(choice.target.operator))
    this.spare = { operator: choice.target.operator, at: Math.floor(Date.now() / 1000) }
    this.emit({ event: 'spare-preselected', operator: choice.target.operator, risk })
  }

  // ── status ────────────────────────────────────────────────────────────────

  private health() {
    const checks = [
      { name: 'chain', ok: this.chain.account !== null, ...(this.chain.error ? { detail: this.chain.error } : {}) },
      { name: 'p2p', ok: this.p2p?.isStarted() ?? false },
    ]
    return { ok: checks.every((c) => c.ok), checks }
  }

  status(): NodeStatus {
    const { capability } = this.config
    const view = this.context?.view
    const prognostics = this.prognostics?.status() ?? { series: [], risk: 0, spareRequested: false }
    return {
      v: 1,
      operator: this.address,
      market: this.config.market,
      provider: this.config.provider,
      role: this.context?.role ?? 'worker',
      context: view ?? { kind: 'workstation', spot: capability.spot },
      admitting: this.admittingNow,
      capability,
      pricePerSecond: this.config.pricePerSecond,
      at: Math.floor(Date.now() / 1000),
      jobs: this.jobs.views(),
      failovers: [...this.failovers.values()].map(toView),
      chain: this.chain.view(),
      settlement: this.settlement?.status() ?? { queued: 0, lastAttestedAt: null, lastError: null },
      prognostics: { ...prognostics, spareRequested: prognostics.spareRequested || this.spare !== null },
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort(new Error('node stopping'))
    clearInterval(this.recordTimer)
    clearTimeout(this.republishTimer)
    clearInterval(this.leaseTimer)
    this.chain.stop()
    await this.spotWatcher?.[Symbol.asyncDispose]()
    await Promise.allSettled([...this.running])
    await this.prognostics?.[Symbol.asyncDispose]()
    await this.settlement?.[Symbol.asyncDispose]()
    await this.api?.close()
    await this.jobs[Symbol.asyncDispose]()
    await this.p2p?.stop()
    this.emit({ event: 'stopped' })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

/** Events carry bigints (amounts); JSON lines carry them as decimal strings. */
function stringify(event: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]))
}

/**
 * `/synkti/challenge/1.0.0`: work bound to the challenger's nonce, so the answer cannot be
 * precomputed; how much of it fits in 20 ms says something about the machine.
 */
function measure(nonce: Uint8Array): JsonObject {
  const started = process.hrtime.bigint()
  let digest: Buffer = Buffer.from(nonce)
  let rounds = 0
  while (process.hrtime.bigint() - started < 20_000_000n) {
    digest = createHash('sha256').update(digest).digest()
    rounds++
  }
  return { sha256RoundsIn20ms: rounds, digest: digest.toString('hex') }
}
