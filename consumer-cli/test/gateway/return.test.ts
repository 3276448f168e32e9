/**
 * Return to spot, the pure parts: the decision (return.ts `decideReturn`), the sightings that
 * give it its hysteresis, the move count in the state file, and the command line.
 */
import { Keypair } from '@solana/web3.js'
import type { Requirement } from '@synkti/planner'
import { describe, expect, it } from 'vitest'
import { type CommandName, createProgram, type Invoke } from '../../src/cli.js'
import {
  type CurrentLease,
  decideReturn,
  isTarget,
  type ReturnDecision,
  type ReturnPolicy,
  type ReturnView,
  Sightings,
  savesEnough,
  targetRules,
} from '../../src/gateway/return.js'
import { decodeState, encodeState, freshState } from '../../src/gateway/state.js'
import type { Offer } from '../../src/offers.js'
import { capability, offer } from '../support/fixtures.js'

const NOW = 1_790_010_000
const req: Requirement = {
  vramGb: 16,
  gpus: 1,
  spotAllowed: true,
  runtime: 'process',
  model: { name: 'synkti/standin-1', sizeGb: 1 },
}
const policy: ReturnPolicy = { minSaving: 0.2, holdSec: 600, dwellSec: 600, maxMoves: 3 }

/** The lease on an on-demand provider at 1000/s since long ago, cap 2000/s. */
const hetzner = offer({
  operator: 'hetzner',
  pricePerSecond: 1_000n,
  capability: capability({ spot: false, cloud: 'hetzner' }),
})
const current: CurrentLease = {
  provider: hetzner.provider,
  pricePerSecond: 1_000n,
  since: NOW - 3_600,
  cap: 2_000n,
  available: 10_000_000n,
}
const spot = (operator: string, price: bigint, over: Partial<Offer> = {}) =>
  offer({ operator, pricePerSecond: price, capability: capability({ spot: true }), ...over })

function view(offers: Offer[], since: Record<string, number>, over: Partial<ReturnView> = {}): ReturnView {
  return {
    now: NOW,
    moving: false,
    current,
    movesMade: 0,
    offers,
    req,
    marketMinStake: 500_000n,
    sinceOf: (p) => since[p] ?? null,
    ...over,
  }
}

const stayed = (d: ReturnDecision) => (d.kind === 'stay' ? d.reason : `move to ${d.to.operator}`)

describe('decideReturn', () => {
  const aws = spot('aws-spot', 800n)
  const heldLongEnough = { [aws.provider]: NOW - 600 }

  it('moves to a cheaper spot provider that fits, saves enough and has been offered for the hold', () => {
    const d = decideReturn(view([hetzner, aws], heldLongEnough), policy)
    expect(d).toMatchObject({
      kind: 'move',
      to: { provider: aws.provider },
      candidate: { provider: aws.provider, operator: 'aws-spot', pricePerSecond: 800n, saving: 0.2, heldSec: 600 },
      // the new lease gets what the old escrow holds (more than an hour at 800/s here)
      deposit: 10_000_000n,
    })
  })

  it('cheaper but not offered long enough: waits, saying how long to go', () => {
    const d = decideReturn(view([hetzner, aws], { [aws.provider]: NOW - 200 }), policy)
    expect(d).toMatchObject({ kind: 'stay', reason: 'holding', candidate: { heldSec: 200 }, waitSec: 400 })
    // first sighting: nothing held yet
    expect(decideReturn(view([hetzner, aws], {}), policy)).toMatchObject({ reason: 'holding', waitSec: 600 })
  })

  it('a flapping spot provider never moves the lease: each absence starts its hold again', () => {
    const sightings = new Sightings(90)
    const decisions: string[] = []
    // offered for 5 min, gone for one look, back for 5 min, gone, …: never 10 min without a break
    for (let t = 0; t < 6 * 3_600; t += 30) {
      const present = t % 330 !== 300
      const offers = present ? [hetzner, aws] : [hetzner]
      const at = NOW + t
      sightings.look(
        at,
        offers.filter((o) => isTarget(o, current.provider, targetRules(req, current.cap, 500_000n, undefined))),
      )
      decisions.push(stayed(decideReturn(view(offers, {}, { now: at, sinceOf: (p) => sightings.since(p) }), policy)))
    }
    expect(new Set(decisions)).toEqual(new Set(['holding', 'cheapest']))
    // steady, the same provider is taken once its hold is through
    const steady = new Sightings(90)
    let moved: number | null = null
    for (let t = 0; moved === null && t < 3_600; t += 30) {
      steady.look(NOW + t, [aws])
      const d = decideReturn(view([hetzner, aws], {}, { now: NOW + t, sinceOf: (p) => steady.since(p) }), policy)
      if (d.kind === 'move') moved = t
    }
    expect(moved).toBe(600)
  })

  it('above the lease’s price cap: no', () => {
    const d = decideReturn(view([hetzner, aws], heldLongEnough, { current: { ...current, cap: 700n } }), policy)
    expect(d).toMatchObject({ kind: 'stay', reason: 'above-cap', candidate: { provider: aws.provider } })
    expect(d.kind === 'stay' && d.detail).toContain('above the cap of 700/s')
  })

  it('the migration limit reached: no', () => {
    expect(decideReturn(view([hetzner, aws], heldLongEnough, { movesMade: 3 }), policy)).toMatchObject({
      kind: 'stay',
      reason: 'limit-reached',
    })
    expect(decideReturn(view([hetzner, aws], heldLongEnough), { ...policy, maxMoves: 0 })).toMatchObject({
      reason: 'limit-reached',
    })
  })

  it('a move in flight: no', () => {
    expect(decideReturn(view([hetzner, aws], heldLongEnough, { moving: true }), policy)).toMatchObject({
      kind: 'stay',
      reason: 'move-in-flight',
    })
  })

  it('the current provider already the cheapest: no', () => {
    const onSpot = { ...current, provider: aws.provider, pricePerSecond: 800n }
    const dearer = spot('dear-spot', 900n)
    const d = decideReturn(
      view([hetzner, aws, dearer], { [dearer.provider]: NOW - 6_000 }, { current: onSpot }),
      policy,
    )
    expect(d).toMatchObject({ kind: 'stay', reason: 'cheapest', candidate: null })
    // a cheaper machine that is not spot is no return target
    const cheapOnDemand = offer({ pricePerSecond: 500n, capability: capability({ spot: false }) })
    expect(decideReturn(view([hetzner, cheapOnDemand], {}), policy)).toMatchObject({ reason: 'cheapest' })
  })

  it('not enough saving: no; exactly the threshold: yes', () => {
    const close = spot('close', 850n)
    expect(decideReturn(view([hetzner, close], { [close.provider]: NOW - 6_000 }), policy)).toMatchObject({
      reason: 'saving-too-small',
    })
    expect(
      decideReturn(view([hetzner, close], { [close.provider]: NOW - 6_000 }), { ...policy, minSaving: 0.15 }),
    ).toMatchObject({ kind: 'move' })
    expect(savesEnough(800n, 1_000n, 0.2)).toBe(true)
    expect(savesEnough(801n, 1_000n, 0.2)).toBe(false)
    expect(savesEnough(999n, 1_000n, 0)).toBe(true)
  })

  it('a provider staked below the minimum, or one the job does not fit: no', () => {
    const poor = spot('poor', 700n, { staked: 100n })
    expect(decideReturn(view([hetzner, poor], { [poor.provider]: NOW - 6_000 }), policy)).toMatchObject({
      reason: 'stake',
    })
    const rich = spot('rich', 700n, { staked: 600_000n })
    expect(
      decideReturn(view([hetzner, rich], { [rich.provider]: NOW - 6_000 }), { ...policy, minStake: 1_000_000n }),
    ).toMatchObject({ reason: 'stake' })
    const small = spot('small', 700n, {
      capability: capability({ spot: true, gpu: { model: 'T4', count: 1, vramGb: 8 } }),
    })
    expect(decideReturn(view([hetzner, small], { [small.provider]: NOW - 6_000 }), policy)).toMatchObject({
      reason: 'does-not-fit',
    })
    // passed over, the next cheapest that passes is taken
    expect(
      decideReturn(view([hetzner, poor, small, aws], { ...heldLongEnough, [poor.provider]: NOW - 6_000 }), policy),
    ).toMatchObject({ kind: 'move', to: { provider: aws.provider } })
  })

  it('a lease that just moved or failed over dwells first', () => {
    const d = decideReturn(view([hetzner, aws], heldLongEnough, { current: { ...current, since: NOW - 100 } }), policy)
    expect(d).toMatchObject({ kind: 'stay', reason: 'dwell', waitSec: 500, candidate: { provider: aws.provider } })
  })

  it('a lease that is not served (failing over): no', () => {
    expect(decideReturn(view([hetzner, aws], heldLongEnough, { current: null }), policy)).toMatchObject({
      reason: 'not-serving',
    })
  })

  it('takes the cheapest of those held, and at least an hour at its price as deposit', () => {
    const cheap = spot('cheap', 600n)
    const d = decideReturn(
      view(
        [hetzner, aws, cheap],
        { [aws.provider]: NOW - 900, [cheap.provider]: NOW - 700 },
        {
          current: { ...current, available: 1_000n },
        },
      ),
      policy,
    )
    expect(d).toMatchObject({ kind: 'move', to: { provider: cheap.provider }, deposit: 600n * 3_600n })
  })
})

describe('Sightings', () => {
  const a = { provider: 'a', pricePerSecond: 800n }
  it('keeps the time of the first look of an unbroken run; an absence, a new price or a long gap starts it again', () => {
    const s = new Sightings(90)
    s.look(100, [a])
    s.look(130, [a])
    expect(s.since('a')).toBe(100)
    s.look(160, [{ provider: 'a', pricePerSecond: 700n }])
    expect(s.since('a')).toBe(160)
    s.look(190, [])
    expect(s.since('a')).toBeNull()
    s.look(220, [a])
    s.look(400, [a])
    expect(s.since('a')).toBe(400)
    s.missed(430)
    expect(s.since('a')).toBeNull()
    s.look(460, [a])
    s.forget('a')
    expect(s.since('a')).toBeNull()
  })
})

describe('the move count in the state file', () => {
  const lease = Keypair.generate().publicKey.toBase58()
  it('round-trips, and reads as 0 from a file written before it was kept', () => {
    const state = { ...freshState(lease, 1_700_000_000), autoMoves: 2 }
    expect(decodeState(encodeState(state), 'f', lease).autoMoves).toBe(2)
    const old = JSON.parse(encodeState(state)) as Record<string, unknown>
    delete old.autoMoves
    expect(decodeState(JSON.stringify(old), 'f', lease).autoMoves).toBe(0)
    expect(() => decodeState(JSON.stringify({ ...old, autoMoves: -1 }), 'f', lease)).toThrow(/autoMoves/)
  })
})

describe('synkti gateway --return-to-spot on the command line', () => {
  const id = Keypair.generate().publicKey.toBase58()
  async function parse(...args: string[]): Promise<{ name: CommandName; options: Record<string, unknown> }> {
    let seen: { name: CommandName; options: Record<string, unknown> } | undefined
    const invoke: Invoke = async (name, options) => {
      seen = { name, options: options as Record<string, unknown> }
    }
    await createProgram(invoke, () => undefined).parseAsync(['node', 'synkti', ...args])
    if (seen === undefined) throw new Error('no command ran')
    return seen
  }

  it('parses the policy and its limits', async () => {
    const { options } = await parse(
      'gateway',
      id,
      '--return-to-spot',
      '--spec',
      'llm.yaml',
      '--min-saving',
      '0.25',
      '--hold',
      '0',
      '--dwell',
      '30',
      '--max-moves',
      '2',
      '--min-stake',
      '1_000',
      '--return-every',
      '5',
    )
    expect(options.returnToSpot).toEqual({
      spec: 'llm.yaml',
      minSaving: 0.25,
      holdSec: 0,
      dwellSec: 30,
      maxMoves: 2,
      minStake: 1_000n,
      everySec: 5,
    })
    expect((await parse('gateway', id)).options.returnToSpot).toBeUndefined()
    expect((await parse('gateway', id, '--return-to-spot', '--spec', 's.yaml')).options.returnToSpot).toEqual({
      spec: 's.yaml',
    })
  })

  it('refuses a limit without --return-to-spot, --return-to-spot without --spec, and bad values', async () => {
    await expect(parse('gateway', id, '--hold', '10')).rejects.toMatchObject({
      name: 'ConflictingOptionsError',
      message: '--hold needs --return-to-spot',
    })
    await expect(parse('gateway', id, '--return-to-spot')).rejects.toMatchObject({
      name: 'ConflictingOptionsError',
      option: '--return-to-spot',
    })
    for (const bad of [
      ['--min-saving', '1'],
      ['--min-saving', '-0.1'],
      ['--hold', '-1'],
      ['--max-moves', '1.5'],
      ['--return-every', '0'],
    ]) {
      await expect(parse('gateway', id, '--return-to-spot', '--spec', 's.yaml', ...bad)).rejects.toMatchObject({
        name: 'UsageError',
      })
    }
  })
})
