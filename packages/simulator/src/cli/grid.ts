import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command, Option } from 'commander'
import { runGrid } from '../grid.js'
import { policyByName } from '../policies.js'
import { buildReport } from '../report.js'
import type { CliIo } from './io.js'
import { progressBar } from './io.js'
import { daysOption, loadTrace, policyOption, seedOption, traceOption } from './options.js'

export interface GridCliOptions {
  out: string
  seed: number
  days: number
  workers?: number
  trace?: string
  policy?: string[]
}

export async function gridAction(io: CliIo, opts: GridCliOptions): Promise<void> {
  const trace = loadTrace(opts.trace)
  const started = performance.now()
  const options: Parameters<typeof runGrid>[0] = {
    seed: opts.seed,
    days: opts.days,
    onProgress: progressBar(io, 'grid'),
  }
  if (opts.workers !== undefined) options.workers = opts.workers
  if (trace !== undefined) options.trace = trace
  if (opts.policy !== undefined) options.policies = opts.policy.map(policyByName)
  const results = await runGrid(options)
  const seconds = (performance.now() - started) / 1000
  const meta: Parameters<typeof buildReport>[1] = { seed: opts.seed, days: opts.days, seconds }
  if (opts.trace !== undefined) meta.trace = opts.trace
  const report = buildReport(results, meta)
  mkdirSync(opts.out, { recursive: true })
  writeFileSync(join(opts.out, 'report.md'), report.markdown)
  for (const [name, text] of Object.entries(report.files)) writeFileSync(join(opts.out, name), text)
  io.stdout(
    `wrote ${join(opts.out, 'report.md')} and ${Object.keys(report.files).length} files (${seconds.toFixed(1)} s)\n`,
  )
}

export function gridCommand(io: CliIo, action = gridAction): Command {
  return new Command('grid')
    .description('run the 243-scenario grid and write report.md, plots and scenarios.csv')
    .requiredOption('--out <dir>', 'directory for the report')
    .addOption(policyOption())
    .addOption(seedOption())
    .addOption(daysOption())
    .addOption(traceOption())
    .addOption(
      new Option('--workers <n>', 'worker threads (0: run in this thread)').argParser((v) => {
        const n = Number(v)
        if (!Number.isInteger(n) || n < 0) throw new Error('workers must be a non-negative integer')
        return n
      }),
    )
    .action((opts: GridCliOptions) => action(io, opts))
}
