import { Command } from 'commander'
import { gridCommand } from './grid.js'
import { type CliIo, processIo } from './io.js'
import { runCommand } from './run.js'
import { serviceCommand } from './service.js'
import { traceCommand } from './trace.js'

export function createProgram(io: CliIo = processIo): Command {
  return new Command('synkti-sim')
    .description('Discrete-event simulation of a GPU fleet under spot preemptions, comparing failover policies')
    .addCommand(runCommand(io))
    .addCommand(gridCommand(io))
    .addCommand(traceCommand(io))
    .addCommand(serviceCommand(io))
}
