import { InvalidScenarioError } from './errors.js'

/**
 * The scenario grid: five factors, three levels each, 3^5 = 243 scenarios. The values of each
 * level are documented here and in the README; the report prints them too.
 */
export type Level = 'low' | 'mid' | 'high'
export const LEVEL_NAMES: readonly Level[] = ['low', 'mid', 'high']

export type Factor = 'model' | 'bandwidth' | 'volatility' | 'preemption' | 'load'
export const FACTORS: readonly Factor[] = ['model', 'bandwidth', 'volatility', 'preemption', 'load']

export interface ModelSpec {
  name: string
  sizeGb: number
}

/** Models served in each model-size level (weights in GB, fp16 unless noted). */
export const MODEL_LEVELS: Record<Level, readonly ModelSpec[]> = {
  low: [
    { name: 'mistral-7b', sizeGb: 15 },
    { name: 'llama-3.1-8b', sizeGb: 16 },
    { name: 'qwen2.5-14b', sizeGb: 28 },
  ],
  mid: [
    { name: 'llama-3.1-70b-awq', sizeGb: 40 },
    { name: 'mixtral-8x7b-fp8', sizeGb: 48 },
    { name: 'qwen2.5-32b', sizeGb: 64 },
  ],
  high: [
    { name: 'llama-3.1-70b', sizeGb: 140 },
    { name: 'mixtral-8x22b-fp8', sizeGb: 141 },
    { name: 'qwen2.5-72b', sizeGb: 145 },
  ],
}

/** Download bandwidth of a node for model weights, GB/s (1, 5 and 20 Gbit/s). */
export const BANDWIDTH_LEVELS: Record<Level, number> = { low: 0.125, mid: 0.625, high: 2.5 }

/** Spot price volatility: σ of the log price's mean-reverting (OU) process, per √hour. */
export const VOLATILITY_LEVELS: Record<Level, number> = { low: 0.05, mid: 0.15, high: 0.4 }

/** Spot preemption rate per instance-hour (about one per 14 days, 3 days, 17 hours). */
export const PREEMPTION_LEVELS: Record<Level, number> = { low: 0.003, mid: 0.015, high: 0.06 }

/**
 * Load: mean concurrent jobs as a share of the spot capacity that fits them, and each job's
 * request rate (requests/s), which prices its downtime.
 */
export const LOAD_LEVELS: Record<Level, { utilisation: number; requestsPerSecond: number }> = {
  low: { utilisation: 0.3, requestsPerSecond: 1 },
  mid: { utilisation: 0.6, requestsPerSecond: 4 },
  high: { utilisation: 0.9, requestsPerSecond: 10 },
}

export type Scenario = Record<Factor, Level>

/** Index in [0, 243): factors in FACTORS order, base 3, model most significant. */
export function scenarioIndex(s: Scenario): number {
  return FACTORS.reduce((acc, f) => acc * 3 + LEVEL_NAMES.indexOf(s[f]), 0)
}

export function scenarioAt(index: number): Scenario {
  if (!Number.isInteger(index) || index < 0 || index >= 243) throw new InvalidScenarioError(String(index))
  const s = {} as Scenario
  let rest = index
  for (let k = FACTORS.length - 1; k >= 0; k--) {
    s[FACTORS[k]!] = LEVEL_NAMES[rest % 3]!
    rest = Math.floor(rest / 3)
  }
  return s
}

export const GRID: readonly Scenario[] = Array.from({ length: 243 }, (_, i) => scenarioAt(i))

export const scenarioId = (s: Scenario): string => FACTORS.map((f) => `${f}=${s[f]}`).join(',')

/** Parses "model=high,load=low" (unnamed factors are mid) or a grid index "0".."242". */
export function parseScenario(spec: string): Scenario {
  if (/^\d+$/.test(spec)) return scenarioAt(Number(spec))
  const s: Scenario = { model: 'mid', bandwidth: 'mid', volatility: 'mid', preemption: 'mid', load: 'mid' }
  if (spec.trim() === '') return s
  for (const part of spec.split(',')) {
    const [k, v, extra] = part.split('=').map((x) => x.trim())
    if (extra !== undefined || !FACTORS.includes(k as Factor) || !LEVEL_NAMES.includes(v as Level)) {
      throw new InvalidScenarioError(spec)
    }
    s[k as Factor] = v as Level
  }
  return s
}
