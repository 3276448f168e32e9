import { type FailoverEvent, type FailoverState, next } from '../../src/failover/index.js'
import { A, B, fresh } from './fixtures/data.js'

export * from './fixtures/data.js'

/** Applies `events` in order, stamping each one a millisecond after the last. */
export function drive(state: FailoverState, events: DistributiveOmit<FailoverEvent, 'at'>[]): FailoverState {
  return events.reduce((s, e, i) => next(s, { ...e, at: s.phase.startedAt + i + 1 } as FailoverEvent), state)
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
export type EventBody = DistributiveOmit<FailoverEvent, 'at'>

/** Events that bring a fresh failover to each live phase, each list extending the one before. */
const draining: EventBody[] = [{ type: 'notice' }]
const selecting: EventBody[] = [...draining, { type: 'drained' }]
const selectingWithCandidates: EventBody[] = [...selecting, { type: 'candidates', list: [A, B] }]
const handingOff: EventBody[] = [...selectingWithCandidates, { type: 'chosen', target: A.target }]
const spawning: EventBody[] = [
  ...handingOff,
  { type: 'migrated', target: A.target.operator, migration: { via: 'handoff', signature: 'sig-1' } },
]
const health: EventBody[] = [...spawning, { type: 'jobSeen', jobId: 'taker-job-1' }]
export const TO = { draining, selecting, selectingWithCandidates, handingOff, spawning, health }

export const phaseAt = (events: EventBody[]): FailoverState => drive(fresh(), events)

/** The phases of a failover that nothing goes wrong in, in order. */
export const HAPPY_PATH = ['serving', 'draining', 'selecting', 'handing-off', 'spawning', 'health', 'restored']
