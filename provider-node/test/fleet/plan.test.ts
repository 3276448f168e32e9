import { describe, expect, it } from 'vitest'
import {
  assertTarget,
  fleetRow,
  fleetTable,
  formatAge,
  type IndexView,
  knownGpus,
  launchedAt,
  launchSuffix,
  planFleet,
  workerGpus,
  workerIndex,
  workerSuffix,
} from '../../src/fleet/index.js'
import { machine, target } from './fixtures.js'

const T0 = new Date('2026-11-23T07:00:00Z')
let indexes = 1000
const named = (at: Date, index = indexes++) => `synkti-gpu-eu-worker-${workerSuffix(index, at)}`

describe('planFleet', () => {
  it('launches what is missing on an empty cluster, at provider indexes 0, 1, …', () => {
    const plan = planFleet(target, [])
    expect(plan).toMatchObject({ create: 2, keep: [], extra: [], indexes: [0, 1] })
  })

  it('keeps matching machines and launches only the difference', () => {
    const a = machine()
    const plan = planFleet({ ...target, count: 3 }, [a])
    expect(plan.keep.map((m) => m.id)).toEqual([a.id])
    expect(plan.create).toBe(2)
  })

  it('names each machine that does not count, with why', () => {
    const onDemand = machine({ spot: false })
    const otherType = machine({ instanceType: 'g6.xlarge' })
    const stopped = machine({ state: 'stopped' })
    const otherZone = machine({ zone: 'eu-central-1b' })
    const ok = machine()
    const plan = planFleet({ ...target, zone: 'eu-central-1a' }, [onDemand, otherType, stopped, otherZone, ok])
    expect(plan.keep.map((m) => m.id)).toEqual([ok.id])
    expect(plan.create).toBe(1)
    expect(plan.extra.map((e) => [e.machine.id, e.reason])).toEqual([
      [onDemand.id, 'other-market'],
      [otherType.id, 'other-instance-type'],
      [stopped.id, 'not-running'],
      [otherZone.id, 'other-zone'],
    ])
  })

  it('ignores machines already terminating: they neither count nor need destroying', () => {
    const plan = planFleet(target, [machine({ state: 'terminating' }), machine({ state: 'terminated' })])
    expect(plan).toMatchObject({ create: 2, keep: [], extra: [] })
  })

  it('marks the surplus youngest first: booting machines, then the newest launch; the oldest stays', () => {
    const old = machine({ name: named(T0) })
    const newer = machine({ name: named(new Date(T0.getTime() + 3_600_000)) })
    const booting = machine({ name: named(T0), state: 'pending' })
    const oldest = machine({ name: named(new Date(T0.getTime() - 3_600_000)) })
    const plan = planFleet({ ...target, count: 1 }, [oldest, old, booting, newer])
    expect(plan.extra.map((e) => [e.machine.id, e.reason])).toEqual([
      [booting.id, 'surplus'],
      [newer.id, 'surplus'],
      [old.id, 'surplus'],
    ])
    expect(plan.keep.map((m) => m.id)).toEqual([oldest.id])
    expect(plan.create).toBe(0)
  })

  it('a machine whose name carries no provider index (an older up, another tool) does not count', () => {
    const legacy = machine({ name: 'synkti-gpu-eu-worker-t2k9xq-ab12' })
    const foreign = machine({ name: 'my-box' })
    const plan = planFleet(target, [legacy, foreign])
    expect(plan.extra.map((e) => [e.machine.id, e.reason])).toEqual([
      [legacy.id, 'no-index'],
      [foreign.id, 'no-index'],
    ])
    expect(plan.create).toBe(2)
  })

  it('new machines take the lowest indexes no machine holds (extra and stopped ones too); one machine per index', () => {
    const at = (index: number, over: Partial<Parameters<typeof machine>[0]> = {}) =>
      machine({ name: named(T0, index), ...over })
    const zero = at(0)
    const two = at(2, { instanceType: 'g6.xlarge' })
    const three = at(3, { state: 'stopped' })
    const twin = at(0, { name: named(new Date(T0.getTime() + 60_000), 0) })
    const plan = planFleet({ ...target, count: 4 }, [twin, zero, two, three])
    expect(plan.keep.map((m) => m.id)).toEqual([zero.id])
    expect(plan.extra.map((e) => [e.machine.id, e.reason])).toEqual([
      [two.id, 'other-instance-type'],
      [three.id, 'not-running'],
      [twin.id, 'duplicate-index'],
    ])
    expect(plan.indexes).toEqual([1, 4, 5])
  })

  it('asks the chain which indexes a new machine may take and whose account is not its own', () => {
    const view: IndexView = {
      machineProblem: (i) => (i === 5 ? 'provider-exiting' : i === 6 ? 'provider-taken' : undefined),
      available: (i) => i !== 0 && i !== 2,
    }
    const ok = machine({ name: named(T0, 4) })
    const exiting = machine({ name: named(T0, 5) })
    const taken = machine({ name: named(T0, 6) })
    const plan = planFleet({ ...target, count: 3 }, [ok, exiting, taken], view)
    expect(plan.keep.map((m) => m.id)).toEqual([ok.id])
    expect(plan.extra.map((e) => e.reason)).toEqual(['provider-exiting', 'provider-taken'])
    expect(plan.indexes).toEqual([1, 3])
  })

  it('count 0 keeps nothing and marks every machine surplus', () => {
    const plan = planFleet({ ...target, count: 0 }, [machine(), machine()])
    expect(plan.create).toBe(0)
    expect(plan.extra.map((e) => e.reason)).toEqual(['surplus', 'surplus'])
  })
})

describe('assertTarget', () => {
  it.each([
    [{ count: -1 }, 'count'],
    [{ count: 1.5 }, 'count'],
    [{ instanceType: ' ' }, 'instance type'],
    [{ image: '' }, 'image'],
  ])('refuses %o by name', (over, field) => {
    expect(() => assertTarget({ ...target, ...over })).toThrow(
      expect.objectContaining({ name: 'InvalidFleetTargetError', field }),
    )
  })
})

describe('launch stamps, ages and the table', () => {
  it('a name carries its launch second and its provider index, and both read back; foreign names have none', () => {
    const at = new Date('2026-11-23T07:15:42Z')
    const suffix = launchSuffix(at, () => 0.5)
    expect(suffix).toMatch(/^[0-9a-z]{6}-iiii$/)
    expect(launchedAt(`synkti-gpu-eu-worker-${suffix}`)).toEqual(at)
    expect(launchedAt(`synkti.gpu-eu.worker.${suffix}`)).toEqual(at)
    expect(workerIndex(`synkti-gpu-eu-worker-${suffix}`)).toBeUndefined()
    const indexed = workerSuffix(12, at, () => 0.5)
    expect(indexed).toBe(`12-${suffix}`)
    expect(workerIndex(`synkti-gpu-eu-worker-${indexed}`)).toBe(12)
    expect(workerIndex(`synkti.gpu-eu.worker.${indexed}`)).toBe(12)
    expect(launchedAt(`synkti-gpu-eu-worker-${indexed}`)).toEqual(at)
    expect(workerIndex(`synkti-gpu-eu-worker-${workerSuffix(65_536, at)}`)).toBeUndefined()
    expect(launchedAt('synkti-gpu-eu-worker-abc123')).toBeUndefined()
    expect(launchedAt('my-box')).toBeUndefined()
    // Hetzner server names are at most 63 characters: a 27-character cluster fits any index up to 99999.
    expect(`synkti-${'c'.repeat(27)}-worker-${workerSuffix(99_999, at)}`.length).toBeLessThanOrEqual(63)
  })

  it('ages print in their two largest units', () => {
    expect([0, 59, 60, 3599, 3600, 3 * 3600 + 5 * 60, 86_400 * 2 + 4 * 3600].map(formatAge)).toEqual([
      '0s',
      '59s',
      '1m',
      '59m',
      '1h00m',
      '3h05m',
      '2d04h',
    ])
  })

  it('rows take the age from the name; the table aligns columns and marks unknowns with -', () => {
    const now = new Date(T0.getTime() + 90_000)
    const stamped = fleetRow(machine({ id: 'i-aa', name: named(T0, 3) }), now)
    const foreign = fleetRow(machine({ id: 'i-bbbbbbbb', name: 'my-box', spot: false, zone: undefined }), now)
    expect(stamped).toMatchObject({ id: 'i-aa', ageSec: 90, spot: true, zone: 'eu-central-1a', index: 3 })
    expect(foreign).toMatchObject({ ageSec: null, zone: null, index: null })
    expect(fleetTable([stamped, foreign])).toEqual([
      'ID          CLOUD  TYPE       STATE    SPOT       ZONE           AGE  INDEX',
      'i-aa        aws    g5.xlarge  running  spot       eu-central-1a  1m   3',
      'i-bbbbbbbb  aws    g5.xlarge  running  on-demand  -              -    -',
    ])
  })

  it('with the chain, each row shows its account (short operator, status, stake, leases, price) and idle accounts get a row', () => {
    const now = new Date(T0.getTime() + 90_000)
    const operator = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU'
    const account = {
      address: 'P'.repeat(44),
      operator,
      status: 'active' as const,
      unlockAt: null,
      staked: '1000000',
      openLeases: 2,
      pricePerSecond: '7',
      keyFile: '/k/operator-3.json',
      keyMatches: true,
    }
    const row = { ...fleetRow(machine({ id: 'i-aa', name: named(T0, 3) }), now), provider: { ...account, index: 3 } }
    const idle = { ...account, index: 4, status: 'paused' as const, openLeases: 0, keyMatches: false }
    expect(fleetTable([row], { idle: [idle], cloud: 'aws' })).toEqual([
      'ID    CLOUD  TYPE       STATE    SPOT  ZONE           AGE  INDEX  OPERATOR   PROVIDER           STAKED   LEASES  PRICE',
      'i-aa  aws    g5.xlarge  running  spot  eu-central-1a  1m   3      7xKX…gAsU  active             1000000  2       7',
      '-     aws    -          none     -     -              -    4      7xKX…gAsU  paused(other-key)  1000000  0       7',
    ])
  })
})

describe('worker GPUs', () => {
  it('knows common GPU instance types and nothing it cannot vouch for', () => {
    expect(knownGpus('aws', 'g5.xlarge')).toEqual({ model: 'A10G', count: 1, vramGb: 24 })
    expect(knownGpus('aws', 'g5.12xlarge')).toEqual({ model: 'A10G', count: 4, vramGb: 24 })
    expect(knownGpus('aws', 'p5.48xlarge')).toEqual({ model: 'H100', count: 8, vramGb: 80 })
    expect(knownGpus('ovh', 'l4-180')).toEqual({ model: 'L4', count: 2, vramGb: 24 })
    expect(knownGpus('aws', 'm5.large')).toBeUndefined()
    expect(knownGpus('aws', 'g5.metal')).toBeUndefined()
    expect(knownGpus('hetzner', 'cx22')).toBeUndefined()
  })

  it('what the operator names wins; an unknown type with nothing named is a named error', () => {
    expect(workerGpus('hetzner', 'cx22', { model: 'none', vramGb: 1 })).toEqual({ model: 'none', count: 1, vramGb: 1 })
    expect(workerGpus('aws', 'g5.xlarge', { count: 1 })).toEqual({ model: 'A10G', count: 1, vramGb: 24 })
    expect(() => workerGpus('aws', 'm5.large')).toThrow(
      expect.objectContaining({ name: 'UnknownGpuInstanceTypeError', remedy: expect.stringContaining('--gpu') }),
    )
  })
})
