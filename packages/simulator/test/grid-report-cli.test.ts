import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { gridCommand } from '../src/cli/grid.js'
import type { CliIo } from '../src/cli/io.js'
import { progressBar } from '../src/cli/io.js'
import { runAction, runCommand } from '../src/cli/run.js'
import { traceAction } from '../src/cli/trace.js'
import { buildReport, POLICIES, paired, parseTrace, runGrid, runScenario, scenarioAt } from '../src/index.js'

const capture = (): CliIo & { out: string[]; err: string[] } => {
  const out: string[] = []
  const err: string[] = []
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty: false }
}

describe('runGrid', () => {
  it('gives the same results on worker threads as in this thread, in scenario order', async () => {
    const options = { days: 1, seed: 2, scenarios: [5, 0, 200] }
    const progress: number[] = []
    const here = await runGrid({ ...options, workers: 0 })
    const threads = await runGrid({ ...options, workers: 2, onProgress: (done) => progress.push(done) })
    expect(threads).toEqual(here)
    expect(here.map((r) => r.index)).toEqual([5, 0, 200])
    expect(progress).toEqual([1, 2, 3])
  }, 30_000)
})

describe('buildReport', () => {
  const results = [0, 121, 242].map((i) => runScenario(scenarioAt(i), { days: 1, seed: 3 }))
  const report = buildReport(results, { seed: 3, days: 1, seconds: 1.5 })

  it('states the paired comparison it computed, from the run only', () => {
    const km = results.map((s) => s.runs.find((r) => r.policy === 'km')!.effectiveCostUsd)
    const greedy = results.map((s) => s.runs.find((r) => r.policy === 'greedy')!.effectiveCostUsd)
    const p = paired(km, greedy)
    expect(report.markdown).toContain(
      `KM (optimal assignment) had a lower effective cost than greedy (cheapest feasible) in ${p.wins} of 3 scenarios`,
    )
    expect(report.markdown).toContain('## Paired comparisons')
    expect(report.markdown).toContain('3 scenarios × 5 policies, 1 simulated days each, seed 3')
  })

  it('writes plain SVG plots and a CSV row per scenario and policy', () => {
    for (const name of ['cost-vs-availability.svg', 'paired-improvements.svg']) {
      const svg = report.files[name]!
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
      expect(svg.trim().endsWith('</svg>')).toBe(true)
      expect(svg).not.toContain('NaN')
    }
    // one marker per scenario and policy, plus one per legend entry
    const markers = report.files['cost-vs-availability.svg']!.match(/stroke-width="1.2"/g)
    expect(markers).toHaveLength(3 * POLICIES.length + POLICIES.length)
    expect(report.files['paired-improvements.svg']!.match(/median/g)).toHaveLength(4)
    expect(report.files['scenarios.csv']!.trim().split('\n')).toHaveLength(1 + 3 * POLICIES.length)
  })
})

describe('CLI', () => {
  it('parses run options into the action', async () => {
    const action = vi.fn()
    await runCommand(capture(), action)
      .exitOverride()
      .parseAsync(['--scenario', 'model=high', '--policy', 'km', 'greedy', '--seed', '3', '--days', '2'], {
        from: 'user',
      })
    expect(action.mock.calls[0]![1]).toMatchObject({
      scenario: 'model=high',
      policy: ['km', 'greedy'],
      seed: 3,
      days: 2,
    })
  })

  it('refuses an unknown policy and a missing --out', async () => {
    const io = capture()
    const cmd = runCommand(io, vi.fn())
      .exitOverride()
      .configureOutput({ writeErr: () => {} })
    await expect(cmd.parseAsync(['--scenario', '0', '--policy', 'magic'], { from: 'user' })).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    })
    const grid = gridCommand(io, vi.fn())
      .exitOverride()
      .configureOutput({ writeErr: () => {} })
    await expect(grid.parseAsync([], { from: 'user' })).rejects.toMatchObject({
      code: 'commander.missingMandatoryOptionValue',
    })
  })

  it('runs one scenario and prints a row per policy', () => {
    const io = capture()
    runAction(io, { scenario: 'model=low', seed: 1, days: 1, policy: ['greedy', 'km'] })
    const text = io.out.join('')
    expect(text).toContain('scenario model=low,bandwidth=mid')
    expect(text).toMatch(/\n\s*greedy\s+\d+/)
    expect(text).toMatch(/\n\s*km\s+\d+/)
  })

  it('replays an exported trace, and names a malformed one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synkti-sim-'))
    const file = join(dir, 'trace.csv')
    traceAction(capture(), { scenario: 'preemption=high', out: file, seed: 1, days: 1 })
    expect(parseTrace(readFileSync(file, 'utf8')).length).toBeGreaterThan(0)
    const io = capture()
    runAction(io, { scenario: 'preemption=high', seed: 1, days: 1, trace: file, json: true })
    expect(JSON.parse(io.out.join('')).runs).toHaveLength(POLICIES.length)
    writeFileSync(file, 'when,where\n')
    expect(() => runAction(capture(), { scenario: '0', seed: 1, days: 1, trace: file })).toThrow(
      expect.objectContaining({ name: 'TraceHeaderError' }),
    )
  })

  it('exits with code 2 and the error name on bad input, as a process', () => {
    const bin = fileURLToPath(new URL('../bin/synkti-sim.js', import.meta.url))
    const run = spawnSync(process.execPath, [bin, 'run', '--scenario', 'model=huge'], { encoding: 'utf8' })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('InvalidScenarioError')
  }, 20_000)

  it('draws a progress bar on stderr', () => {
    const io = capture()
    const bar = progressBar(io, 'grid')
    for (let i = 1; i <= 4; i++) bar(i, 4)
    expect(io.err.at(-1)).toBe(`grid [${'#'.repeat(30)}] 4/4\n`)
  })
})
