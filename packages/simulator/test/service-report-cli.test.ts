import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { CliIo } from '../src/cli/io.js'
import { parseSetSpec, serviceAction, serviceCommand } from '../src/cli/service.js'
import {
  buildServiceReport,
  capacityPerDollarVsOnDemand,
  comparePolicies,
  DEFAULT_SERVICE,
  dailyMean,
  fleetFromTraces,
  formatSpotTrace,
  loadSpotTraces,
  runTraceSet,
} from '../src/index.js'

const capture = (): CliIo & { out: string[]; err: string[] } => {
  const out: string[] = []
  const err: string[] = []
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty: false }
}

/** A small trace set in the spot-traces layout: two zones, a day of 10-minute ticks. */
function traceRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'spot-traces-'))
  const dir = join(root, 'availability', '1-node', 'test-set')
  mkdirSync(dir, { recursive: true })
  const day = 144
  const a = Array.from({ length: day }, (_, k) => (k >= 40 && k < 60 ? 0 : 1))
  const b = Array.from({ length: day }, (_, k) => (k >= 90 && k < 100 ? 0 : 1))
  writeFileSync(join(dir, 'us-east-1a_v100_1.json'), formatSpotTrace(600, a))
  writeFileSync(join(dir, 'us-west-2a_v100_1.json'), formatSpotTrace(600, b))
  return root
}

describe('buildServiceReport', () => {
  const root = traceRoot()
  const fleet = fleetFromTraces(loadSpotTraces([join(root, 'availability')], root), {
    name: 'test-set',
    capacityScale: 2,
  })
  const set = runTraceSet(fleet, {
    windows: 6,
    windowDays: 0.25,
    seed: 3,
    service: { ...DEFAULT_SERVICE, replicas: 2 },
  })
  const report = buildServiceReport([set], {
    source: 'a test set',
    seed: 3,
    windows: 6,
    windowDays: 0.25,
    service: { ...DEFAULT_SERVICE, replicas: 2 },
    seconds: 0.1,
    capacityNotes: { 'test-set': '1-node probes × 2' },
  })

  it('has the headline, a table per set and the paired comparisons computed from the run', () => {
    expect(report.markdown).toContain('## Headline: the whole trace of each set')
    expect(report.markdown).toContain('## test-set')
    const c = comparePolicies(set.windows, 'km-return-spread', 'spothedge', 'x')
    expect(c.n).toBe(6)
    expect(report.markdown).toContain(
      `| km-return-spread | spothedge | capacity per $ (× on-demand) | ${c.wins} / ${c.losses} / ${c.ties} | ${c.meanDiff.toFixed(3)} |`,
    )
    for (const name of set.full.runs.map((r) => r.policy))
      expect(report.markdown).toContain(name === 'on-demand' ? 'on-demand only' : '|')
  })

  it('shows the hysteresis trade-off of the claim policy', () => {
    expect(set.hysteresis.map((h) => [h.stableSeconds, h.dwellSeconds])).toEqual([
      [0, 0],
      [600, 600],
      [1800, 3600],
    ])
    expect(report.markdown).toContain('| pool stable for | replica stays |')
    expect(report.markdown).toContain(
      `| 30 min | 60 min | ${capacityPerDollarVsOnDemand(set.hysteresis[2]!.run, set.hysteresis[2]!.onDemand).toFixed(2)} |`,
    )
  })

  it('averages replicas serving per day from the timeline, from the first boot on', () => {
    const run = {
      ...set.full.runs[0]!,
      timeline: [
        [600, 2],
        [86_400 + 600, 1],
      ] as [number, number][],
    }
    expect(dailyMean(run, 2, 2 * 86_400)).toEqual([
      [0, 2],
      [1, (600 * 2 + 85_800) / 86_400],
    ])
  })

  it('draws capacity vs availability, availability over time and the cost split as SVG', () => {
    expect(Object.keys(report.files).sort()).toEqual([
      'availability-over-time.svg',
      'capacity-vs-availability.svg',
      'cost-split.svg',
    ])
    for (const svg of Object.values(report.files)) expect(svg.startsWith('<svg')).toBe(true)
    expect(report.files['cost-split.svg']).toContain('km-return-spread')
  })
})

describe('synkti-sim service', () => {
  it('writes the report for the sets it is given, reading a 1-node set as N machines by default', () => {
    const root = traceRoot()
    const out = join(root, 'report')
    const io = capture()
    serviceAction(io, {
      root,
      set: ['availability/1-node/test-set', 'availability/1-node/test-set@1'],
      replicas: 2,
      spotShare: 0.3,
      bandwidth: 0.625,
      windows: 3,
      windowDays: 0.25,
      seed: 1,
      out,
    })
    const md = readFileSync(join(out, 'report.md'), 'utf8')
    expect(md).toContain('| availability/1-node/test-set | 2 | 1-node probes × 2 |')
    expect(md).toContain('| availability/1-node/test-set @1 | 2 | 1-node probes × 1 |')
    expect(readFileSync(join(out, 'cost-split.svg'), 'utf8')).toContain('<svg')
    expect(io.out.join('')).toContain('wrote')
  })

  it('prints a table per set without --out', () => {
    const io = capture()
    serviceAction(io, {
      root: traceRoot(),
      set: ['availability'],
      replicas: 2,
      spotShare: 0.3,
      bandwidth: 0.625,
      windows: 0,
      windowDays: 1,
      seed: 1,
      policy: ['km'],
    })
    const text = io.out.join('')
    expect(text).toMatch(/on-demand +1\.00/)
    expect(text).toContain('km')
  })

  it('parses its options and set specs', async () => {
    const action = vi.fn()
    await serviceCommand(capture(), action).parseAsync(
      ['--root', 'r', '--set', 'a', 'b@2', '--replicas', '3', '--windows', '5', '--policy', 'km', 'spothedge'],
      { from: 'user' },
    )
    expect(action.mock.calls[0]![1]).toMatchObject({
      root: 'r',
      set: ['a', 'b@2'],
      replicas: 3,
      windows: 5,
      policy: ['km', 'spothedge'],
    })
    expect(parseSetSpec('a/b@4')).toEqual({ path: 'a/b', scale: 4 })
    expect(() => parseSetSpec('a@x')).toThrow(/positive integer/)
  })
})
