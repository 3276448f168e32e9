import { type FailoverPhaseKind, failoverViewSchema, parseJobSpec, requirementOf } from '@synkti/jobs'
import { describe, expect, it } from 'vitest'
import {
  type FailoverEvent,
  type FailoverState,
  isSettled,
  isTerminal,
  markOldDrained,
  next,
  type PhaseOf,
  toView,
} from '../../src/failover/index.js'
import {
  A,
  addr,
  B,
  C,
  candidate,
  drive,
  type EventBody,
  fresh,
  HAPPY_PATH,
  JOB,
  phaseAt,
  SELF,
  TO,
} from './support.js'

const SAMPLE: Record<FailoverEvent['type'], EventBody> = {
  notice: { type: 'notice' },
  drained: { type: 'drained' },
  candidates: { type: 'candidates', list: [A, B] },
  chosen: { type: 'chosen', target: A.target },
  unplaced: { type: 'unplaced', detail: 'outcompeted' },
  declined: { type: 'declined', target: A.target.operator, reason: 'busy' },
  migrated: { type: 'migrated', target: A.target.operator, migration: { via: 'handoff', signature: 'sig-1' } },
  migrateRejected: { type: 'migrateRejected', target: A.target.operator, detail: 'ProviderNotActive' },
  leaseElsewhere: { type: 'leaseElsewhere', operator: addr('Mallory') },
  jobSeen: { type: 'jobSeen', jobId: 'taker-job-1' },
  healthy: { type: 'healthy', endpoint: 'http://127.0.0.1:8000' },
  spawnFailed: { type: 'spawnFailed', detail: 'exited' },
  timeout: { type: 'timeout' },
  error: { type: 'error', name: 'RpcUnreachableError', message: 'down' },
}

const STATES: Record<string, FailoverState> = {
  serving: fresh(),
  draining: phaseAt(TO.draining),
  'selecting (before discovery)': phaseAt(TO.selecting),
  'selecting (with candidates)': phaseAt(TO.selectingWithCandidates),
  'handing-off': phaseAt(TO.handingOff),
  spawning: phaseAt(TO.spawning),
  health: phaseAt(TO.health),
  restored: phaseAt([...TO.health, SAMPLE.healthy]),
  failed: phaseAt([...TO.health, SAMPLE.spawnFailed]),
}

const LIVE_EXITS = { timeout: 'failed', error: 'failed' } as const
/** Every valid (phase, event) pair and the phase it leads to; everything else must throw. */
const VALID: Record<string, Partial<Record<FailoverEvent['type'], FailoverPhaseKind>>> = {
  serving: { notice: 'draining', ...LIVE_EXITS },
  draining: { drained: 'selecting', ...LIVE_EXITS },
  'selecting (before discovery)': { candidates: 'selecting', unplaced: 'failed', ...LIVE_EXITS },
  'selecting (with candidates)': { candidates: 'selecting', chosen: 'handing-off', unplaced: 'failed', ...LIVE_EXITS },
  'handing-off': {
    declined: 'selecting',
    migrated: 'spawning',
    migrateRejected: 'failed',
    leaseElsewhere: 'failed',
    ...LIVE_EXITS,
  },
  spawning: { jobSeen: 'health', spawnFailed: 'failed', ...LIVE_EXITS },
  health: { healthy: 'restored', spawnFailed: 'failed', ...LIVE_EXITS },
  restored: {},
  failed: {},
}

const step = (s: FailoverState, e: EventBody, at = s.phase.startedAt + 5) => next(s, { ...e, at } as FailoverEvent)

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v)
    Object.freeze(o)
  }
  return o
}

it('the fixture job is a parsed spec and its requirement', () => {
  expect(parseJobSpec(JOB.spec)).toEqual(JOB.spec)
  expect(requirementOf(JOB.spec)).toEqual(JOB.requirement)
})

describe('next: the transition table', () => {
  for (const [phase, state] of Object.entries(STATES)) {
    for (const [type, event] of Object.entries(SAMPLE)) {
      const to = VALID[phase]?.[type as FailoverEvent['type']]
      if (to !== undefined) {
        it(`${phase} + ${type} → ${to}`, () => {
          const after = step(deepFreeze(state), event)
          expect(after.phase.kind).toBe(to)
          // discovery fills `selecting` in place; every other event opens a phase at its instant
          const opened = type === 'candidates' && to === 'selecting' ? 0 : 5
          expect(after.phase.startedAt).toBe(state.phase.startedAt + opened)
        })
      } else if (!(phase === 'selecting (before discovery)' && type === 'chosen')) {
        it(`${phase} + ${type} throws InvalidTransitionError`, () => {
          expect(() => step(state, event)).toThrow(
            expect.objectContaining({ name: 'InvalidTransitionError', from: state.phase.kind, event: type }),
          )
        })
      }
    }
  }
})

describe('next: what each phase carries', () => {
  it('closes each phase at the instant the next one starts, and records it in order', () => {
    const s = phaseAt([...TO.health, SAMPLE.healthy])
    expect([...s.history.map((h) => h.kind), s.phase.kind]).toEqual(HAPPY_PATH)
    const starts = [...s.history.map((h) => h.startedAt), s.phase.startedAt]
    expect(s.history.map((h) => h.endedAt)).toEqual(starts.slice(1))
    expect(s.phase).toMatchObject({
      kind: 'restored',
      data: {
        target: A.target,
        migration: { via: 'handoff', signature: 'sig-1' },
        jobId: 'taker-job-1',
        endpoint: 'http://127.0.0.1:8000',
      },
    })
    expect(isTerminal(s)).toBe(true)
    expect(isSettled(s)).toBe(false)
    expect(isSettled(markOldDrained(s, 9))).toBe(true)
  })

  it('a clock that steps back gives a zero-length phase, never a negative one', () => {
    const s = step(fresh({ at: 5_000 }), SAMPLE.notice, 4_000)
    expect(s.history[0]).toMatchObject({ startedAt: 5_000, endedAt: 5_000 })
    expect(s.phase.startedAt).toBe(5_000)
  })

  it('discovery keeps fitting peers, once each, and drops self, decliners and the unfit, in place', () => {
    const big = candidate('Big', 0.001, { gpu: { model: 'L4', count: 1, vramGb: 8 } })
    const me = { ...candidate('x'), target: { ...A.target, operator: SELF } }
    const s = phaseAt([...TO.selecting, { type: 'candidates', list: [me, A, big, A, B] }])
    const p = s.phase as PhaseOf<'selecting'>
    expect(p.data.candidates?.map((c) => c.target.operator)).toEqual([A.target.operator, B.target.operator])
    // same phase, not a new record
    expect(s.history.map((h) => h.kind)).toEqual(['serving', 'draining'])
  })

  it('no fitting peer fails with no-candidates and counts why', () => {
    const unfit = candidate('Small', 0.001, { gpu: { model: 'L4', count: 1, vramGb: 8 } })
    const me = { ...candidate('x'), target: { ...A.target, operator: SELF } }
    const s = phaseAt([...TO.selecting, { type: 'candidates', list: [me, unfit] }])
    expect(s.phase).toMatchObject({
      kind: 'failed',
      data: { reason: { kind: 'no-candidates', found: 2, excluded: { self: 1, unfit: 1 } }, target: null },
    })
  })

  it('a chosen target must be one of the candidates', () => {
    const err = { name: 'UnknownCandidateError', operator: C.target.operator }
    expect(() => step(STATES['selecting (with candidates)']!, { type: 'chosen', target: C.target })).toThrow(
      expect.objectContaining(err),
    )
    expect(() => step(STATES['selecting (before discovery)']!, SAMPLE.chosen)).toThrow(
      expect.objectContaining({ name: 'UnknownCandidateError' }),
    )
  })

  it('hand-off events must name the hand-off target', () => {
    for (const e of [
      { type: 'declined', target: B.target.operator, reason: 'x' },
      { type: 'migrated', target: B.target.operator, migration: { via: 'handoff', signature: 's' } },
      { type: 'migrateRejected', target: B.target.operator, detail: 'x' },
    ] satisfies EventBody[]) {
      expect(() => step(STATES['handing-off']!, e)).toThrow(
        expect.objectContaining({ name: 'TargetMismatchError', expected: A.target.operator, got: B.target.operator }),
      )
    }
  })

  it('handing-off offers attempt 1 and keeps the other candidates as alternatives', () => {
    const p = STATES['handing-off']!.phase as PhaseOf<'handing-off'>
    expect(p.data).toEqual({ target: A.target, attempt: 1, alternatives: [B] })
  })

  it('a decline goes back to selecting with the alternatives, and is remembered', () => {
    const s = step(STATES['handing-off']!, SAMPLE.declined)
    expect(s.phase).toMatchObject({ kind: 'selecting', data: { candidates: [B] } })
    expect(s.declined).toEqual([{ operator: A.target.operator, reason: 'busy', at: s.phase.startedAt }])
    const again = drive(s, [{ type: 'chosen', target: B.target }])
    expect(again.phase).toMatchObject({ kind: 'handing-off', data: { target: B.target, attempt: 2, alternatives: [] } })
  })

  it('a decline with no alternative left rediscovers, and a decliner found again is excluded', () => {
    const s = drive(fresh(), [
      ...TO.selecting,
      { type: 'candidates', list: [A] },
      { type: 'chosen', target: A.target },
      SAMPLE.declined,
    ])
    expect(s.phase).toMatchObject({ kind: 'selecting', data: { candidates: null } })
    const end = drive(s, [{ type: 'candidates', list: [A] }])
    expect(end.phase).toMatchObject({
      kind: 'failed',
      data: { reason: { kind: 'all-declined', exhausted: 'candidates', declined: [{ operator: A.target.operator }] } },
    })
  })

  it('stops offering at maxOffers', () => {
    const s = drive(fresh({ maxOffers: 2 }), [
      ...TO.selecting,
      { type: 'candidates', list: [A, B, C] },
      { type: 'chosen', target: A.target },
      { type: 'declined', target: A.target.operator, reason: 'busy' },
      { type: 'chosen', target: B.target },
      { type: 'declined', target: B.target.operator, reason: 'full' },
    ])
    expect(s.phase).toMatchObject({
      kind: 'failed',
      data: { reason: { kind: 'all-declined', exhausted: 'attempts' }, target: B.target },
    })
  })

  it('failures name the phase they happened in and keep the target', () => {
    expect(step(STATES.health!, SAMPLE.timeout).phase).toMatchObject({
      kind: 'failed',
      data: { reason: { kind: 'deadline', phase: 'health' }, target: A.target },
    })
    expect(step(STATES.draining!, SAMPLE.error).phase).toMatchObject({
      kind: 'failed',
      data: { reason: { kind: 'error', phase: 'draining', name: 'RpcUnreachableError' }, target: null },
    })
    expect(step(STATES.spawning!, SAMPLE.spawnFailed).phase).toMatchObject({
      data: { reason: { kind: 'spawn-failed', phase: 'spawning', target: A.target.operator } },
    })
    expect(step(STATES['handing-off']!, SAMPLE.migrateRejected).phase).toMatchObject({
      data: { reason: { kind: 'migrate-rejected', detail: 'ProviderNotActive' } },
    })
  })
})

describe('toView', () => {
  it('projects to a valid FailoverView, the current phase still open', () => {
    const view = toView(STATES.spawning!)
    expect(failoverViewSchema.parse(view)).toEqual(view)
    expect(view).toMatchObject({ phase: 'spawning', target: A.target.operator, reason: null, trigger: 'interruption' })
    expect(view.phases.map((p) => p.kind)).toEqual(['serving', 'draining', 'selecting', 'handing-off', 'spawning'])
    expect(view.phases.at(-1)?.endedAt).toBeNull()
  })

  it('explains a failure in words', () => {
    const view = toView(step(STATES['handing-off']!, SAMPLE.migrateRejected))
    expect(failoverViewSchema.parse(view)).toEqual(view)
    expect(view.reason).toContain('ProviderNotActive')
    expect(view.reason).toContain(A.target.operator)
  })
})
