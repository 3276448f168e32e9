import { nodeStatusSchema } from '@synkti/jobs'
import { createHazardModel } from '@synkti/prognostics'
import { describe, expect, it } from 'vitest'
import { createPrognosticsLoop, type PrognosticsReport, type Sampler } from '../../src/prognostics/index.js'
import { gaussian, T0 } from './synthetic.js'

/** A sampler replaying a script of values (the test's input), one per read. */
function scripted(name: Sampler['name'], values: number[], threshold: number): Sampler {
  let i = 0
  return { name, threshold, read: async () => values[Math.min(i++, values.length - 1)]! }
}

const STEP_MS = 10_000

describe('createPrognosticsLoop', () => {
  it('asks for a spare once as memory ramps toward its threshold, and withdraws it when the ramp is gone', async () => {
    const z = gaussian(11)
    // 40 rounds rising 0.6 %/round (0.06 %/s) from 40 %, then 40 flat at 30 %.
    const rise = (i: number) => 40 + 0.6 * i
    const values = [
      ...Array.from({ length: 40 }, (_, i) => rise(i) + 0.3 * z()),
      ...Array.from({ length: 40 }, () => 30 + 0.3 * z()),
    ]
    let clock = T0 * 1000
    const needed: PrognosticsReport[] = []
    const cleared: PrognosticsReport[] = []
    const states: boolean[] = []
    await using loop = createPrognosticsLoop({
      samplers: [scripted('memory', values, 90)],
      capacity: 40,
      warmupSec: 600,
      now: () => clock,
      onSpareNeeded: (r) => void needed.push(r),
      onSpareCleared: (r) => void cleared.push(r),
    })
    for (let i = 0; i < values.length; i++) {
      await loop.round()
      states.push(loop.status().spareRequested)
      clock += STEP_MS
    }
    expect(needed).toHaveLength(1)
    expect(cleared).toHaveLength(1)
    const raisedAt = states.indexOf(true)
    // Raised while memory was still far below 90 %: foreseen (from the 30th sample on), not observed.
    expect(raisedAt).toBeGreaterThanOrEqual(29)
    expect(values[raisedAt]!).toBeLessThan(80)
    // ... and in the right window: the trend reaches 90 % within the 600 s warm-up.
    const trueSec = (90 - rise(raisedAt)) / 0.06
    expect(trueSec).toBeLessThan(600)
    const ttt = needed[0]!.series[0]!.timeToThresholdSec!
    expect(ttt.earliest).toBeLessThanOrEqual(trueSec)
    expect(Math.abs(ttt.likely - trueSec)).toBeLessThan(0.15 * trueSec)
    // One rising edge, one falling edge: no flapping in between.
    const edges = states.filter((s, i) => i > 0 && s !== states[i - 1]).length
    expect(edges).toBe(2)
    expect(states.at(-1)).toBe(false)
    expect(loop.samples('memory')).toHaveLength(40)
  })

  it('reports in the NodeStatus shape; the spot hazard alone can ask for a spare, and its decay withdraws it', async () => {
    const hazardModel = createHazardModel()
    const key = { cloud: 'aws', region: 'eu-central-1', zone: 'eu-central-1a', instanceType: 'g5.xlarge' } as const
    hazardModel.observe({ kind: 'up', key, time: T0 - 7_200 })
    hazardModel.observe({ kind: 'up', key, time: T0 - 7_200 })
    // The other instance in our zone got a spot notice 10 s ago: a burst raises our hazard.
    hazardModel.observe({ kind: 'notice', key, time: T0 - 10 })
    let clock = T0 * 1000
    const needed: PrognosticsReport[] = []
    const cleared: PrognosticsReport[] = []
    await using loop = createPrognosticsLoop({
      samplers: [scripted('memory', [40, 41, 40], 90), scripted('requests', [0, 1, 0], 256)],
      hazard: (within, now) => hazardModel.probabilityWithin(key, now, within),
      raiseAt: 0.25,
      clearAt: 0.1,
      now: () => clock,
      onSpareNeeded: (r) => void needed.push(r),
      onSpareCleared: (r) => void cleared.push(r),
    })
    const report = await loop.round()
    // Window: 1.5 × the 600 s warm-up.
    const expected = hazardModel.probabilityWithin(key, T0, 900)
    expect(expected).toBeGreaterThan(0.25)
    expect(report.hazard).toBeCloseTo(expected, 12)
    expect(report.risk).toBeCloseTo(expected, 12) // the series are too short to forecast
    const status = loop.status()
    expect(nodeStatusSchema.shape.prognostics.parse(status)).toEqual(status)
    expect(status.series.map((s) => [s.name, s.samples])).toEqual([
      ['memory', 1],
      ['requests', 1],
    ])
    expect(status.spareRequested).toBe(true)
    expect(needed).toHaveLength(1)

    clock += 3_600_000 // an hour later the burst is over
    const later = await loop.round()
    expect(later.risk).toBeLessThan(0.1)
    expect(loop.status().spareRequested).toBe(false)
    expect(cleared).toHaveLength(1)
  })

  it('a failing sampler skips its sample and is reported; the others go on', async () => {
    const errors: string[] = []
    const broken: Sampler = {
      name: 'gpu',
      threshold: 97,
      read: async () => {
        throw new Error('nvidia-smi hung')
      },
    }
    let clock = T0 * 1000
    await using loop = createPrognosticsLoop({
      samplers: [broken, scripted('memory', [40], 90)],
      now: () => (clock += STEP_MS),
      onSampleError: (name, err) => errors.push(`${name}: ${(err as Error).message}`),
    })
    await loop.round()
    await loop.round()
    expect(errors).toEqual(['gpu: nvidia-smi hung', 'gpu: nvidia-smi hung'])
    expect(loop.samples('gpu')).toEqual([])
    expect(loop.samples('memory')).toHaveLength(2)
  })

  it('timed rounds sample at the interval once started, and stop', async () => {
    let reads = 0
    const counting: Sampler = { name: 'memory', threshold: 90, read: async () => ++reads }
    const loop = createPrognosticsLoop({ samplers: [counting], intervalMs: 5 })
    loop.start()
    while (reads < 3) await new Promise((resolve) => setTimeout(resolve, 5))
    await loop.stop()
    const after = reads
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(reads).toBe(after)
    expect(loop.report()).not.toBeNull()
  })

  it('error: bad options are named', () => {
    expect(() => createPrognosticsLoop({ samplers: [], intervalMs: 0 })).toThrow(
      expect.objectContaining({ name: 'InvalidPrognosticsOptionError', option: 'intervalMs' }),
    )
    expect(() => createPrognosticsLoop({ samplers: [], raiseAt: 0.2, clearAt: 0.4 })).toThrow(
      expect.objectContaining({ name: 'InvalidHysteresisError' }),
    )
  })
})
