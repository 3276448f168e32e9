import { type FailoverEvent, type FailoverState, next } from '../../src/failover/index.js'
import { A, B, fresh } from './fixtures/data.js'

export * from './fixtures/data.js'

/** Applies `events` in order, stamping each one a millisecond after the last. */
export function drive(state: FailoverState, events: DistributiveOmit<FailoverEvent, 'at'>[]): FailoverState {
  return events.reduce((s, e, i) => next(s, { ...e, at: s.phase.startedAt + i + 1 } as FailoverEvent), state)
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
export type EventBody = DistributiveOmit<FailoverEvent, 'at'>

/** Events that bring a fresh failover to each live phase. */
export const TO = {
  draining: [{ type: 'notice' }],
  selecting: [{ type: 'notice' }, { type: 'drained' }],
  selectingWithCandidates: [{ type: 'notice' }, { type: 'drained' }, { type: 'candidates', list: [A, B] }],
  handingOff: [
    { type: 'notice' },
    { type: 'drained' },
    { type: 'candidates', list: [A, B] },
    { type: 'chosen', target: A.target },
  ],
  spawning: [
    { type: 'notice' },
    { type: 'drained' },
    { type: 'candidates', list: [A, B] },
    { type: 'chosen', target: A.target },
    { type: 'migrated', target: A.target.operator, migration: { via: 'handoff', signature: 'sig-1' } },
  ],
  health: [
    { type: 'notice' },
    { type: 'drained' },
    { type: 'candidates', list: [A, B] },
    { type: 'chosen', target: A.target },
    { type: 'migrated', target: A.target.operator, migration: { via: 'handoff', signature: 'sig-1' } },
    { type: 'jobSeen', jobId: 'taker-job-1' },
  ],
} satisfies Record<string, EventBody[]>

export const phaseAt = (events: EventBody[]): FailoverState => drive(fresh(), events)
