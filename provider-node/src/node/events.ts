import type { InterruptionEvent, RuntimeContext } from '@synkti/cloud'
import type { FailoverPhaseKind, FailoverView, JobSpec, JobView } from '@synkti/jobs'
import type { NodeRole } from '../context/index.js'
import type { Operation } from '../preflight/index.js'
import type { RunwayEvent } from '../runway/index.js'
import type { SettlementEvent } from '../settlement/index.js'

/**
 * Every line the node logs, as one discriminated union on `event`: the CLI prints them as JSON
 * lines (`run --json` adds `at`), the end-to-end harness waits on them. A field renamed or an
 * event dropped here fails the harness's type check instead of a wait timing out. Fields are
 * the wire form: amounts are decimal strings, times ISO strings or unix seconds as named.
 */

/** `{ a: 1 } & { b: 2 }` shown as `{ a: 1; b: 2 }`. */
type Flat<T> = { [K in keyof T]: T[K] }
/** JSON lines carry bigints as decimal strings. */
type Wire<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] }

// ── life cycle ───────────────────────────────────────────────────────────────

export type LifecycleEvent =
  /** where it runs and its role; a node that will not serve (a deployer) says the command that serves (`toServe`) */
  | { event: 'context'; kind: RuntimeContext['kind']; role: NodeRole; reason: string; toServe?: string }
  | { event: 'preflight'; operation: Operation; ok: boolean; failed: string[] }
  | { event: 'api'; url: string }
  | { event: 'started'; operator: string; peerId: string; addrs: string[]; api: string }
  | { event: 'admitting'; admitting: boolean }
  | { event: 'protocol-error'; protocol: string; error: string }
  | { event: 'prognostics-error'; error: string }
  /**
   * a spare chosen while risk is high; `prefetch`: what it said when asked to fetch the running
   * model job's weights now (`accepted`, `cached`, `declined: <reason>`, `failed: <Name>: …`;
   * absent when there was nothing to ask: not a model job, the spare's record lists them, or this
   * node does not cache them)
   */
  | { event: 'spare-preselected'; operator: string; risk: number; prefetch?: string }
  | { event: 'stopped' }
  /** logged by `synkti-provider run` when SIGINT/SIGTERM arrives, before the node stops */
  | { event: 'signal'; signal: NodeJS.Signals }

// ── the node's record on the DHT ─────────────────────────────────────────────

export type RecordEvent =
  /** the record stored (and the capability announced); `dhtPeers: 0`: kept on this node only */
  | { event: 'published'; jobs: number; dhtPeers: number }
  | { event: 'publish-deferred'; error: string }
  /**
   * this node has no DHT peer (the first of a network, or its peers left): record and
   * announcement stay on it, where consumers bootstrapped to it find them; said once per change
   */
  | { event: 'no-dht-peers'; addresses: string[]; detail: string }
  /** a DHT peer joined after none: the record is published again at once, to reach it */
  | { event: 'dht-peers'; dhtPeers: number }
  /** our DHT validator refused a record a peer stored with us (forged, malformed, stale) */
  | { event: 'record-rejected'; key: string; error: string }

// ── jobs and leases ──────────────────────────────────────────────────────────

/** What became of the lease of a job that ended on its own (`job-gone`). */
export type GoneLeaseOutcome =
  /** closed as the operator at once: billing ends now, not one attestation gap later */
  | 'closed'
  /** past its attestation gap: a close would bill up to the gap; left to the consumer's reclaim, which bills nothing more */
  | 'stalled'
  /** ended, disputed, another provider's or gone: nothing to do */
  | 'not-served'
  /** the chain could not be asked or refused: the reason is in `detail` */
  | 'error'

export type JobEvent =
  /** a job changed state (its whole view) */
  | Flat<{ event: 'job' } & JobView>
  | { event: 'job-adopted'; lease: string; pid: number }
  /** the node stops to restart: the job runs on (its own process group, its output in files), for the next start to adopt */
  | { event: 'job-left'; lease: string; pid: number }
  /**
   * a job ended on its own (while the node ran, or while it was down): its lease `closed` as the
   * operator at once, or left (`stalled`: the consumer's reclaim bills nothing more; `not-served`),
   * or the chain could not be asked (`error`); `lastHealthyAt`: when it was last seen healthy
   */
  | {
      event: 'job-gone'
      lease: string
      lastHealthyAt: number | null
      outcome: GoneLeaseOutcome
      detail: string
    }
  /** `synkti-provider drain`: the node stopped its jobs and closed their leases before it stopped */
  | { event: 'drained'; leases: string[] }
  /** a lease this node closed as the operator (`detail` names the transaction) */
  | { event: 'lease-closed'; lease: string; reason: string; detail: string }
  | { event: 'lease-close-failed'; lease: string; error: string }
  | { event: 'job-refused'; lease: string; reason: string }
  /** the chain says the lease is over (or disputed, or another provider's): its job is stopped */
  | { event: 'job-ended'; lease: string; reason: string }
  /** chain unix seconds billing starts from */
  | { event: 'lease-accepted'; lease: string; since: number }
  | { event: 'receipt'; lease: string; from: number; until: number; kept: boolean }
  | { event: 'receipt-refused'; lease: string; reason: string }
  /**
   * a model job's engine loaded its weights: which backend, its own load time (ms), and where
   * the weights came from (`cache` or a source) and how long that took (ms)
   */
  | {
      event: 'engine-loaded'
      lease: string
      engine: 'llamacpp' | 'vllm'
      backend: string | null
      loadMs: number | null
      weightsFrom: string
      weightsMs: number
    }

// ── weights pre-fetched for a peer that pre-selected this node as its spare ──

export type WeightsEvent =
  /** a peer asked this node to fetch weights now: `started`, `cached`, `running` (already under way) or `declined` */
  | {
      event: 'weights-prefetch'
      sha256: string
      from: string
      outcome: 'started' | 'cached' | 'running' | 'declined'
      reason?: string
    }
  /** a prefetch ended: where the weights came from and how long that took (ms) */
  | { event: 'weights-prefetched'; sha256: string; weightsFrom: string; weightsMs: number }
  | { event: 'weights-prefetch-failed'; sha256: string; error: string }

// ── hand-offs (taker's side) ─────────────────────────────────────────────────

export type HandoffEvent =
  | { event: 'handoff-accepted'; lease: string; from: string }
  | { event: 'handoff-declined'; lease: string; reason: string }
  /** `via`: the giver's migrate_lease signature, or `chain` when the taker saw it there first */
  | { event: 'handoff-taken'; lease: string; via: string }

// ── spot watcher and failover (giver's side) ─────────────────────────────────

export type FailoverNodeEvent =
  | { event: 'spot-watching'; imds: string }
  | { event: 'spot-interruption'; action: InterruptionEvent['action']; at: string }
  | { event: 'spot-rebalance'; noticeAt: string }
  | { event: 'spot-poll-failed'; error: string }
  | { event: 'failover-skipped'; lease: string; policy: JobSpec['failover']['policy'] }
  | { event: 'failover-corrupt'; error: string }
  | {
      event: 'failover-candidates'
      lease: string
      /** providers of the market the chain lists under the lease's price cap, this one excluded */
      registered: number
      overCap: string[]
      reachable: string[]
      unreachable: string[]
      /** operators whose record names a provider account other than the one the chain gives them */
      misnamed: string[]
    }
  | {
      event: 'failover-phase'
      id: string
      lease: string
      phase: FailoverPhaseKind
      durationMs: number
      next: FailoverPhaseKind
    }
  | { event: 'failover-resumed'; id: string; lease: string; phase: FailoverPhaseKind }
  /** `target` (an operator) refused the offer, or we refused its migrate_lease (e.g. HandoffMismatchError) */
  | { event: 'failover-declined'; id: string; lease: string; target: string; reason: string }
  | { event: 'failover-old-drained'; id: string; lease: string; drainedAt: number; outcome: 'restored' | 'failed' }
  | Flat<{ event: 'failover-end' } & FailoverView>
  | { event: 'failover-interrupted'; lease: string; error: string }

// ── settlement ───────────────────────────────────────────────────────────────

/** Each settlement loop event as `settlement-<kind>`, with its fields (bigints as strings). */
export type SettlementNodeEvent = {
  [K in SettlementEvent['kind']]: Flat<{ event: `settlement-${K}` } & Wire<Extract<SettlementEvent, { kind: K }>>>
}[SettlementEvent['kind']]

// ── escrow runway ────────────────────────────────────────────────────────────

/**
 * Each runway watcher event as `runway-<kind>`, with its fields (bigints as strings):
 * `runway-runway` (a level changed; `low` is the warning), `runway-stopping`, `runway-settled`,
 * `runway-closed`, `runway-close-moot`, `runway-error`.
 */
export type RunwayNodeEvent = {
  [K in RunwayEvent['kind']]: Flat<{ event: `runway-${K}` } & Wire<Extract<RunwayEvent, { kind: K }>>>
}[RunwayEvent['kind']]

/** One structured line of what the node did. */
export type NodeEvent =
  | LifecycleEvent
  | RecordEvent
  | JobEvent
  | HandoffEvent
  | WeightsEvent
  | FailoverNodeEvent
  | SettlementNodeEvent
  | RunwayNodeEvent

export type NodeEventName = NodeEvent['event']
/** The event named `K`, with its fields. */
export type NodeEventOf<K extends NodeEventName> = Extract<NodeEvent, { event: K }>

/** Where a service sends its events; the node passes them to `ProviderNodeInit.log`. */
export type NodeLog = (event: NodeEvent) => void

/** `event`'s fields with bigints as decimal strings. */
function wire<T extends object>(event: T): Wire<T> {
  return Object.fromEntries(
    Object.entries(event).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]),
  ) as Wire<T>
}

/** The wire form of a settlement loop event. */
export function settlementNodeEvent(event: SettlementEvent): SettlementNodeEvent {
  return { event: `settlement-${event.kind}`, ...wire(event) } as SettlementNodeEvent
}

/** The wire form of a runway watcher event. */
export function runwayNodeEvent(event: RunwayEvent): RunwayNodeEvent {
  return { event: `runway-${event.kind}`, ...wire(event) } as RunwayNodeEvent
}

/**
 * A type guard for the event named `name` (and, optionally, more): what the end-to-end harness
 * waits on. `line` is anything parsed from a JSON line; only its `event` is trusted here.
 */
export function isNodeEvent<K extends NodeEventName>(
  name: K,
  where: (event: NodeEventOf<K>) => boolean = () => true,
): (line: { event?: unknown }) => line is NodeEventOf<K> {
  return (line): line is NodeEventOf<K> => line.event === name && where(line as NodeEventOf<K>)
}
