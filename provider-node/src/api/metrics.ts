import { FAILOVER_PHASES, type FailoverPhaseKind, JOB_STATES, type NodeStatus } from '@synkti/jobs'
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { METRIC_PREFIX, PHASE_DURATION_BUCKETS_SEC } from './constants.js'

/** The phases a failover ends in; they have no duration worth a histogram. */
const TERMINAL: ReadonlySet<FailoverPhaseKind> = new Set(['restored', 'failed'])

export type Outcome = 'ok' | 'error'

/**
 * The node's Prometheus metrics. Gauges and the failover series follow the node's status
 * (`observe`, called by the API before every scrape), so they need no wiring into the parts;
 * the counters below are events only their owners see and increment.
 */
export interface NodeMetrics {
  /** settlement loop: one per attestation sent, `outcome` whether the chain accepted it */
  readonly attestationsSent: Counter<'outcome'>
  /** the node's inference proxy, if it proxies: one per request forwarded to a job */
  readonly requestsProxied: Counter<'outcome'>
  /** Brings the gauges up to `status` and records failover phases and outcomes seen for the first time. */
  observe(status: NodeStatus): void
}

const byRegistry = new WeakMap<Registry, NodeMetrics>()

/**
 * The node's metrics on `registry`, registered on first use: names are unique in a registry, so
 * the node (counting attestations) and the API (observing status) share one instance through it.
 */
export function createNodeMetrics(registry: Registry): NodeMetrics {
  let metrics = byRegistry.get(registry)
  if (metrics === undefined) {
    metrics = new PromNodeMetrics(registry)
    byRegistry.set(registry, metrics)
  }
  return metrics
}

class PromNodeMetrics implements NodeMetrics {
  readonly attestationsSent: Counter<'outcome'>
  readonly requestsProxied: Counter<'outcome'>
  private readonly jobs: Gauge<'state'>
  private readonly admitting: Gauge
  private readonly failoversActive: Gauge<'phase'>
  private readonly failovers: Counter<'trigger' | 'outcome'>
  private readonly phaseDuration: Histogram<'phase'>
  private readonly attestationsQueued: Gauge
  private readonly lastAttestation: Gauge
  private readonly chainReadable: Gauge
  private readonly staked: Gauge
  private readonly earned: Gauge
  private readonly risk: Gauge
  /** failover id → indexes of its phases already in the histogram, and whether its outcome was counted */
  private readonly seen = new Map<string, { phases: Set<number>; ended: boolean }>()

  constructor(registry: Registry) {
    const registers = [registry]
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Gauge<L>({ name: METRIC_PREFIX + name, help, labelNames, registers })
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name: METRIC_PREFIX + name, help, labelNames, registers })

    this.jobs = gauge('jobs', 'Jobs on this node by state', ['state'])
    this.admitting = gauge('admitting', '1 while the node accepts new leases, 0 while draining or failing over')
    this.failoversActive = gauge('failovers_active', 'Failovers in progress by current phase', ['phase'])
    this.failovers = counter('failovers_total', 'Failovers finished, by trigger and outcome (restored | failed)', [
      'trigger',
      'outcome',
    ])
    this.phaseDuration = new Histogram({
      name: `${METRIC_PREFIX}failover_phase_duration_seconds`,
      help: 'Duration of each finished failover phase',
      labelNames: ['phase'],
      buckets: PHASE_DURATION_BUCKETS_SEC,
      registers,
    })
    this.attestationsSent = counter('attestations_sent_total', 'Usage attestations sent to the chain', ['outcome'])
    this.attestationsQueued = gauge('attestations_queued', 'Usage attestations waiting in the settlement queue')
    this.lastAttestation = gauge(
      'last_attestation_timestamp_seconds',
      'Unix time of the last attestation the chain accepted (0: none yet)',
    )
    this.requestsProxied = counter('requests_proxied_total', 'Inference requests proxied to jobs', ['outcome'])
    this.chainReadable = gauge('chain_readable', '1 when the last status could read the chain, 0 when the RPC failed')
    this.staked = gauge('staked_base_units', "Provider stake, in base units of the market's mint (last read)")
    this.earned = gauge('earned_base_units', "Provider earnings, in base units of the market's mint (last read)")
    this.risk = gauge('failover_risk', 'Prognostics: estimated risk (0..1) that this node must fail over soon')

    // Every labelled series exists from the first scrape, at 0, so rate() and absent() behave.
    for (const state of JOB_STATES) this.jobs.set({ state }, 0)
    for (const phase of FAILOVER_PHASES) if (!TERMINAL.has(phase)) this.failoversActive.set({ phase }, 0)
    for (const outcome of ['ok', 'error'] as const) {
      this.attestationsSent.inc({ outcome }, 0)
      this.requestsProxied.inc({ outcome }, 0)
    }
  }

  observe(status: NodeStatus): void {
    for (const state of JOB_STATES) this.jobs.set({ state }, status.jobs.filter((j) => j.state === state).length)
    this.admitting.set(status.admitting ? 1 : 0)
    this.attestationsQueued.set(status.settlement.queued)
    this.lastAttestation.set(status.settlement.lastAttestedAt ?? 0)
    this.risk.set(status.prognostics.risk)
    this.chainReadable.set(status.chain === null ? 0 : 1)
    // Token amounts are u64; a float gauge loses precision above 2^53, which monitoring tolerates.
    if (status.chain !== null) {
      this.staked.set(Number(status.chain.staked))
      this.earned.set(Number(status.chain.earned))
    }
    this.observeFailovers(status.failovers)
  }

  private observeFailovers(failovers: NodeStatus['failovers']): void {
    const active = new Map<FailoverPhaseKind, number>()
    for (const failover of failovers) {
      const seen = this.seen.get(failover.id) ?? { phases: new Set<number>(), ended: false }
      this.seen.set(failover.id, seen)
      failover.phases.forEach((phase, index) => {
        if (phase.endedAt === null || TERMINAL.has(phase.kind) || seen.phases.has(index)) return
        seen.phases.add(index)
        this.phaseDuration.observe({ phase: phase.kind }, Math.max(0, phase.endedAt - phase.startedAt) / 1000)
      })
      if (TERMINAL.has(failover.phase)) {
        if (!seen.ended) this.failovers.inc({ trigger: failover.trigger, outcome: failover.phase })
        seen.ended = true
      } else {
        active.set(failover.phase, (active.get(failover.phase) ?? 0) + 1)
      }
    }
    for (const phase of FAILOVER_PHASES)
      if (!TERMINAL.has(phase)) this.failoversActive.set({ phase }, active.get(phase) ?? 0)
    // Forget failovers the node no longer reports, so memory stays bounded over months of uptime.
    const current = new Set(failovers.map((f) => f.id))
    for (const id of this.seen.keys()) if (!current.has(id)) this.seen.delete(id)
  }
}
