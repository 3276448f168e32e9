import { Command, Option } from 'commander'
import type { RunResult } from '../engine.js'
import { POLICIES, policyByName } from '../policies.js'
import { runScenario } from '../run.js'
import { parseScenario } from '../scenario.js'
import { quantile } from '../stats.js'
import type { CliIo } from './io.js'
import { daysOption, loadTrace, policyOption, seedOption, traceOption } from './options.js'

export interface RunCliOptions {
  scenario: string
  policy?: string[]
  seed: number
  days: number
  trace?: string
  json?: boolean
}

export function runAction(io: CliIo, opts: RunCliOptions): void {
  const scenario = parseScenario(opts.scenario)
  const options: Parameters<typeof runScenario>[1] = { seed: opts.seed, days: opts.days }
  options.policies = opts.policy === undefined ? POLICIES : opts.policy.map(policyByName)
  const trace = loadTrace(opts.trace)
  if (trace !== undefined) options.trace = trace
  const result = runScenario(scenario, options)
  if (opts.json === true) {
    io.stdout(`${JSON.stringify(result)}\n`)
    return
  }
  io.stdout(`scenario ${result.id} (index ${result.index}), seed ${opts.seed}, ${opts.days} days\n`)
  const head = [
    'policy',
    'spend $',
    'effective $',
    '$/served GPU-h',
    'served',
    'dropped',
    'migrations',
    'failover p50/p95 s',
  ]
  const rows = result.runs.map((r) => row(r))
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)))
  for (const r of [head, ...rows]) io.stdout(`${r.map((c, k) => c.padStart(widths[k]!)).join('  ')}\n`)
}

function row(r: RunResult): string[] {
  const fo = r.failovers.map((f) => f.seconds).sort((a, b) => a - b)
  return [
    r.policy,
    r.spendUsd.toFixed(0),
    r.effectiveCostUsd.toFixed(0),
    r.costPerServedGpuHour.toFixed(3),
    `${(100 * r.servedFraction).toFixed(2)}%`,
    r.requestsDropped.toFixed(0),
    String(r.migrations),
    fo.length ? `${quantile(fo, 0.5).toFixed(0)}/${quantile(fo, 0.95).toFixed(0)}` : '-',
  ]
}

export function runCommand(io: CliIo, action = runAction): Command {
  return new Command('run')
    .description('run one scenario through the policies and print their results')
    .requiredOption(
      '--scenario <spec>',
      'factor=level pairs, e.g. model=high,bandwidth=low (others mid), or a grid index 0-242',
    )
    .addOption(policyOption())
    .addOption(seedOption())
    .addOption(daysOption())
    .addOption(traceOption())
    .addOption(new Option('--json', 'print the result as one JSON object'))
    .action((opts: RunCliOptions) => action(io, opts))
}
