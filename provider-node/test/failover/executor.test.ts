import { describe, expect, it } from 'vitest'
import {
  type FailoverState,
  MigrateRejectedError,
  markOldDrained,
  type PhaseOf,
  runFailover,
  toView,
} from '../../src/failover/index.js'
import { MemoryStore, memoryEffects, type Script } from './fixtures/memory-effects.js'
import { A, addr, B, fresh, HAPPY_PATH, phaseAt, SELF, TO } from './support.js'

const soon = (ms = 120_000) => fresh({ at: Date.now(), deadline: Date.now() + ms })
const accepted = (signature: string) => ({ accepted: true as const, migrateSignature: signature })

async function run(script: Script, state: FailoverState = soon(), signal?: AbortSignal) {
  const store = new MemoryStore()
  const fx = memoryEffects(script, store)
  const end = await runFailover({ state, effects: fx.effects, store, ...(signal ? { signal } : {}) })
  return { end, store, ...fx }
}

describe('runFailover', () => {
  it('happy path: every phase in order, each persisted before it is acted on, then the old job drained', async () => {
    const r = await run({ candidates: [[B, A]], offers: { [A.target.operator]: [accepted('sig-A')] } })
    expect(r.end.phase).toMatchObject({
      kind: 'restored',
      data: {
        target: A.target,
        migration: { via: 'handoff', signature: 'sig-A' },
        jobId: 'taker-job-1',
        endpoint: 'http://127.0.0.1:8000',
      },
    })
    // the planner picked the cheaper peer; the chain was never asked (nothing to recover)
    expect(r.effectsCalled()).toEqual([
      'stopAdmitting',
      'findCandidates',
      'plan:Bravo,Alpha',
      'offer:Alpha',
      'awaitJob:Alpha',
      'awaitHealthy:Alpha',
      'drainOld',
    ])
    expect(r.calls.map((c) => c.persisted)).toEqual([
      'draining',
      'selecting',
      'selecting',
      'handing-off',
      'spawning',
      'health',
      'restored',
    ])
    expect(r.end.oldDrainedAt).not.toBeNull()
    expect(r.store.last).toEqual(r.end)
    const phases = r.log.flatMap((e) => (e.event === 'phase' ? [[e.ended.kind, e.next, e.durationMs >= 0]] : []))
    expect(phases).toEqual([
      ['serving', 'draining', true],
      ['draining', 'selecting', true],
      ['selecting', 'handing-off', true],
      ['handing-off', 'spawning', true],
      ['spawning', 'health', true],
      ['health', 'restored', true],
    ])
    expect(r.log.at(-1)).toMatchObject({ event: 'old-drained', outcome: 'restored' })
    expect(toView(r.end).phases.map((p) => p.kind)).toEqual(HAPPY_PATH)
  })

  it('a decline sends it back to selecting; the next candidate takes it without a new discovery', async () => {
    const r = await run({
      candidates: [[A, B]],
      offers: { [A.target.operator]: [{ accepted: false, reason: 'full' }], [B.target.operator]: [accepted('sig-B')] },
    })
    expect(r.end.phase).toMatchObject({ kind: 'restored', data: { target: B.target } })
    expect(r.effectsCalled().filter((c) => !c.startsWith('await'))).toEqual([
      'stopAdmitting',
      'findCandidates',
      'plan:Alpha,Bravo',
      'offer:Alpha',
      'plan:Bravo',
      'offer:Bravo',
      'drainOld',
    ])
    expect(r.end.declined).toMatchObject([{ operator: A.target.operator, reason: 'full' }])
    // said in the log when it happens, not only kept in the state file
    expect(r.log.filter((e) => e.event === 'declined')).toMatchObject([
      { event: 'declined', target: A.target.operator, reason: 'full' },
    ])
  })

  it('an unreachable taker counts as a decline once the chain shows the lease did not move', async () => {
    const r = await run({
      candidates: [[A, B]],
      offers: { [A.target.operator]: [new Error('dial timeout')], [B.target.operator]: [accepted('sig-B')] },
    })
    expect(r.effectsCalled()).toContain('chain:Lease')
    expect(r.end.declined[0]?.reason).toBe('Error: dial timeout')
    expect(r.end.phase).toMatchObject({ kind: 'restored', data: { target: B.target } })
  })

  it('an offer that broke after migrate_lease landed goes on to spawning: no second offer', async () => {
    let landed = false
    const r = await run({
      candidates: [[A, B]],
      offers: { [A.target.operator]: [new Error('stream reset after submit')] },
      chain: () => {
        landed = true
        return A.target.operator
      },
    })
    expect(landed).toBe(true)
    expect(r.effectsCalled().filter((c) => c.startsWith('offer'))).toEqual(['offer:Alpha'])
    expect(r.end.phase).toMatchObject({ kind: 'restored', data: { target: A.target, migration: { via: 'observed' } } })
  })

  it('a migrate_lease the chain rejects fails the failover with migrate-rejected', async () => {
    const r = await run(
      {
        candidates: [[A, B]],
        offers: { [A.target.operator]: [new MigrateRejectedError(A.target.operator, 'ProviderNotActive')] },
      },
      soon(200),
    )
    expect(r.end.phase).toMatchObject({
      kind: 'failed',
      data: { reason: { kind: 'migrate-rejected', target: A.target.operator }, target: A.target },
    })
    expect(r.effectsCalled().filter((c) => c.startsWith('offer'))).toEqual(['offer:Alpha'])
  })

  it('no candidate: failed no-candidates, and the old job keeps serving until the deadline', async () => {
    const state = soon(150)
    const r = await run({ candidates: [[]] }, state)
    expect(r.end.phase).toMatchObject({
      kind: 'failed',
      data: { reason: { kind: 'no-candidates', found: 0 } },
    })
    const drained = r.calls.find((c) => c.effect === 'drainOld')
    expect(drained?.at).toBeGreaterThanOrEqual(state.deadline)
    expect(r.log.at(-1)).toMatchObject({ event: 'old-drained', outcome: 'failed' })
  })

  it('the deadline aborts a waiting effect and fails with deadline in that phase', async () => {
    const r = await run(
      { candidates: [[A]], offers: { [A.target.operator]: [accepted('s')] }, hang: ['awaitHealthy'] },
      soon(200),
    )
    expect(r.end.phase).toMatchObject({ kind: 'failed', data: { reason: { kind: 'deadline', phase: 'health' } } })
    const wait = r.calls.find((c) => c.effect === 'awaitHealthy')
    expect(wait?.signal?.aborted).toBe(true)
    expect(wait?.signal?.reason).toMatchObject({ name: 'FailoverDeadlineError' })
    expect(r.effectsCalled().at(-1)).toBe('drainOld')
  })

  it('a failing effect is a failed error naming it, not a hang or a crash', async () => {
    const store = new MemoryStore()
    const fx = memoryEffects({}, store)
    fx.effects.findCandidates = async () => {
      throw Object.assign(new Error('DHT down'), { name: 'DiscoveryError' })
    }
    const state = soon(100)
    const end = await runFailover({ state, effects: fx.effects, store })
    expect(end.phase).toMatchObject({
      kind: 'failed',
      data: { reason: { kind: 'error', phase: 'selecting', name: 'DiscoveryError', message: 'DHT down' } },
    })
  })

  it('the lease found with a third party fails with lease-elsewhere', async () => {
    const r = await run(
      {
        candidates: [[A]],
        offers: { [A.target.operator]: [new Error('x')] },
        chain: () => addr('Eve'),
      },
      soon(150),
    )
    expect(r.end.phase).toMatchObject({
      kind: 'failed',
      data: { reason: { kind: 'lease-elsewhere', operator: addr('Eve') } },
    })
  })

  it('the node stopping rejects with its reason and leaves the phase persisted for a resume', async () => {
    const stop = new AbortController()
    const store = new MemoryStore()
    const fx = memoryEffects(
      { candidates: [[A]], offers: { [A.target.operator]: [accepted('s')] }, hang: ['awaitJob'] },
      store,
    )
    const running = runFailover({ state: soon(), effects: fx.effects, store, signal: stop.signal })
    await expect.poll(() => store.last?.phase.kind).toBe('spawning')
    await expect.poll(() => fx.calls.at(-1)?.effect).toBe('awaitJob')
    stop.abort(new Error('node stopping'))
    await expect(running).rejects.toThrow('node stopping')
    expect(store.last?.phase.kind).toBe('spawning')
    expect(fx.effectsCalled()).not.toContain('drainOld')
  })
})

describe('runFailover: resuming', () => {
  const resume = (events: Parameters<typeof phaseAt>[0]) => {
    const s = phaseAt(events)
    return { ...s, deadline: Date.now() + 120_000 }
  }

  it('in handing-off, with the migration already on-chain: straight to spawning, no offer, no migration', async () => {
    const r = await run({ chain: () => A.target.operator }, resume(TO.handingOff))
    expect(r.effectsCalled()).toEqual([
      'stopAdmitting',
      'chain:Lease',
      'awaitJob:Alpha',
      'awaitHealthy:Alpha',
      'drainOld',
    ])
    const spawning = r.store.saved.find((s) => s.phase.kind === 'spawning')?.phase as PhaseOf<'spawning'>
    expect(spawning.data.migration).toMatchObject({ via: 'observed' })
    expect(r.log[0]).toMatchObject({ event: 'resumed', phase: 'handing-off' })
    expect(r.end.phase.kind).toBe('restored')
  })

  it('in handing-off, with the lease still ours: offers the same target again', async () => {
    const r = await run({ offers: { [A.target.operator]: [accepted('sig-2')] } }, resume(TO.handingOff))
    expect(r.effectsCalled().slice(0, 3)).toEqual(['stopAdmitting', 'chain:Lease', 'offer:Alpha'])
    expect(r.end.phase).toMatchObject({ kind: 'restored', data: { migration: { signature: 'sig-2' } } })
  })

  it('in spawning or health: never offers or migrates again, only watches the taker', async () => {
    const a = await run({}, resume(TO.spawning))
    expect(a.effectsCalled()).toEqual(['stopAdmitting', 'awaitJob:Alpha', 'awaitHealthy:Alpha', 'drainOld'])
    const b = await run({}, resume(TO.health))
    expect(b.effectsCalled()).toEqual(['stopAdmitting', 'awaitHealthy:Alpha', 'drainOld'])
    expect(b.end.phase).toMatchObject({ kind: 'restored', data: { migration: { via: 'handoff', signature: 'sig-1' } } })
  })

  it('ended but not drained: admits nothing and drains; settled: does nothing at all', async () => {
    const ended = resume([...TO.health, { type: 'healthy', endpoint: 'http://e' }])
    const r = await run({}, ended)
    expect(r.effectsCalled()).toEqual(['stopAdmitting', 'drainOld'])
    const again = await run({}, markOldDrained(ended, 1))
    expect(again.effectsCalled()).toEqual([])
  })

  it('a resumed failover past its deadline fails with deadline without acting', async () => {
    const late = { ...phaseAt(TO.handingOff), deadline: Date.now() - 1 }
    const r = await run({ chain: () => SELF }, late)
    expect(r.end.phase).toMatchObject({ kind: 'failed', data: { reason: { kind: 'deadline', phase: 'handing-off' } } })
    expect(r.effectsCalled()).toEqual(['stopAdmitting', 'drainOld'])
  })
})
