import type { FailoverView } from '@synkti/jobs'
import { ProtocolTimeoutError } from '@synkti/p2p'
import { describe, expect, it } from 'vitest'
import { type Observation, progressLine, waitHealthy } from '../src/progress.js'
import { address, jobView } from './support/fixtures.js'

const lease = address()
const op = address()
const next = address()
const short = (a: string) => `${a.slice(0, 4)}…${a.slice(-4)}`

function failover(phase: FailoverView['phase'], target: string | null = null): FailoverView {
  return { id: 'f1', lease, trigger: 'interruption', phase, phases: [], target, reason: null }
}

const seen = (o: Partial<Observation> = {}): Observation => ({
  operator: op,
  job: undefined,
  failover: undefined,
  ...o,
})

/** Runs waitHealthy over a script of observations (or errors); a fake clock advances per sleep. */
async function follow(
  script: (Observation | Error)[],
  timeoutMs = 60_000,
): Promise<{ ok?: Awaited<ReturnType<typeof waitHealthy>>; err?: Error; lines: string[]; polls: number }> {
  let clock = 0
  let i = 0
  const lines: string[] = []
  const outcome = await waitHealthy({
    lease,
    ask: async () => {
      const step = script[Math.min(i++, script.length - 1)] as Observation | Error
      if (step instanceof Error) throw step
      return step
    },
    onProgress: (line) => lines.push(line),
    sleep: async (ms) => {
      clock += ms
    },
    now: () => clock,
    timeoutMs,
    pollMs: 1_000,
  }).then(
    (ok) => ({ ok }),
    (err: Error) => ({ err }),
  )
  return { ...outcome, lines, polls: i }
}

describe('progress lines', () => {
  it('say what changed, once', () => {
    const starting = seen({ job: jobView(lease) })
    expect(progressLine(undefined, seen())).toBe(`waiting for the provider on ${short(op)} to start the job`)
    expect(progressLine(seen(), starting)).toBe(`starting synkti/standin-1 on ${short(op)}`)
    expect(progressLine(starting, seen({ job: jobView(lease) }))).toBeNull()
    expect(
      progressLine(starting, seen({ job: jobView(lease, { state: 'healthy', endpoint: 'http://127.0.0.1:9000' }) })),
    ).toBe(`healthy on ${short(op)}: http://127.0.0.1:9000`)
    expect(progressLine(starting, seen({ job: jobView(lease, { state: 'failed', reason: 'exit 1' }) }))).toBe(
      `failed on ${short(op)}: exit 1`,
    )
  })

  it('show a failover in progress before the job state, and its target', () => {
    const moving = seen({ job: jobView(lease, { state: 'draining' }), failover: failover('handing-off', next) })
    expect(progressLine(undefined, moving)).toBe(`failover (interruption): handing-off → ${short(next)}`)
    const done = seen({
      job: jobView(lease, { state: 'healthy', endpoint: 'http://e' }),
      failover: failover('restored'),
    })
    expect(progressLine(moving, done)).toBe(`healthy on ${short(op)}: http://e`)
  })
})

describe('waiting for a job to be healthy', () => {
  it('polls until healthy with an endpoint, printing each change', async () => {
    const { ok, lines, polls } = await follow([
      seen(),
      seen({ job: jobView(lease) }),
      seen({ job: jobView(lease) }),
      seen({ job: jobView(lease, { state: 'healthy', endpoint: 'http://127.0.0.1:9000' }) }),
    ])
    expect(ok?.job.endpoint).toBe('http://127.0.0.1:9000')
    expect(polls).toBe(4)
    expect(lines).toEqual([
      `waiting for the provider on ${short(op)} to start the job`,
      `starting synkti/standin-1 on ${short(op)}`,
      `healthy on ${short(op)}: http://127.0.0.1:9000`,
    ])
  })

  it('follows the lease to the provider that took it over', async () => {
    const { ok, lines } = await follow([
      seen({ job: jobView(lease, { state: 'handed-off', handedOffTo: next }) }),
      seen({ operator: next, job: jobView(lease, { state: 'healthy', endpoint: 'http://new' }) }),
    ])
    expect(ok?.operator).toBe(next)
    expect(lines).toEqual([`handed off on ${short(op)} to ${short(next)}`, `healthy on ${short(next)}: http://new`])
  })

  it('retries an unreachable provider, but not a misbehaving one', async () => {
    const timeout = new ProtocolTimeoutError('/synkti/status/1.0.0', 10_000)
    const { ok, lines } = await follow([
      timeout,
      seen({ job: jobView(lease, { state: 'healthy', endpoint: 'http://e' }) }),
    ])
    expect(ok?.job.state).toBe('healthy')
    expect(lines[0]).toBe(`ProtocolTimeoutError: ${timeout.message} (retrying)`)
    const bad = await follow([new TypeError('bug')])
    expect(bad.err?.name).toBe('TypeError')
  })

  it('a failed job ends the wait with JobFailedError and its reason', async () => {
    const { err } = await follow([seen({ job: jobView(lease, { state: 'failed', reason: 'health check timed out' }) })])
    expect(err).toMatchObject({ name: 'JobFailedError', reason: 'health check timed out', lease })
  })

  it('gives up at the deadline with the last state seen', async () => {
    const { err, polls } = await follow([seen({ job: jobView(lease) })], 5_000)
    expect(err).toMatchObject({ name: 'JobNotHealthyError', waitedSec: 5, state: 'starting' })
    expect(polls).toBe(6)
  })
})
