import type { FailoverPhaseKind } from '@synkti/jobs'
import { MAX_TIMER_MS } from './constants.js'
import { FailoverDeadlineError, InvalidTransitionError } from './errors.js'
import {
  type FailoverCandidate,
  type FailoverEvent,
  type FailoverJob,
  type FailoverState,
  type FailoverTarget,
  isSettled,
  isTerminal,
  markOldDrained,
  next,
  type PhaseOf,
  type PhaseRecord,
} from './phases.js'
import type { PlanChoice } from './planning.js'
import type { FailoverPersistence } from './store.js'

/** What the old node offers a taker. */
export interface OfferRequest {
  lease: string
  job: FailoverJob
  /** ms since the epoch by which the hand-off must be confirmed (the notice's end) */
  deadline: number
}

/**
 * The taker's answer. On accept, the offer effect has already co-signed and submitted the
 * taker's partially signed migrate_lease and confirmed the hand-off.
 */
export type OfferOutcome = { accepted: true; migrateSignature: string } | { accepted: false; reason: string }

export type FailoverLogEntry =
  | { event: 'phase'; id: string; lease: string; ended: PhaseRecord; durationMs: number; next: FailoverPhaseKind }
  | { event: 'resumed'; id: string; lease: string; phase: FailoverPhaseKind }
  | { event: 'old-drained'; id: string; lease: string; at: number; outcome: 'restored' | 'failed' }
  /** a candidate refused, or its answer refused by us (a forged hand-off): said at once, not only in the state file */
  | { event: 'declined'; id: string; lease: string; target: string; reason: string }

/**
 * Everything the failover does to the world. Waiting effects get a signal that aborts at the
 * notice deadline (or when the node stops); they should reject promptly when it does.
 */
export interface FailoverEffects {
  /** stop admitting new leases and jobs; the job being moved keeps serving. Idempotent. */
  stopAdmitting(signal: AbortSignal): Promise<void>
  /** peers found through P2P discovery that might take the job */
  findCandidates(job: FailoverJob, signal: AbortSignal): Promise<FailoverCandidate[]>
  /** the planner's choice among candidates that already passed `fits` and the exclusions */
  plan(job: FailoverJob, candidates: readonly FailoverCandidate[]): PlanChoice | Promise<PlanChoice>
  /**
   * The hand-off protocol: offer, taker's partially signed migrate_lease, co-sign and submit,
   * confirm. Throws `MigrateRejectedError` when the chain refuses the transaction.
   */
  offer(target: FailoverTarget, request: OfferRequest, signal: AbortSignal): Promise<OfferOutcome>
  /** the operator of the provider the lease names on-chain now */
  leaseProviderOnChain(lease: string, signal: AbortSignal): Promise<string>
  /** waits until the target's signed status lists a job for the lease: its id, or null if the target gave up */
  awaitJob(target: FailoverTarget, lease: string, signal: AbortSignal): Promise<string | null>
  /** waits until the target reports that job healthy: its endpoint, or null if it failed */
  awaitHealthy(target: FailoverTarget, lease: string, signal: AbortSignal): Promise<string | null>
  /** drain the old job. Idempotent: after a restart it may already be gone. */
  drainOld(signal: AbortSignal): Promise<void>
  /** ms since the epoch */
  now(): number
  log(entry: FailoverLogEntry): void
}

export interface RunFailoverInit {
  /** a new failover (`createFailover`) or one loaded from the store after a restart */
  state: FailoverState
  effects: FailoverEffects
  store: FailoverPersistence
  /** the node is stopping: the run rejects with its reason and resumes from the store later */
  signal?: AbortSignal
}

/**
 * Drives one failover to `restored` or `failed`, then drains the old job (at once after
 * `restored`; at the deadline after `failed`, so the old job serves as long as it can).
 * Every phase is persisted before it is acted on. A run that starts past `serving` is a
 * resume and observes before it acts: admission is stopped again (it lived in the old
 * process), and a hand-off asks the chain whether the migration already landed before
 * offering again, so a lease is never migrated, or a job spawned, twice.
 */
export async function runFailover({
  state: initial,
  effects: fx,
  store,
  signal: stop,
}: RunFailoverInit): Promise<FailoverState> {
  const deadline = new AbortController()
  const timer = setTimeout(
    () => deadline.abort(new FailoverDeadlineError(initial.deadline)),
    Math.min(Math.max(0, initial.deadline - fx.now()), MAX_TIMER_MS),
  )
  const signal = stop === undefined ? deadline.signal : AbortSignal.any([stop, deadline.signal])
  const ids = { id: initial.id, lease: initial.lease }
  let state = initial
  try {
    // True while the current phase was loaded rather than entered by this run.
    let resuming = state.phase.kind !== 'serving'
    if (resuming) fx.log({ event: 'resumed', ...ids, phase: state.phase.kind })
    await store.save(state)
    // Admission was stopped in the process that died; a failover holds the machine until its old job is drained.
    if (resuming && !isSettled(state)) await fx.stopAdmitting(stop ?? NEVER)
    while (!isTerminal(state)) {
      const event = fx.now() >= state.deadline ? timeout(fx) : await attempt(state, resuming)
      if (event.type === 'declined') fx.log({ event: 'declined', ...ids, target: event.target, reason: event.reason })
      const closedBefore = state.history.length
      state = next(state, event)
      resuming = false
      await store.save(state)
      // Discovery updates `selecting` in place; only a phase change closes a record.
      const ended = state.history.at(-1)
      if (state.history.length > closedBefore && ended !== undefined) {
        fx.log({ event: 'phase', ...ids, ended, durationMs: ended.endedAt - ended.startedAt, next: state.phase.kind })
      }
    }
    if (state.oldDrainedAt === null) {
      const outcome = state.phase.kind === 'restored' ? 'restored' : 'failed'
      if (outcome === 'failed') await sleepUntil(state.deadline, fx.now, stop)
      stop?.throwIfAborted()
      await fx.drainOld(stop ?? NEVER)
      state = markOldDrained(state, fx.now())
      await store.save(state)
      fx.log({ event: 'old-drained', ...ids, at: state.oldDrainedAt as number, outcome })
    }
    return state
  } finally {
    clearTimeout(timer)
  }

  /** The current phase's action as an event; a failure becomes `timeout` or `error`, never a silent state. */
  async function attempt(s: FailoverState, resumed: boolean): Promise<FailoverEvent> {
    try {
      return await act(s, resumed)
    } catch (err) {
      if (stop?.aborted) throw stop.reason
      if (deadline.signal.aborted || fx.now() >= s.deadline) return timeout(fx)
      const { name, message } = errorParts(err)
      return { type: 'error', at: fx.now(), name, message }
    }
  }

  async function act(s: FailoverState, resumed: boolean): Promise<FailoverEvent> {
    const p = s.phase
    switch (p.kind) {
      case 'serving':
        return { type: 'notice', at: fx.now() }
      case 'draining':
        await fx.stopAdmitting(signal)
        return { type: 'drained', at: fx.now() }
      case 'selecting': {
        const pool = p.data.candidates
        if (pool === null) return { type: 'candidates', at: fx.now(), list: await fx.findCandidates(s.job, signal) }
        const choice = await fx.plan(s.job, pool)
        return choice.ok
          ? { type: 'chosen', at: fx.now(), target: choice.target }
          : { type: 'unplaced', at: fx.now(), detail: choice.detail }
      }
      case 'handing-off':
        return handOff(s, p, resumed)
      case 'spawning': {
        const jobId = await fx.awaitJob(p.data.target, s.lease, signal)
        return jobId === null
          ? { type: 'spawnFailed', at: fx.now(), detail: 'the target reported no job for the lease' }
          : { type: 'jobSeen', at: fx.now(), jobId }
      }
      case 'health': {
        const endpoint = await fx.awaitHealthy(p.data.target, s.lease, signal)
        return endpoint === null
          ? { type: 'spawnFailed', at: fx.now(), detail: 'the job on the target failed before it was healthy' }
          : { type: 'healthy', at: fx.now(), endpoint }
      }
      default:
        // the loop never acts in a terminal phase
        throw new InvalidTransitionError(p.kind, 'act')
    }
  }

  async function handOff(s: FailoverState, p: PhaseOf<'handing-off'>, resumed: boolean): Promise<FailoverEvent> {
    const target = p.data.target
    // A crash may have come after migrate_lease landed: the chain knows, the offer must not be repeated.
    if (resumed) {
      const seen = await observeLease(s, target)
      if (seen !== null) return seen
    }
    try {
      const outcome = await fx.offer(target, { lease: s.lease, job: s.job, deadline: s.deadline }, signal)
      return outcome.accepted
        ? {
            type: 'migrated',
            at: fx.now(),
            target: target.operator,
            migration: { via: 'handoff', signature: outcome.migrateSignature },
          }
        : { type: 'declined', at: fx.now(), target: target.operator, reason: outcome.reason }
    } catch (err) {
      if (signal.aborted) throw err
      // The offer broke somewhere between dial and confirm; whether the lease moved is the chain's to say.
      // A rejected migrate_lease may be the second of two, the first having landed before a crash.
      const seen = await observeLease(s, target)
      if (seen !== null) return seen
      const { name, message } = errorParts(err)
      return name === 'MigrateRejectedError'
        ? { type: 'migrateRejected', at: fx.now(), target: target.operator, detail: message }
        : { type: 'declined', at: fx.now(), target: target.operator, reason: `${name}: ${message}` }
    }
  }

  /** `migrated` if the lease already names the target, `leaseElsewhere` if a third party, null if still ours. */
  async function observeLease(s: FailoverState, target: FailoverTarget): Promise<FailoverEvent | null> {
    const holder = await fx.leaseProviderOnChain(s.lease, signal)
    const at = fx.now()
    if (holder === target.operator) {
      return { type: 'migrated', at, target: holder, migration: { via: 'observed', observedAt: at } }
    }
    return holder === s.self ? null : { type: 'leaseElsewhere', at, operator: holder }
  }
}

/** For effects that take a signal when nothing can cancel them. */
const NEVER = new AbortController().signal

const timeout = (fx: FailoverEffects): FailoverEvent => ({ type: 'timeout', at: fx.now() })

function errorParts(err: unknown): { name: string; message: string } {
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) }
}

/** Waits until `until` on the effects' clock, or until `stop` aborts (then rejects with its reason). */
async function sleepUntil(until: number, now: () => number, stop: AbortSignal | undefined): Promise<void> {
  // Timers may fire a millisecond early against the wall clock: wait again until it is really time.
  for (let ms = until - now(); ms > 0; ms = until - now()) {
    stop?.throwIfAborted()
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        stop?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = () => {
        clearTimeout(t)
        reject(stop?.reason)
      }
      const t = setTimeout(done, Math.min(ms, MAX_TIMER_MS))
      stop?.addEventListener('abort', onAbort, { once: true })
    })
  }
}
