import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { type Keypair, PublicKey } from '@solana/web3.js'
import type { SpotWatcher } from '@synkti/cloud'
import type { JobSpec, NodeStatus } from '@synkti/jobs'
import { loadKeypair, MarketClient } from '@synkti/market'
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
  type SynktiNode,
} from '@synkti/p2p'
import { Registry } from 'prom-client'
import type { HealthCheck, HealthReport, NodeDetails, RunningNodeApi } from '../api/index.js'
import { detectNodeContext, type NodeContext } from '../context/index.js'
import { type FailoverState, type FailoverTrigger, toView } from '../failover/index.js'
import type { Operation } from '../preflight/index.js'
import type { PrognosticsLoop } from '../prognostics/index.js'
import type { RunwayWatcher } from '../runway/index.js'
import { ReceiptBook, type SettlementLoop } from '../settlement/index.js'
import { AdmissionService, gate } from './admission-service.js'
import { ApiService } from './api-service.js'
import { ChainState } from './chain-state.js'
import type { NodeComponents, OperatorKey, Startable } from './components.js'
import type { NodeConfig } from './config.js'
import type { NodeLog } from './events.js'
import { FailoverCoordinator } from './failover-coordinator.js'
import { HandoffTaker } from './handoff-taker.js'
import { JobRecords } from './job-records.js'
import { JobManager } from './jobs.js'
import { JobsService } from './jobs-service.js'
import { LeaseReconciler } from './lease-reconciler.js'
import { measure } from './measure.js'
import { P2pService } from './p2p-service.js'
import { PrognosticsService } from './prognostics-service.js'
import { RecordPublisher } from './record-publisher.js'
import { RunwayService } from './runway-service.js'
import { SettlementService } from './settlement-service.js'
import { capabilityWithWeights, NodeWeights } from './weights.js'
import { nodeWeightsPeers } from './weights-peers.js'
import { decidePrefetch } from './weights-prefetch.js'

export type { NodeEvent } from './events.js'

export interface ProviderNodeInit {
  config: NodeConfig
  log?: NodeLog
}

/** Context probes must not hold up the start on a workstation, where nothing answers. */
const CONTEXT_PROBE_MS = 1_000

/**
 * The provider daemon, composed: it observes where it runs (context, preflight), then starts
 * its services in order, each given its components (see README.md in this folder): the chain
 * view of its account, the lease reconciler, P2P (whose protocols the services answer), the
 * API, settlement, the escrow runway, prognostics, the jobs a previous run left, the failover
 * coordinator and the record publisher; the spot watcher last. It stops them in the order that lets in-flight
 * work finish: timers and watches first, then failovers, loops, API, jobs, P2P.
 */
export class ProviderNode implements AsyncDisposable {
  readonly config: NodeConfig
  readonly operator: Keypair
  readonly jobs: JobManager
  readonly chain: ChainState
  readonly client: MarketClient
  readonly registry: Registry
  readonly context: NodeContext
  /** model jobs' weights: the content-addressed cache and the configured sources */
  readonly weights: NodeWeights
  private readonly admission: AdmissionService
  private readonly taker: HandoffTaker
  private readonly publisher: RecordPublisher
  private readonly reconciler: LeaseReconciler
  private readonly failover: FailoverCoordinator
  private readonly settlementService: SettlementService
  private readonly runwayService: RunwayService
  private readonly prognosticsService: PrognosticsService
  private readonly apiService: ApiService
  private readonly p2pService: P2pService
  private readonly jobsService: JobsService
  private readonly log: NodeLog

  private constructor(base: Omit<NodeComponents, 'jobs' | 'chain' | 'registry'> & { receipts: ReceiptBook }) {
    const { config, client, log } = base
    this.config = config
    this.operator = base.operator
    this.client = client
    this.context = base.context
    this.log = log
    this.registry = new Registry()
    this.chain = new ChainState(client, new PublicKey(config.provider))
    this.weights = new NodeWeights(config)
    this.jobs = new JobManager({
      ...(config.jobCwd !== undefined ? { cwd: config.jobCwd } : {}),
      containerEngine: config.containerEngine,
      records: new JobRecords(join(config.stateDir, 'jobs')),
      weights: this.weights,
      log,
      onChange: (lease) => {
        log({ event: 'job', ...this.jobs.view(lease) })
        this.publisher.republishSoon()
      },
    })
    const components: NodeComponents = { ...base, jobs: this.jobs, chain: this.chain, registry: this.registry }
    // the P2P node answers with the services below; each handler is looked up when a request comes
    this.p2pService = new P2pService({
      ...components,
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
        // only files of the model cache, by their hash
        weights: (request) => this.weights.serve(request),
        prefetchWeights: (request) =>
          decidePrefetch(
            {
              client,
              market: config.market,
              admitting: () => this.admission.admitting,
              weights: this.weights,
              log,
            },
            request,
          ),
      },
    })
    const p2p = this.p2pService
    // the market's other providers whose records list a hash: after the cache, before weightsSources
    this.weights.usePeers(
      nodeWeightsPeers({
        client,
        market: config.market,
        self: base.operator.publicKey.toBase58(),
        p2p: () => p2p.current,
      }),
    )
    this.admission = new AdmissionService({
      ...components,
      weights: this.weights,
      peers: () => {
        const node = p2p.current
        return node === undefined
          ? undefined
          : { connected: () => node.libp2p.getConnections().length, bootstrap: config.bootstrap.length }
      },
    })
    const admission = this.admission
    this.taker = new HandoffTaker({ ...components, admission, weights: this.weights })
    this.failover = new FailoverCoordinator({ ...components, p2p, admission, weights: this.weights })
    // a lease being moved or taken over is the failover's: no check stops or closes it meanwhile
    const busy = (lease: string) => this.failover.isMoving(lease) || this.taker.isPending(lease)
    this.reconciler = new LeaseReconciler({ ...components, busy })
    this.publisher = new RecordPublisher({ ...components, p2p, admission, weights: this.weights })
    this.settlementService = new SettlementService({ ...components, receipts: base.receipts, busy })
    const settlement = this.settlementService
    this.runwayService = new RunwayService({ ...components, busy, settlement: () => settlement.loop })
    this.prognosticsService = new PrognosticsService({ ...components, failover: this.failover })
    this.apiService = new ApiService({
      ...components,
      view: {
        status: () => this.status(),
        jobs: () => this.jobs.views(),
        health: () => this.health(),
        details: () => this.details(),
      },
    })
    this.jobsService = new JobsService(components)
  }

  /** The order services start in; `afterStart` follows for all, in the same order. */
  private get startOrder(): Startable[] {
    return [
      this.chain,
      this.reconciler,
      this.p2pService,
      this.apiService,
      this.settlementService,
      this.runwayService,
      this.prognosticsService,
      this.jobsService,
      this.failover,
      this.taker,
      this.publisher,
    ]
  }

  /**
   * The order services stop in, after `beforeStop` on each: timers and watches first (nothing
   * new begins), then the failovers and hand-offs in flight, the loops, the API, the jobs
   * (drained), and P2P last, which the others talk over to the end.
   */
  private get stopOrder(): Startable[] {
    return [
      this.publisher,
      this.reconciler,
      this.chain,
      this.failover,
      this.taker,
      this.prognosticsService,
      this.runwayService,
      this.settlementService,
      this.apiService,
      this.jobsService,
      this.p2pService,
    ]
  }

  /**
   * Observes, then acts: context and role, the Banker's check (nothing starts while an item
   * fails), then its services in order; then it resumes what a previous run left unfinished.
   */
  static async start(init: ProviderNodeInit): Promise<ProviderNode> {
    const { config } = init
    const log = init.log ?? (() => {})
    const operator = await loadKeypair(config.keypair)
    const client = new MarketClient({ rpcUrl: config.rpcUrl })
    await mkdir(config.stateDir, { recursive: true })
    const context = await detectNodeContext({
      timeoutMs: CONTEXT_PROBE_MS,
      ...(config.context !== 'auto' ? { override: config.context } : {}),
      ...(config.imdsUrl !== undefined ? { metadataBaseUrl: config.imdsUrl } : {}),
      ...(config.role !== 'auto' ? { role: config.role } : {}),
    })
    log({
      event: 'context',
      kind: context.context.kind,
      role: context.role,
      reason: context.reason,
      ...(context.toServe !== undefined ? { toServe: context.toServe } : {}),
    })
    await gate({ config, client, log, peers: () => undefined }, 'start')
    const privateKey: OperatorKey = await loadSolanaKeypair(config.keypair)
    const receipts = await ReceiptBook.open(config.stateDir)
    const node = new ProviderNode({ config, operator, privateKey, client, context, log, receipts })
    try {
      await node.serve()
    } catch (err) {
      // a node that could not start leaves the jobs it adopted running for the next start
      await node.stop({ leaveJobs: true })
      throw err
    }
    return node
  }

  private async serve(): Promise<void> {
    await this.weights.refresh()
    const services = this.startOrder
    for (const service of services) await service.start()
    for (const service of services) await service.afterStart?.()
    this.log({
      event: 'started',
      operator: this.address,
      peerId: this.p2p.peerId.toString(),
      addrs: this.p2p.multiaddrs,
      api: this.apiService.api?.url ?? '',
    })
  }

  get address(): string {
    return this.operator.publicKey.toBase58()
  }

  /** The libp2p node; NodeNotStartedError before it started. */
  get p2p(): SynktiNode {
    return this.p2pService.node
  }

  get api(): RunningNodeApi | null {
    return this.apiService.api
  }

  get settlement(): SettlementLoop | undefined {
    return this.settlementService.loop
  }

  /** The runway watcher once started: each served lease's escrow, warned about and ended when it runs out. */
  get runway(): RunwayWatcher | undefined {
    return this.runwayService.watcher
  }

  get prognostics(): PrognosticsLoop | undefined {
    return this.prognosticsService.loop
  }

  get spotWatcher(): SpotWatcher | null {
    return this.failover.spotWatcher
  }

  /** Failovers this node ran or runs, by id. */
  get failovers(): ReadonlyMap<string, FailoverState> {
    return this.failover.failovers
  }

  get admitting(): boolean {
    return this.admission.admitting
  }

  /** Stops taking new work (draining before a failover or a shutdown). */
  stopAdmitting(): void {
    this.admission.stopAdmitting()
  }

  /** The Banker's check for `operation`; throws PreflightFailedError (with the report) when an item fails. */
  async gate(operation: Operation, spec?: JobSpec): Promise<void> {
    await this.admission.gate(operation, spec)
  }

  /** Signs and stores this node's record (naming its provider account), and announces its capability key. */
  async publish(): Promise<void> {
    await this.publisher.publish()
  }

  /** `/synkti/job/1.0.0` */
  onJob(request: JobRequest): Promise<JobDecision> {
    return this.admission.onJob(request)
  }

  /** `/synkti/receipt/1.0.0` */
  onReceipt(submission: ReceiptSubmission): Promise<ReceiptDecision> {
    return this.settlementService.onReceipt(submission)
  }

  /** `/synkti/handoff/1.0.0`, taker's side: the offer. */
  onHandoffOffer(offer: HandoffOffer): Promise<HandoffDecision> {
    return this.taker.onOffer(offer)
  }

  /** `/synkti/handoff/1.0.0`, taker's side: the giver's confirmation. */
  onHandoffConfirm(confirmation: HandoffConfirmation): Promise<void> {
    return this.taker.onConfirm(confirmation)
  }

  /** Giver's side: co-sign the taker's migrate_lease and send it; returns its signature. */
  coSignMigration(transaction: Uint8Array): Promise<string> {
    return this.failover.coSignMigration(transaction)
  }

  /** Moves every job whose spec allows it; the node stops admitting at once. */
  failoverAll(trigger: FailoverTrigger, deadline: number): void {
    this.failover.failoverAll(trigger, deadline)
  }

  /**
   * `/health`: the RPC (the provider account read), P2P (listening, peers connected) and the DHT
   * (peers that hold the record); no peers is degraded, with the reason, not failing.
   */
  health(): HealthReport {
    const account = this.chain.account
    const rpc: HealthCheck =
      account !== null
        ? { name: 'rpc', ok: true, detail: `provider account read (${account.status.kind})` }
        : { name: 'rpc', ok: false, detail: this.chain.error ?? 'the provider account has not been read yet' }
    const checks = [rpc, ...this.p2pService.health()]
    return { ok: checks.every((c) => c.ok), checks }
  }

  /** `/node`: where it listens and whom it reaches, the market's mints, the sampled series. */
  details(): NodeDetails {
    return { network: this.p2pService.view(), tokens: this.chain.tokens, series: this.prognosticsService.chartSeries() }
  }

  status(): NodeStatus {
    const capability = capabilityWithWeights(this.config.capability, this.weights.cached)
    return {
      v: 1,
      operator: this.address,
      market: this.config.market,
      provider: this.config.provider,
      role: this.context.role,
      context: this.context.view,
      admitting: this.admission.admitting,
      capability,
      pricePerSecond: this.config.pricePerSecond,
      at: Math.floor(Date.now() / 1000),
      jobs: this.jobs.views(),
      failovers: [...this.failover.failovers.values()].map(toView),
      chain: this.chain.view(),
      settlement: this.settlementService.status(),
      prognostics: this.prognosticsService.status(),
      runway: this.runwayService.status(),
      cachedWeights: [...this.weights.cached],
    }
  }

  /**
   * Stops the services in order. The jobs are drained (their records removed, their leases left
   * as they are) unless `leaveJobs`: a restart (`synkti-provider run` on SIGINT or SIGTERM), where
   * they run on for the next start to adopt. A drain asked for by `synkti-provider drain` stops
   * them and closes their leases either way.
   */
  async stop(options: { leaveJobs?: boolean } = {}): Promise<void> {
    this.jobsService.leaveJobs = options.leaveJobs === true
    const services = this.stopOrder
    this.weights.stopPrefetching()
    for (const service of services) await service.beforeStop?.()
    for (const service of services) await service.stop()
    this.weights.destroy()
    this.log({ event: 'stopped' })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
