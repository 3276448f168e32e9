import { writeFileSync } from 'node:fs'
import { Command } from 'commander'
import { runScenarioWorld } from '../run.js'
import { parseScenario } from '../scenario.js'
import { formatTrace } from '../trace.js'
import type { CliIo } from './io.js'
import { daysOption, seedOption } from './options.js'

export interface TraceCliOptions {
  scenario: string
  out: string
  seed: number
  days: number
}

export function traceAction(io: CliIo, opts: TraceCliOptions): void {
  const world = runScenarioWorld(parseScenario(opts.scenario), { seed: opts.seed, days: opts.days })
  writeFileSync(opts.out, formatTrace(world.events))
  io.stdout(`wrote ${opts.out} (${world.events.length} events)\n`)
}

export function traceCommand(io: CliIo, action = traceAction): Command {
  return new Command('trace')
    .description("export a scenario's synthetic preemptions as a trace CSV (replay it with --trace)")
    .requiredOption('--scenario <spec>', 'factor=level pairs or a grid index')
    .requiredOption('--out <file.csv>', 'where to write the trace')
    .addOption(seedOption())
    .addOption(daysOption())
    .action((opts: TraceCliOptions) => action(io, opts))
}
