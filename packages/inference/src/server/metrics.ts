import { Counter, Gauge, Registry } from 'prom-client'
import { METRICS } from '../constants.js'
import type { OpenAIFinishReason } from './openai.js'

export interface EngineLoad {
  running: number
  waiting: number
}

export interface EngineMetrics {
  registry: Registry
  promptTokens(count: number): void
  generationTokens(count: number): void
  finished(reason: OpenAIFinishReason): void
}

/**
 * vLLM's scheduler gauges and token counters under vLLM's names and `model_name` label, so the
 * node's prognostics (which sum `vllm:num_requests_running` and `…_waiting` over labels) and
 * dashboards built for vLLM read this engine unchanged.
 */
export function createEngineMetrics(model: string, load: () => EngineLoad): EngineMetrics {
  const registry = new Registry()
  const labels = { model_name: model }
  new Gauge({
    name: METRICS.running,
    help: 'Number of requests currently running on GPU.',
    labelNames: ['model_name'],
    registers: [registry],
    collect() {
      this.set(labels, load().running)
    },
  })
  new Gauge({
    name: METRICS.waiting,
    help: 'Number of requests waiting to be processed.',
    labelNames: ['model_name'],
    registers: [registry],
    collect() {
      this.set(labels, load().waiting)
    },
  })
  const prompt = new Counter({
    name: METRICS.promptTokens,
    help: 'Number of prefill tokens processed.',
    labelNames: ['model_name'],
    registers: [registry],
  })
  const generation = new Counter({
    name: METRICS.generationTokens,
    help: 'Number of generation tokens processed.',
    labelNames: ['model_name'],
    registers: [registry],
  })
  const success = new Counter({
    name: METRICS.requestSuccess,
    help: 'Count of successfully processed requests.',
    labelNames: ['model_name', 'finished_reason'],
    registers: [registry],
  })
  // Present from the start at 0, as vLLM's are, so a scraper sees the series before traffic.
  prompt.inc(labels, 0)
  generation.inc(labels, 0)
  return {
    registry,
    promptTokens: (count) => prompt.inc(labels, count),
    generationTokens: (count) => generation.inc(labels, count),
    finished: (reason) => success.inc({ ...labels, finished_reason: reason }),
  }
}
