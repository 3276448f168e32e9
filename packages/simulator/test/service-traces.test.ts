import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  capacityAt,
  capacityChanges,
  costOf,
  fleetFromTraces,
  formatSpotTrace,
  loadSpotTraces,
  parseFleetFile,
  parseSpotTrace,
  parseTraceName,
  priceAt,
  regionOfZone,
} from '../src/index.js'

describe('spot-traces import', () => {
  it('reads zone, accelerator and kind from the path and the counts from the JSON', () => {
    const t = parseSpotTrace(
      'availability/1-node/aws-02-15-2023/us-east-1a_v100_1.json',
      formatSpotTrace(195, [0, 1, 1, 0]),
    )
    expect(t).toMatchObject({
      kind: 'availability',
      zone: 'us-east-1a',
      accelerator: 'v100_1',
      gapSeconds: 195,
      counts: [0, 1, 1, 0],
    })
    expect(t.prices).toBeUndefined()
    const p = parseSpotTrace(
      'preemption/4-node/aws-08-03-2023/us-west-2c_v100_1.json',
      formatSpotTrace(300, [4, 3], [0.9, 1]),
    )
    expect(p.kind).toBe('preemption')
    expect(p.prices).toEqual([0.9, 1])
    expect(parseTraceName('x/us-central1-a_c3-88.json')).toEqual({ zone: 'us-central1-a', accelerator: 'c3-88' })
    expect(regionOfZone('us-west-2c')).toBe('us-west-2')
    expect(regionOfZone('us-central1-a')).toBe('us-central1')
  })

  it('refuses malformed files with named errors', () => {
    const name = 'availability/us-east-1a_v100_1.json'
    const bad = (text: string) => () => parseSpotTrace(name, text)
    expect(bad('{')).toThrow(expect.objectContaining({ name: 'SpotTraceFormatError' }))
    expect(bad('{"metadata":{"gap_seconds":0},"data":[1]}')).toThrow(/gap_seconds/)
    expect(bad('{"metadata":{"gap_seconds":60},"data":[]}')).toThrow(/non-empty/)
    expect(bad('{"metadata":{"gap_seconds":60},"data":[1,-1]}')).toThrow(/data\[1\]/)
    expect(bad('{"metadata":{"gap_seconds":60},"data":[1,2],"prices":[1]}')).toThrow(/prices/)
    expect(() => parseSpotTrace('availability/trace.json', formatSpotTrace(60, [1]))).toThrow(
      expect.objectContaining({ name: 'SpotTraceNameError' }),
    )
  })

  it('loads a folder recursively, naming the kind by the path under the root', () => {
    const root = mkdtempSync(join(tmpdir(), 'spot-traces-'))
    mkdirSync(join(root, 'preemption', '4-node', 'set'), { recursive: true })
    writeFileSync(join(root, 'preemption', '4-node', 'set', 'us-east-2a_v100_1.json'), formatSpotTrace(300, [4, 4, 2]))
    writeFileSync(join(root, 'preemption', '4-node', 'set', 'README.txt'), 'not a trace')
    const traces = loadSpotTraces([join(root, 'preemption')], root)
    expect(traces).toHaveLength(1)
    expect(traces[0]).toMatchObject({
      kind: 'preemption',
      zone: 'us-east-2a',
      source: 'preemption/4-node/set/us-east-2a_v100_1.json',
    })
  })
})

describe('fleet from traces', () => {
  const a = parseSpotTrace('availability/us-east-1a_v100_1.json', formatSpotTrace(100, [1, 1, 0, 0, 1, 1]))
  const b = parseSpotTrace('availability/us-west-2a_v100_1.json', formatSpotTrace(100, [1, 1, 1, 1], [0.5, 0.5, 1, 1]))

  it('has a spot pool per trace, on-demand per region and type, and ends with the shortest trace', () => {
    const fleet = fleetFromTraces([b, a], { capacityScale: 3 })
    expect(fleet.pools.map((p) => [p.market, p.zone])).toEqual([
      ['spot', 'us-east-1a'],
      ['spot', 'us-west-2a'],
      ['on-demand', 'us-east-1 (on-demand)'],
      ['on-demand', 'us-west-2 (on-demand)'],
    ])
    expect(fleet.horizon).toBe(400)
    const [spotA, spotB, od] = fleet.pools
    expect(spotA!.type.name).toBe('p3.2xlarge')
    expect(capacityAt(spotA!, 250)).toBe(0)
    expect(capacityAt(spotA!, 450)).toBe(3)
    expect(capacityAt(od!, 0)).toBe(Number.POSITIVE_INFINITY)
    // No price in the file: a flat 30 % of on-demand; with prices: the path, integrated exactly.
    expect(priceAt(spotA!, 0)).toBeCloseTo(0.3 * 3.06)
    expect(priceAt(spotB!, 250)).toBe(1)
    expect(costOf(spotB!, 150, 250)).toBeCloseTo((0.5 * 50 + 1 * 50) / 3600)
    expect(costOf(od!, 0, 3600)).toBeCloseTo(3.06)
  })

  it('lists capacity changes only where a count changes, with each pool at the window start first', () => {
    const fleet = fleetFromTraces([a])
    expect(capacityChanges(fleet, 50, 600)).toEqual([
      { time: 50, pool: 0, capacity: 1 },
      { time: 200, pool: 0, capacity: 0 },
      { time: 400, pool: 0, capacity: 1 },
    ])
  })

  it('adds providers and instance types from a fleet file, and refuses what it does not know', () => {
    const init = parseFleetFile(
      JSON.stringify({
        spotShare: 0.4,
        instanceTypes: {
          l4_1: {
            name: 'g6.xlarge',
            cloud: 'aws',
            gpu: { model: 'L4', count: 1, vramGb: 24 },
            onDemandPerHour: 0.8,
            bootSeconds: 70,
          },
        },
        providers: [
          {
            cloud: 'hetzner',
            region: 'eu-central',
            zone: 'fsn1-dc14',
            instanceType: 'l4_1',
            machines: 2,
            pricePerHour: 0.6,
          },
        ],
      }),
    )
    const l4 = parseSpotTrace('availability/us-east-1a_l4_1.json', formatSpotTrace(60, [1]))
    const fleet = fleetFromTraces([l4], init)
    expect(priceAt(fleet.pools[0]!, 0)).toBeCloseTo(0.32)
    const provider = fleet.pools.find((p) => p.market === 'provider')!
    expect(provider).toMatchObject({ cloud: 'hetzner', zone: 'fsn1-dc14', capacity: { kind: 'fixed', machines: 2 } })
    expect(() => parseFleetFile('{"spotshare":0.3}')).toThrow(expect.objectContaining({ name: 'InvalidTraceSetError' }))
    expect(() => fleetFromTraces([l4])).toThrow(expect.objectContaining({ name: 'UnknownInstanceTypeError' }))
    expect(() => fleetFromTraces([a, a])).toThrow(/two traces/)
    expect(() => fleetFromTraces([])).toThrow(expect.objectContaining({ name: 'InvalidTraceSetError' }))
  })
})
