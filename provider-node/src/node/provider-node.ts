import { createHash, randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Keypair, PublicKey } from '@solana/web3.js'
import type { JobSpec, NodeStatus } from '@synkti/jobs'
import { chainNow, type Lease, loadKeypair, MarketClient } from '@synkti/market'
import {
  type HandoffConfirmation,
  type HandoffDecision,
  type HandoffOffer,
  type JobDecision,
  type JobRequest,
  type JsonObject,
  loadSolanaKeypair,
  SynktiNode,
} from '@synkti/p2p'
import { type AdmissionContext, admitJob } from './admission.js'
import { ChainState } from './chain-state.js'
import type { NodeConfig } from './config.js'
import { LeaseNotForThisProviderError, LeaseNotServableError, refusal, UnknownLeaseError } from './errors.js'
import { JobManager } from './jobs.js'

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

/**
 * The provider daemon, composed: operator key, chain client, P2P node with the job, status,
 * hand-off, challenge and logs protocols, and the jobs it runs (keyed by lease).
 */
export class ProviderNode implements AsyncDisposable {
  readonly jobs: JobManager
  readonly chain: ChainState
  readonly client: MarketClient
  private admittingNow = true
  /** hand-offs this node accepted and awaits the confirmation of: lease → spec */
  private readonly pendingTakeovers = new Map<string, { spec: JobSpec; consumer: string }>()
  private recordTimer: NodeJS.Timeout | undefined
  p2p!: SynktiNode

  private constructor(
    readonly config: NodeConfig,
    readonly operator: Keypair,
    private readonly emit: (event: NodeEvent) => void,
  ) {
    this.client = new MarketClient({ rpcUrl: config.rpcUrl })
    this.chain = new ChainState(this.client, new PublicKey(config.provider))
    this.jobs = new JobManager({
      ...(config.jobCwd !== undefined ? { cwd: config.jobCwd } : {}),
      onChange: (lease) => this.emit({ event: 'job', ...this.jobs.view(lease) }),
    })
  }

  static async start(init: ProviderNodeInit): Promise<ProviderNode> {
    const { config } = init
    const operator = await loadKeypair(config.keypair)
    const node = new ProviderNode(config, operator, init.log ?? (() => {}))
    await mkdir(config.stateDir, { recursive: true })
    await node.chain.refresh()
    node.chain.start(CHAIN_REFRESH_MS)
    node.p2p = await SynktiNode.create({
      privateKey: await loadSolanaKeypair(config.keypair),
      listen: config.listen,
      announce: config.announce,
      bootstrap: config.bootstrap,
      handlers: {
        job: (request) => node.onJob(request),
        status: async () => node.status() as unknown as JsonObject,
        handoff: {
          offer: (offer) => node.onHandoffOffer(offer),
          confirm: (confirmation) => node.onHandoffConfirm(confirmation),
        },
        measure: async (nonce) => measure(nonce),
        logs: (jobId) => node.jobs.logs(jobId),
      },
      onProtocolError: (err, protocol) => node.emit({ event: 'protocol-error', protocol, error: refusal(err) }),
    })
    await node.publish()
    node.recordTimer = setInterval(() => void node.publish(), RECORD_REFRESH_MS)
    node.recordTimer.unref()
    node.emit({
      event: 'started',
      operator: node.address,
      peerId: node.p2p.peerId.toString(),
      addrs: node.p2p.multiaddrs,
    })
    return node
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

  /** Signs and stores this node's record, and announces its capability key. */
  async publish(): Promise<void> {
    const { capability } = this.config
    try {
      await this.p2p.publishRecord({
        market: this.config.market,
        capability,
        pricePerSecond: this.config.pricePerSecond,
        load: { jobs: this.jobs.live().length, gpuUtilization: 0 },
      })
      if (this.admittingNow) {
        await this.p2p.announce({
          market: this.config.market,
          gpuModel: capability.gpu.model,
          region: capability.region,
        })
      }
      this.emit({ event: 'published', jobs: this.jobs.live().length })
    } catch (err) {
      // no peer yet: the record is in this node's own store and goes out on the next refresh
      this.emit({ event: 'publish-deferred', error: refusal(err) })
    }
  }

  private admissionContext(): AdmissionContext {
    return {
      provider: this.config.provider,
      capability: this.config.capability,
      admitting: this.admittingNow,
      allowCommands: this.config.allowCommands,
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

  /** `/synkti/job/1.0.0`: observe (lease, spec, fit), then accept on chain, then start. */
  async onJob(request: JobRequest): Promise<JobDecision> {
    try {
      const lease = await this.fetchLease(request.lease)
      const admission = admitJob(
        { lease: request.lease, consumer: request.consumer, spec: request.spec },
        lease,
        this.admissionContext(),
      )
      if (admission.accept) {
        await this.client.acceptLease({ operator: this.operator, lease: lease.address })
        this.emit({ event: 'lease-accepted', lease: request.lease })
      }
      this.jobs.start(request.lease, request.consumer, admission.spec)
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
        this.admissionContext(),
        lease.provider.toBase58(),
      )
      const transaction = await this.client.prepareMigrateLease({
        oldOperator: new PublicKey(offer.from),
        newOperator: this.operator.publicKey,
        signer: this.operator,
        lease: lease.address,
        newProvider: new PublicKey(this.config.provider),
        handoffAt: await chainNow(this.client.connection),
      })
      this.pendingTakeovers.set(offer.lease, { spec, consumer: lease.consumer.toBase58() })
      this.emit({ event: 'handoff-accepted', lease: offer.lease, from: offer.from })
      return { accept: true, transaction }
    } catch (err) {
      this.emit({ event: 'handoff-declined', lease: offer.lease, reason: refusal(err) })
      return { accept: false, reason: refusal(err) }
    }
  }

  /** The giver says the migration landed: check the chain, then start the job (once). */
  async onHandoffConfirm(confirmation: HandoffConfirmation): Promise<void> {
    const pending = this.pendingTakeovers.get(confirmation.lease)
    if (pending === undefined)
      throw new UnknownLeaseError(confirmation.lease, 'no hand-off of this lease was accepted here')
    for (let i = 0; ; i++) {
      const lease = await this.fetchLease(confirmation.lease)
      if (lease.provider.toBase58() === this.config.provider) break
      if (i >= MIGRATION_VISIBLE_TRIES) {
        throw new LeaseNotForThisProviderError(confirmation.lease, lease.provider.toBase58(), this.config.provider)
      }
      await sleep(MIGRATION_VISIBLE_STEP_MS)
    }
    this.pendingTakeovers.delete(confirmation.lease)
    this.jobs.start(confirmation.lease, pending.consumer, pending.spec)
    this.emit({ event: 'handoff-taken', lease: confirmation.lease, tx: confirmation.transactionSignature })
  }

  /** Giver's side: co-sign the taker's migrate_lease and send it; returns its signature. */
  async coSignMigration(transaction: Uint8Array): Promise<string> {
    const signed = this.client.cosignTransaction(transaction, this.operator, 'migrateLease')
    const { signature } = await this.client.sendTransactionBytes(signed)
    return signature
  }

  status(): NodeStatus {
    const { capability } = this.config
    return {
      v: 1,
      operator: this.address,
      market: this.config.market,
      provider: this.config.provider,
      role: 'worker',
      context: { kind: 'workstation', spot: capability.spot },
      admitting: this.admittingNow,
      capability,
      pricePerSecond: this.config.pricePerSecond,
      at: Math.floor(Date.now() / 1000),
      jobs: this.jobs.views(),
      failovers: [],
      chain: this.chain.view(),
      settlement: { queued: 0, lastAttestedAt: null, lastError: null },
      prognostics: { series: [], risk: 0, spareRequested: false },
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.recordTimer)
    this.chain.stop()
    await this.jobs[Symbol.asyncDispose]()
    await this.p2p?.stop()
    this.emit({ event: 'stopped' })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

/**
 * `/synkti/challenge/1.0.0`: work bound to the challenger's nonce, so the answer cannot be
 * precomputed; the GPU figures are what nvidia-smi reports where it exists.
 */
function measure(nonce: Uint8Array): JsonObject {
  const started = process.hrtime.bigint()
  let digest: Buffer = Buffer.from(nonce)
  let rounds = 0
  while (process.hrtime.bigint() - started < 20_000_000n) {
    digest = createHash('sha256').update(digest).digest()
    rounds++
  }
  return { sha256RoundsIn20ms: rounds, digest: digest.toString('hex'), salt: randomBytes(8).toString('hex') }
}
