import { describe, expect, it } from 'vitest'
import {
  assertTarget,
  fleetRow,
  fleetTable,
  formatAge,
  knownGpus,
  launchedAt,
  launchSuffix,
  planFleet,
  workerGpus,
} from '../../src/fleet/index.js'
import { machine, target } from './fixtures.js'

const T0 = new Date('2026-11-23T07:00:00Z')
const named = (at: Date) => `synkti-gpu-eu-worker-${launchSuffix(at)}`

describe('planFleet', () => {
  it('launches what is missing on an empty cluster', () => {
    const plan = planFleet(target, [])
    expect(plan).toMatchObject({ create: 2, keep: [], extra: [] })
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

  it('marks the surplus youngest first: booting machines, then the newest launch, unstamped names last', () => {
    const old = machine({ name: named(T0) })
    const newer = machine({ name: named(new Date(T0.getTime() + 3_600_000)) })
    const booting = machine({ name: named(T0), state: 'pending' })
    const unstamped = machine()
    const plan = planFleet({ ...target, count: 1 }, [unstamped, old, booting, newer])
    expect(plan.extra.map((e) => [e.machine.id, e.reason])).toEqual([
      [booting.id, 'surplus'],
      [newer.id, 'surplus'],
      [old.id, 'surplus'],
    ])
    expect(plan.keep.map((m) => m.id)).toEqual([unstamped.id])
    expect(plan.create).toBe(0)
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
  it('a name carries its launch second and reads back; foreign names have none', () => {
    const at = new Date('2026-11-23T07:15:42Z')
    const suffix = launchSuffix(at, () => 0.5)
    expect(suffix).toMatch(/^[0-9a-z]{6}-iiii$/)
    expect(launchedAt(`synkti-gpu-eu-worker-${suffix}`)).toEqual(at)
    expect(launchedAt(`synkti.gpu-eu.worker.${suffix}`)).toEqual(at)
    expect(launchedAt('synkti-gpu-eu-worker-abc123')).toBeUndefined()
    expect(launchedAt('my-box')).toBeUndefined()
    // Hetzner server names are at most 63 characters; the longest cluster name still fits.
    expect(`synkti-${'c'.repeat(32)}-worker-${suffix}`.length).toBeLessThanOrEqual(63)
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
    const stamped = fleetRow(machine({ id: 'i-aa', name: named(T0) }), now)
    const foreign = fleetRow(machine({ id: 'i-bbbbbbbb', spot: false, zone: undefined }), now)
    expect(stamped).toMatchObject({ id: 'i-aa', ageSec: 90, spot: true, zone: 'eu-central-1a' })
    expect(foreign).toMatchObject({ ageSec: null, zone: null })
    expect(fleetTable([stamped, foreign])).toEqual([
      'ID          CLOUD  TYPE       STATE    SPOT       ZONE           AGE',
      'i-aa        aws    g5.xlarge  running  spot       eu-central-1a  1m',
      'i-bbbbbbbb  aws    g5.xlarge  running  on-demand  -              -',
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
