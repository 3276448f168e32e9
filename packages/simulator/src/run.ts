import { DEFAULT_DAYS } from './constants.js'
import { type RunResult, simulate } from './engine.js'
import { InvalidRunOptionError } from './errors.js'
import { POLICIES, type Policy } from './policies.js'
import { type Scenario, scenarioId, scenarioIndex } from './scenario.js'
import { createWorld, type FleetEvent } from './world.js'

export interface ScenarioResult {
  index: number
  id: string
  scenario: Scenario
  seed: number
  runs: RunResult[]
}

export interface RunOptions {
  seed?: number
  days?: number
  policies?: readonly Policy[]
  trace?: FleetEvent[]
}

/** The world's seed for a scenario: each scenario differs, every policy in it shares it. */
export const worldSeed = (seed: number, index: number): number => seed * 1_000_003 + index

function checkOptions(options: RunOptions): void {
  const { seed = 1, days = DEFAULT_DAYS } = options
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InvalidRunOptionError(`seed ${seed} (a non-negative integer)`)
  if (!(Number.isFinite(days) && days > 0)) throw new InvalidRunOptionError(`days ${days} (a positive number)`)
}

/** The world a scenario's policies meet. */
export function runScenarioWorld(scenario: Scenario, options: RunOptions = {}) {
  checkOptions(options)
  const horizon = (options.days ?? DEFAULT_DAYS) * 86_400
  return createWorld(scenario, worldSeed(options.seed ?? 1, scenarioIndex(scenario)), horizon, options.trace)
}

/** Runs every policy through one scenario's world (common random numbers across policies). */
export function runScenario(scenario: Scenario, options: RunOptions = {}): ScenarioResult {
  const seed = options.seed ?? 1
  const index = scenarioIndex(scenario)
  const world = runScenarioWorld(scenario, options)
  const runs = (options.policies ?? POLICIES).map((p) => simulate(world, scenario, p))
  return { index, id: scenarioId(scenario), scenario, seed, runs }
}
