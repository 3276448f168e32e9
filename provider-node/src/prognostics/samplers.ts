/**
 * Thin readers of the node's own series: memory (os), GPU memory (nvidia-smi, only where it
 * exists: never faked) and the job's request load (its Prometheus /metrics, vLLM's gauges).
 */
import { execFile } from 'node:child_process'
import { freemem, totalmem } from 'node:os'
import { promisify } from 'node:util'
import {
  DEFAULT_GPU_THRESHOLD,
  DEFAULT_MEMORY_THRESHOLD,
  DEFAULT_REQUESTS_THRESHOLD,
  SAMPLE_TIMEOUT_MS,
  VLLM_RUNNING,
  VLLM_WAITING,
} from './constants.js'
import { MetricNotFoundError, MetricsEndpointError, NvidiaSmiOutputError } from './errors.js'
import type { SeriesName } from './report.js'

const exec = promisify(execFile)

export interface Sampler {
  name: SeriesName
  threshold: number
  direction?: 'above' | 'below'
  /** The current value; rejects when the source cannot be read (the round skips it). */
  read(): Promise<number>
}

/**
 * Memory in use, percent of total. `system`: the machine (what the OOM killer looks at);
 * `process`: this process's RSS (a node that leaks).
 */
export function memorySampler(init: { threshold?: number; source?: 'system' | 'process' } = {}): Sampler {
  const source = init.source ?? 'system'
  return {
    name: 'memory',
    threshold: init.threshold ?? DEFAULT_MEMORY_THRESHOLD,
    read: async () => {
      const total = totalmem()
      const used = source === 'system' ? total - freemem() : process.memoryUsage.rss()
      return (100 * used) / total
    },
  }
}

export interface GpuReading {
  utilizationPct: number
  memoryUsedMiB: number
  memoryTotalMiB: number
}

/** The query the GPU sampler runs; one CSV line per GPU. */
export const GPU_QUERY_ARGS = [
  '--query-gpu=utilization.gpu,memory.used,memory.total',
  '--format=csv,noheader,nounits',
] as const

/** Parses `nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`. */
export function parseGpuQuery(text: string): GpuReading[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const fields = line.split(',').map((f) => Number(f.trim()))
      const [utilizationPct, memoryUsedMiB, memoryTotalMiB] = fields
      if (
        fields.length !== 3 ||
        !fields.every(Number.isFinite) ||
        memoryTotalMiB === undefined ||
        memoryTotalMiB <= 0 ||
        utilizationPct === undefined ||
        memoryUsedMiB === undefined
      ) {
        throw new NvidiaSmiOutputError(line)
      }
      return { utilizationPct, memoryUsedMiB, memoryTotalMiB }
    })
}

/**
 * GPU memory in use, percent, of the fullest GPU (the one that runs out first), or null when
 * `nvidia-smi` is absent or finds no GPU: a machine without a GPU has no GPU series.
 */
export async function detectGpuSampler(init: { command?: string; threshold?: number } = {}): Promise<Sampler | null> {
  const command = init.command ?? 'nvidia-smi'
  const query = async (): Promise<GpuReading[]> => {
    const { stdout } = await exec(command, [...GPU_QUERY_ARGS], { timeout: SAMPLE_TIMEOUT_MS })
    return parseGpuQuery(stdout)
  }
  try {
    if ((await query()).length === 0) return null
  } catch {
    // Not installed, no driver, or no device: no GPU series.
    return null
  }
  return {
    name: 'gpu',
    threshold: init.threshold ?? DEFAULT_GPU_THRESHOLD,
    read: async () => Math.max(...(await query()).map((g) => (100 * g.memoryUsedMiB) / g.memoryTotalMiB)),
  }
}

/**
 * Sum of a gauge over all its label sets in Prometheus text exposition, or undefined when the
 * gauge is absent. Comment lines and other metrics are skipped.
 */
export function gaugeTotal(text: string, name: string): number | undefined {
  let total: number | undefined
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const rest = line.slice(name.length)
    // The name must end here: `{labels} value` or ` value` (not a longer metric with this prefix).
    const match = /^(?:\{[^}]*\})?\s+(\S+)/.exec(rest)
    if (match === null) continue
    const value = Number(match[1])
    if (Number.isFinite(value)) total = (total ?? 0) + value
  }
  return total
}

/** Requests running + waiting on the job's OpenAI-compatible server (vLLM's scheduler gauges). */
export function requestsSampler(init: { url: string; threshold?: number }): Sampler {
  const url = `${init.url.replace(/\/$/, '')}/metrics`
  return {
    name: 'requests',
    threshold: init.threshold ?? DEFAULT_REQUESTS_THRESHOLD,
    read: async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(SAMPLE_TIMEOUT_MS) })
      if (response.status !== 200) throw new MetricsEndpointError(url, response.status)
      const text = await response.text()
      let sum = 0
      for (const gauge of [VLLM_RUNNING, VLLM_WAITING]) {
        const value = gaugeTotal(text, gauge)
        if (value === undefined) throw new MetricNotFoundError(gauge, url)
        sum += value
      }
      return sum
    },
  }
}
