import { join } from 'node:path'
import { createSpotWatcher, type SpotWatcher } from '@synkti/cloud'
import { isModelJob, type JobSpec, requirementOf, WEIGHTS_NAME_PREFIX } from '@synkti/jobs'
import { SynktiNode } from '@synkti/p2p'
import { createPlanner } from '@synkti/planner'
import { createHazardModel, type HazardKey } from '@synkti/prognostics'
import { describeError } from '../describe-error.js'
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
import type { AdmissionService } from './admission-service.js'
import { addressOf, type NodeComponents, type Startable } from './components.js'
import { refusal } from './errors.js'
import { type NodeFailoverDeps, nodeFailoverEffects } from './failover-effects.js'
import type { P2pService } from './p2p-service.js'
import type { NodeWeights } from './weights.js'

/** How long a job is expected to keep running after a failover, for the planner's price term. */
const EXPECTED_REMAINING_SEC = 3_600
/** A rebalance recommendation gives no deadline; the node moves its jobs within this. */
const REBALANCE_BUDGET_MS = 120_000
/** Discovery and planning of a spare (nothing is offered) gives up after this. */
const SPARE_SEARCH_MS = 10_000

export interface FailoverCoordinatorComponents
  extends Pick<NodeComponents, 'config' | 'operator' | 'client' | 'jobs' | 'context' | 'log'> {
  p2p: Pick<P2pService, 'node'>
  admission: Pick<AdmissionService, 'stopAdmitting'>
  /**
   * the hashes this node caches (an offer says when the taker may fetch a job's weights from
   * here) and the measured rate of weights transfers with each peer (the planner's transfer term)
   */
  weights?: Pick<NodeWeights, 'cached' | 'bandwidthWith'>
}

/**
 * The giver's side of failover: the spot watcher's notices (AWS spot only) move every job whose
 * spec allows it, each failover persisted before it acts and resumed after a restart; the
 * hazard model learns from the notices; a spare is pre-selected when prognostics see high risk.
 * The phases and their rules are `../failover`; this service owns the running ones and gives
 * them their effects on this node.
 */
export class FailoverCoordinator implements Startable {
  readonly failovers = new Map<string, FailoverState>()
  private readonly store: FailoverStore
  private readonly hazard = createHazardModel()
  private readonly running = new Set<Promise<void>>()
  private readonly stopping = new AbortController()
  private watcher: SpotWatcher | null = null
  private spareTarget: { operator: string; at: number } | null = null

  constructor(private readonly components: FailoverCoordinatorComponents) {
    this.store = new FailoverStore(join(components.config.stateDir, 'failovers'))
  }

  /** Resumes the failovers a previous run left unfinished (the node stops admitting for them). */
  async start(): Promise<void> {
    const { failovers, corrupt } = await this.store.loadUnfinished()
    for (const err of corrupt) this.components.log({ event: 'failover-corrupt', error: refusal(err) })
    for (const state of failovers) {
      this.components.admission.stopAdmitting()
      this.track(this.run(state))
    }
  }

  /** Watches for spot notices once everything else serves (AWS spot only). */
  afterStart(): void {
    const { config, context, log } = this.components
    const ctx = context.context
    if (ctx.kind !== 'aws' || ctx.lifecycle !== 'spot') return
    const watcher = createSpotWatcher({
      cloud: 'aws',
      pollMs: config.spotPollMs,
      ...(config.imdsUrl !== undefined ? { imdsBaseUrl: config.imdsUrl } : {}),
    })
    this.hazard.observe({ kind: 'up', key: this.hazardKey(), time: Date.now() / 1000 })
    watcher.on('interruption', (e) => {
      this.hazard.observe({ kind: 'notice', key: this.hazardKey(), time: Date.now() / 1000 })
      log({ event: 'spot-interruption', action: e.action, at: e.at.toISOString() })
      this.failoverAll('interruption', e.at.getTime())
    })
    watcher.on('rebalance', (e) => {
      log({ event: 'spot-rebalance', noticeAt: e.noticeAt.toISOString() })
      this.failoverAll('rebalance', Date.now() + REBALANCE_BUDGET_MS)
    })
    watcher.on('poll-failed', (err) => log({ event: 'spot-poll-failed', error: refusal(err) }))
    void watcher.start()
    this.watcher = watcher
    log({ event: 'spot-watching', imds: config.imdsUrl ?? 'default' })
  }

  get spotWatcher(): SpotWatcher | null {
    return this.watcher
  }

  /** The spare pre-selected while risk is high, or null. */
  get spare(): { operator: string; at: number } | null {
    return this.spareTarget
  }

  /** Whether a failover that has not ended is moving `lease`. */
  isMoving(lease: string): boolean {
    return [...this.failovers.values()].some((f) => f.lease === lease && !isTerminal(f))
  }

  /** Moves every job whose spec allows it; the node stops admitting at once. */
  failoverAll(trigger: FailoverTrigger, deadline: number): void {
    const { jobs, log, admission } = this.components
    admission.stopAdmitting()
    for (const lease of jobs.live()) {
      if (this.isMoving(lease)) continue
      const spec = jobs.spec(lease)
      if (spec.failover.policy !== 'migrate') {
        log({ event: 'failover-skipped', lease, policy: spec.failover.policy })
        continue
      }
      const state = createFailover({
        lease,
        trigger,
        self: addressOf(this.components),
        job: { jobId: lease, spec, requirement: requirementOf(spec), expectedDurationSec: EXPECTED_REMAINING_SEC },
        deadline,
        at: Date.now(),
      })
      this.track(this.run(state))
    }
  }

  /** Giver's side: co-sign the taker's migrate_lease and send it; returns its signature. */
  async coSignMigration(transaction: Uint8Array): Promise<string> {
    const { client, operator } = this.components
    const signed = client.cosignTransaction(transaction, operator, 'migrateLease')
    const { signature } = await client.sendTransactionBytes(signed)
    return signature
  }

  /** The probability of a notice within `withinSec` from `now` for this machine (the prognostics' hazard). */
  hazardWithin(withinSec: number, now: number): number {
    return this.hazard.probabilityWithin(this.hazardKey(), now, withinSec)
  }

  /**
   * Risk is high: pick the spare the planner would choose now and check it is there (a signed
   * challenge keeps the connection warm), so a failover starts from a known-good peer.
   */
  async preselectSpare(risk: number): Promise<void> {
    const { jobs, log } = this.components
    const [lease] = jobs.live()
    if (lease === undefined) return
    const spec = jobs.spec(lease)
    const job = { jobId: lease, spec, requirement: requirementOf(spec), expectedDurationSec: EXPECTED_REMAINING_SEC }
    // the same discovery and planning as a failover, but nothing is drained, offered or signed
    const effects = this.effects(lease, {
      stopAdmitting: () => {},
      coSign: () => Promise.reject(new Error('a spare is not a hand-off')),
      drainOld: async () => {},
    })
    const self = addressOf(this.components)
    const candidates = (await effects.findCandidates(job, AbortSignal.timeout(SPARE_SEARCH_MS))).filter(
      (c) => c.target.operator !== self,
    )
    const choice = await effects.plan(job, candidates)
    if (!choice.ok) return
    await this.components.p2p.node.protocols.challenge(SynktiNode.peerIdOf(choice.target.operator))
    this.spareTarget = { operator: choice.target.operator, at: Math.floor(Date.now() / 1000) }
    const spare = candidates.find((c) => c.target.operator === choice.target.operator)
    const prefetch = await this.prefetchOnSpare(spec, choice.target.operator, spare?.slot.capability.cachedModels ?? [])
    log({
      event: 'spare-preselected',
      operator: choice.target.operator,
      risk,
      ...(prefetch === undefined ? {} : { prefetch }),
    })
  }

  /**
   * A model job's weights that this node caches and the spare's record does not list: the spare
   * is asked to fetch them now (from here first), so a failover to it does not wait for them.
   * What it answered, or undefined when there was nothing to ask.
   */
  private async prefetchOnSpare(
    spec: JobSpec,
    operator: string,
    spareCaches: readonly string[],
  ): Promise<string | undefined> {
    const weights = this.components.weights
    if (!isModelJob(spec) || weights === undefined) return undefined
    const { sha256, sizeBytes } = spec.model
    if (spareCaches.includes(`${WEIGHTS_NAME_PREFIX}${sha256}`) || !weights.cached.includes(sha256)) return undefined
    try {
      const decision = await this.components.p2p.node.protocols.prefetchWeights(
        SynktiNode.peerIdOf(operator),
        sha256,
        sizeBytes,
      )
      if (!decision.accepted) return `declined: ${decision.reason}`
      return decision.cached ? 'cached' : 'accepted'
    } catch (err) {
      return `failed: ${describeError(err, 256)}`
    }
  }

  clearSpare(): void {
    this.spareTarget = null
  }

  private async run(state: FailoverState): Promise<void> {
    const { config, jobs, log, admission } = this.components
    const store = {
      save: async (s: FailoverState) => {
        this.failovers.set(s.id, s)
        await this.store.save(s)
      },
    }
    const effects = this.effects(state.lease, {
      stopAdmitting: () => admission.stopAdmitting(),
      coSign: (tx) => this.coSignMigration(tx),
      drainOld: async (lease, to) => {
        if (to !== null) await jobs.handOff(lease, to, config.drainDeadlineMs)
        else if (jobs.has(lease)) await jobs.stop(lease, 'failover failed', config.drainDeadlineMs)
      },
    })
    try {
      const end = await runFailover({ state, effects, store, signal: this.stopping.signal })
      log({ event: 'failover-end', ...toView(end) })
    } catch (err) {
      log({ event: 'failover-interrupted', lease: state.lease, error: refusal(err) })
    }
  }

  /** The failover's effects on this node; the parts that act on the node itself are given. */
  private effects(
    lease: string,
    acts: Pick<NodeFailoverDeps, 'stopAdmitting' | 'coSign' | 'drainOld'>,
  ): FailoverEffects {
    const { config, client, log } = this.components
    return nodeFailoverEffects(
      {
        client,
        p2p: this.components.p2p.node,
        market: config.market,
        self: addressOf(this.components),
        selfProvider: config.provider,
        ...(this.components.weights === undefined
          ? {}
          : {
              cachedWeights: () => this.components.weights?.cached ?? [],
              measuredBandwidth: (operator: string) => this.components.weights?.bandwidthWith(operator)?.bytesPerSecond,
            }),
        plan: planWith(createPlanner()),
        log,
        ...acts,
      },
      lease,
    )
  }

  private hazardKey(): HazardKey {
    const ctx = this.components.context.context
    const { capability } = this.components.config
    return {
      cloud: capability.cloud === 'local' ? 'aws' : capability.cloud,
      region: capability.region,
      zone: capability.zone,
      instanceType: ctx.kind === 'aws' ? ctx.instanceType : capability.gpu.model,
    }
  }

  private track(work: Promise<void>): void {
    this.running.add(work)
    void work.finally(() => this.running.delete(work))
  }

  beforeStop(): void {
    this.stopping.abort(new Error('node stopping'))
  }

  /** Stops watching for notices, then waits for the running failovers to see the stop. */
  async stop(): Promise<void> {
    this.beforeStop()
    await this.watcher?.[Symbol.asyncDispose]()
    await Promise.allSettled([...this.running])
  }
}
