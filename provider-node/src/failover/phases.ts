import type { FailoverPhaseKind, FailoverView, JobSpec } from '@synkti/jobs'
import { fits, type Requirement, type Slot } from '@synkti/planner'
import { DEFAULT_MAX_OFFERS, FAILOVER_STATE_VERSION, VIEW_MAX_PHASES, VIEW_REASON_MAX_CHARS } from './constants.js'
import { InvalidTransitionError, TargetMismatchError, UnknownCandidateError } from './errors.js'

/**
 * The failover of one lease, driven by the preempted (old) node, as data: the phase union
 * below says what is known in each phase (a migration only from `spawning` on, an endpoint
 * only in `restored`), and `next` is the only way from one phase to another. Pure: the
 * executor performs the effects, persists, and feeds the outcomes back as events.
 */

export type { FailoverPhaseKind } from '@synkti/jobs'
export type FailoverTrigger = FailoverView['trigger']

/** A peer that could take the job over. */
export interface FailoverTarget {
  /** base58 operator key, which is also its libp2p identity */
  operator: string
  /** its provider account (PDA), the lease's new provider */
  provider: string
  /** multiaddrs from its signed record */
  addresses: string[]
}

/** A target as the planner sees it: its capability and terms. */
export interface FailoverCandidate {
  target: FailoverTarget
  slot: Slot
}

/** The job being moved: what is offered to the taker and what the planner places. */
export interface FailoverJob {
  /** the old node's id for the job */
  jobId: string
  spec: JobSpec
  /** `requirementOf(spec)`, taken once when the failover starts */
  requirement: Requirement
  /** how long the job is expected to keep running, for the planner's cost */
  expectedDurationSec: number
}

export interface Decline {
  operator: string
  reason: string
  at: number
}

/**
 * How the lease got to the target. After a crash between submitting migrate_lease and
 * recording it, the node only knows that the chain names the target: the signature is not
 * made up, the migration is recorded as observed.
 */
export type Migration = { via: 'handoff'; signature: string } | { via: 'observed'; observedAt: number }

export type FailureReason =
  /** discovery found no peer that fits; `excluded` counts those dropped, by rule */
  | { kind: 'no-candidates'; found: number; excluded: { self: number; unfit: number } }
  /** candidates existed but the planner placed the job on none of them */
  | { kind: 'unplaced'; candidates: number; detail: string }
  /** every offer was declined: no candidate left, or the offer limit reached */
  | { kind: 'all-declined'; declined: Decline[]; exhausted: 'candidates' | 'attempts' }
  /** the chain refused migrate_lease */
  | { kind: 'migrate-rejected'; target: string; detail: string }
  /** the lease is held by a provider that is neither this node nor the target */
  | { kind: 'lease-elsewhere'; operator: string }
  /** the taker did not start the job, or it never became healthy */
  | { kind: 'spawn-failed'; target: string; phase: 'spawning' | 'health'; detail: string }
  /** the notice ran out in `phase` */
  | { kind: 'deadline'; phase: FailoverPhaseKind }
  /** an effect failed in a way the machine has no better name for */
  | { kind: 'error'; phase: FailoverPhaseKind; name: string; message: string }

type Empty = Record<string, never>

/** What each phase knows, and nothing more. */
export interface PhaseData {
  serving: Empty
  draining: Empty
  /** `null` until discovery has run in this round */
  selecting: { candidates: FailoverCandidate[] | null }
  /** `alternatives`: the other candidates of the round, tried next if this target declines */
  'handing-off': { target: FailoverTarget; attempt: number; alternatives: FailoverCandidate[] }
  spawning: { target: FailoverTarget; migration: Migration }
  health: { target: FailoverTarget; migration: Migration; jobId: string }
  restored: { target: FailoverTarget; migration: Migration; jobId: string; endpoint: string }
  failed: { reason: FailureReason; target: FailoverTarget | null }
}

export type Phase = { [K in FailoverPhaseKind]: { kind: K; startedAt: number; data: PhaseData[K] } }[FailoverPhaseKind]
export type PhaseOf<K extends FailoverPhaseKind> = Extract<Phase, { kind: K }>
/** A phase that has ended; times are ms since the epoch. */
export type PhaseRecord = Phase & { endedAt: number }

export interface FailoverState {
  v: typeof FAILOVER_STATE_VERSION
  id: string
  lease: string
  trigger: FailoverTrigger
  /** this node's operator: never a candidate */
  self: string
  job: FailoverJob
  /** ms since the epoch; the notice's end */
  deadline: number
  maxOffers: number
  /** every decline in this failover, across selection rounds */
  declined: Decline[]
  phase: Phase
  history: PhaseRecord[]
  /** when the old job was drained (after `restored`, or at the deadline after `failed`) */
  oldDrainedAt: number | null
}

export type FailoverEvent = { at: number } & (
  | { type: 'notice' }
  | { type: 'drained' }
  | { type: 'candidates'; list: FailoverCandidate[] }
  | { type: 'chosen'; target: FailoverTarget }
  | { type: 'unplaced'; detail: string }
  | { type: 'declined'; target: string; reason: string }
  | { type: 'migrated'; target: string; migration: Migration }
  | { type: 'migrateRejected'; target: string; detail: string }
  | { type: 'leaseElsewhere'; operator: string }
  | { type: 'jobSeen'; jobId: string }
  | { type: 'healthy'; endpoint: string }
  | { type: 'spawnFailed'; detail: string }
  | { type: 'timeout' }
  | { type: 'error'; name: string; message: string }
)
export type FailoverEventType = FailoverEvent['type']

export interface CreateFailoverInit {
  id?: string
  lease: string
  trigger: FailoverTrigger
  self: string
  job: FailoverJob
  deadline: number
  maxOffers?: number
  /** when the notice arrived, ms since the epoch */
  at: number
}

/** A failover that has just been noticed: still serving. */
export function createFailover(init: CreateFailoverInit): FailoverState {
  return {
    v: FAILOVER_STATE_VERSION,
    id: init.id ?? `${init.lease}-${init.at.toString(36)}`,
    lease: init.lease,
    trigger: init.trigger,
    self: init.self,
    job: init.job,
    deadline: init.deadline,
    maxOffers: init.maxOffers ?? DEFAULT_MAX_OFFERS,
    declined: [],
    phase: { kind: 'serving', startedAt: init.at, data: {} },
    history: [],
    oldDrainedAt: null,
  }
}

export const isTerminal = (state: FailoverState): boolean =>
  state.phase.kind === 'restored' || state.phase.kind === 'failed'

/** Nothing left to do: the machine ended and the old job was drained. */
export const isSettled = (state: FailoverState): boolean => isTerminal(state) && state.oldDrainedAt !== null

export const markOldDrained = (state: FailoverState, at: number): FailoverState => ({ ...state, oldDrainedAt: at })

/** The target the phase is dealing with, if any. */
export function targetOf(phase: Phase): FailoverTarget | null {
  switch (phase.kind) {
    case 'serving':
    case 'draining':
    case 'selecting':
      return null
    default:
      return phase.data.target
  }
}

/** The only transition function. An event the phase does not accept throws `InvalidTransitionError`. */
export function next(state: FailoverState, event: FailoverEvent): FailoverState {
  const p = state.phase
  if (isTerminal(state)) throw new InvalidTransitionError(p.kind, event.type)
  if (event.type === 'timeout') return fail(state, event.at, { kind: 'deadline', phase: p.kind })
  if (event.type === 'error') {
    return fail(state, event.at, { kind: 'error', phase: p.kind, name: event.name, message: event.message })
  }
  switch (p.kind) {
    case 'serving':
      if (event.type === 'notice') return enter(state, event.at, { kind: 'draining', data: {} })
      break
    case 'draining':
      if (event.type === 'drained') return enter(state, event.at, { kind: 'selecting', data: { candidates: null } })
      break
    case 'selecting':
      return fromSelecting(state, p, event)
    case 'handing-off':
      return fromHandingOff(state, p, event)
    case 'spawning':
      if (event.type === 'jobSeen') {
        return enter(state, event.at, { kind: 'health', data: { ...p.data, jobId: event.jobId } })
      }
      if (event.type === 'spawnFailed') return spawnFailed(state, p, event.at, event.detail)
      break
    case 'health':
      if (event.type === 'healthy') {
        return enter(state, event.at, { kind: 'restored', data: { ...p.data, endpoint: event.endpoint } })
      }
      if (event.type === 'spawnFailed') return spawnFailed(state, p, event.at, event.detail)
      break
  }
  throw new InvalidTransitionError(p.kind, event.type)
}

function fromSelecting(state: FailoverState, p: PhaseOf<'selecting'>, event: FailoverEvent): FailoverState {
  switch (event.type) {
    case 'candidates':
      return withCandidates(state, p, event.at, event.list)
    case 'chosen': {
      const pool = p.data.candidates
      const chosen = pool?.find((c) => c.target.operator === event.target.operator)
      if (pool === null || chosen === undefined) throw new UnknownCandidateError(event.target.operator)
      return enter(state, event.at, {
        kind: 'handing-off',
        data: {
          target: chosen.target,
          attempt: state.declined.length + 1,
          alternatives: pool.filter((c) => c !== chosen),
        },
      })
    }
    case 'unplaced':
      return fail(state, event.at, {
        kind: 'unplaced',
        candidates: p.data.candidates?.length ?? 0,
        detail: event.detail,
      })
    default:
      throw new InvalidTransitionError(p.kind, event.type)
  }
}

/** Keeps the candidates that may take the job: not this node, not a decliner, and `fits`. */
function withCandidates(
  state: FailoverState,
  p: PhaseOf<'selecting'>,
  at: number,
  list: readonly FailoverCandidate[],
): FailoverState {
  const requirement = state.job.requirement
  const declined = new Set(state.declined.map((d) => d.operator))
  const seen = new Set<string>()
  const excluded = { self: 0, unfit: 0 }
  const keep: FailoverCandidate[] = []
  for (const c of list) {
    const op = c.target.operator
    if (seen.has(op)) continue
    seen.add(op)
    if (op === state.self) excluded.self++
    else if (declined.has(op)) continue
    else if (!fits(requirement, c.slot.capability).ok) excluded.unfit++
    else keep.push(c)
  }
  // Discovery is a step inside the phase, not a phase of its own: same phase, more data.
  if (keep.length > 0) return { ...state, phase: { ...p, data: { candidates: keep } } }
  // Once someone has declined, running out of candidates is the declines' doing.
  return state.declined.length > 0
    ? fail(state, at, { kind: 'all-declined', declined: state.declined, exhausted: 'candidates' })
    : fail(state, at, { kind: 'no-candidates', found: list.length, excluded })
}

function fromHandingOff(state: FailoverState, p: PhaseOf<'handing-off'>, event: FailoverEvent): FailoverState {
  const target = p.data.target
  switch (event.type) {
    case 'declined': {
      sameTarget(target, event.target)
      const declined = [...state.declined, { operator: event.target, reason: event.reason, at: event.at }]
      const after = { ...state, declined }
      if (declined.length >= state.maxOffers) {
        return fail(after, event.at, { kind: 'all-declined', declined, exhausted: 'attempts' })
      }
      const rest = p.data.alternatives
      return enter(after, event.at, { kind: 'selecting', data: { candidates: rest.length > 0 ? rest : null } })
    }
    case 'migrated':
      sameTarget(target, event.target)
      return enter(state, event.at, { kind: 'spawning', data: { target, migration: event.migration } })
    case 'migrateRejected':
      sameTarget(target, event.target)
      return fail(state, event.at, { kind: 'migrate-rejected', target: event.target, detail: event.detail })
    case 'leaseElsewhere':
      return fail(state, event.at, { kind: 'lease-elsewhere', operator: event.operator })
    default:
      throw new InvalidTransitionError(p.kind, event.type)
  }
}

function spawnFailed(
  state: FailoverState,
  p: PhaseOf<'spawning'> | PhaseOf<'health'>,
  at: number,
  detail: string,
): FailoverState {
  return fail(state, at, { kind: 'spawn-failed', target: p.data.target.operator, phase: p.kind, detail })
}

function sameTarget(target: FailoverTarget, operator: string): void {
  if (target.operator !== operator) throw new TargetMismatchError(target.operator, operator)
}

function fail(state: FailoverState, at: number, reason: FailureReason): FailoverState {
  return enter(state, at, { kind: 'failed', data: { reason, target: targetOf(state.phase) } })
}

type Entered = { [K in FailoverPhaseKind]: { kind: K; data: PhaseData[K] } }[FailoverPhaseKind]

/** Closes the current phase at `at` and opens `to`. A clock that stepped back yields 0 ms, not a negative time. */
function enter(state: FailoverState, at: number, to: Entered): FailoverState {
  const closed = { ...state.phase, endedAt: Math.max(at, state.phase.startedAt) } as PhaseRecord
  const startedAt = closed.endedAt
  return { ...state, history: [...state.history, closed], phase: { ...to, startedAt } as Phase }
}

/** One line a person can read: what stopped the failover. */
export function describeFailure(reason: FailureReason): string {
  switch (reason.kind) {
    case 'no-candidates':
      return `no candidate fits the job (found ${reason.found}, excluded ${reason.excluded.unfit} unfit, ${reason.excluded.self} self)`
    case 'unplaced':
      return `the planner placed the job on none of ${reason.candidates} candidates: ${reason.detail}`
    case 'all-declined':
      return `every offer was declined (${reason.exhausted === 'attempts' ? 'offer limit reached' : 'no candidate left'}): ${reason.declined.map((d) => `${d.operator}: ${d.reason}`).join('; ')}`
    case 'migrate-rejected':
      return `migrate_lease to ${reason.target} was rejected: ${reason.detail}`
    case 'lease-elsewhere':
      return `the lease is held by ${reason.operator}, neither this node nor the target`
    case 'spawn-failed':
      return `${reason.target} did not ${reason.phase === 'spawning' ? 'start the job' : 'become healthy'}: ${reason.detail}`
    case 'deadline':
      return `the notice ran out while ${reason.phase}`
    case 'error':
      return `${reason.name} while ${reason.phase}: ${reason.message}`
  }
}

/** The status projection (`FailoverView` of @synkti/jobs): phases with times, target, reason. */
export function toView(state: FailoverState): FailoverView {
  const p = state.phase
  const target = targetOf(p)
  return {
    id: state.id,
    lease: state.lease,
    trigger: state.trigger,
    phase: p.kind,
    phases: [
      ...state.history.map(({ kind, startedAt, endedAt }): FailoverView['phases'][number] => ({
        kind,
        startedAt,
        endedAt,
      })),
      { kind: p.kind, startedAt: p.startedAt, endedAt: null },
    ].slice(-VIEW_MAX_PHASES),
    target: target?.operator ?? null,
    reason: p.kind === 'failed' ? describeFailure(p.data.reason).slice(0, VIEW_REASON_MAX_CHARS) : null,
  }
}
