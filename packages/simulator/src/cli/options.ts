import { readFileSync } from 'node:fs'
import { InvalidArgumentError, Option } from 'commander'
import { DEFAULT_DAYS } from '../constants.js'
import { POLICIES } from '../policies.js'
import { parseTrace } from '../trace.js'
import type { FleetEvent } from '../world.js'

/** Options shared by the commands, declared once. */

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`)
    return n
  }
}

export const seedOption = () => new Option('--seed <n>', 'seed of the run').argParser(positiveInt('seed')).default(1)
export const daysOption = () =>
  new Option('--days <n>', 'simulated days per scenario')
    .argParser((v) => {
      const n = positiveInt('days')(v)
      if (n === 0) throw new InvalidArgumentError('days must be at least 1')
      return n
    })
    .default(DEFAULT_DAYS)
export const traceOption = () =>
  new Option('--trace <file.csv>', 'availability/preemption trace replacing the synthetic process')
export const policyOption = () =>
  new Option('--policy <names...>', 'policies to run (default: all)').choices(POLICIES.map((p) => p.name))

export function loadTrace(file: string | undefined): FleetEvent[] | undefined {
  return file === undefined ? undefined : parseTrace(readFileSync(file, 'utf8'))
}
