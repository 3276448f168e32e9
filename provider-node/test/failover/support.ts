import { parseJobSpec } from '@synkti/jobs'
import type { Capability, Slot } from '@synkti/planner'
import {
  createFailover,
  type FailoverCandidate,
  type FailoverEvent,
  type FailoverJob,
  type FailoverState,
  next,
} from '../../src/failover/index.js'

/** A base58-looking address (the status view wants 32..44 characters). */
export const addr = (name: string): string => name.padEnd(43, '1')

export const SELF = addr('SeLf')
export const LEASE = addr('Lease')

export const JOB: FailoverJob = {
  jobId: 'job-1',
  expectedDurationSec: 3600,
  spec: parseJobSpec({
    version: 1,
    name: 'llm-demo',
    run: { kind: 'command', command: 'node', args: ['standin.js', '--port', '{port}'] },
    model: { name: 'synkti/standin-1', sizeGb: 1, vramGb: 16 },
    gpus: { count: 1 },
    priceCap: { perSecond: '2000' },
    spotAllowed: true,
  }),
}

export const capability = (over: Partial<Capability> = {}): Capability => ({
  gpu: { model: 'L4', count: 1, vramGb: 24 },
  cloud: 'aws',
  region: 'eu-central',
  zone: 'eu-central-1a',
  spot: true,
  runtimes: ['process'],
  cachedModels: [],
  diskGb: 100,
  ...over,
})

/** A peer that fits JOB unless `cap` says otherwise; `price` in USD per second steers the planner. */
export function candidate(name: string, price = 0.001, cap: Partial<Capability> = {}): FailoverCandidate {
  const operator = addr(name)
  const slot = { id: operator, capability: capability(cap), price, bandwidth: 1, latency: 0.01, load: 0 } as Slot
  return { target: { operator, provider: addr(`${name}P`), addresses: ['/ip4/127.0.0.1/tcp/4001'] }, slot }
}

export const A = candidate('Alpha', 0.001)
export const B = candidate('Bravo', 0.002)
export const C = candidate('Charlie', 0.003)

export function fresh(over: { at?: number; deadline?: number; maxOffers?: number } = {}): FailoverState {
  const at = over.at ?? 1_000
  return createFailover({
    lease: LEASE,
    trigger: 'interruption',
    self: SELF,
    job: JOB,
    at,
    deadline: over.deadline ?? at + 120_000,
    ...(over.maxOffers === undefined ? {} : { maxOffers: over.maxOffers }),
  })
}

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
