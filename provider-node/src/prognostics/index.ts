/**
 * Prognostics in the loop: the node samples its memory, GPU and request series, reports
 * periods and time to threshold in its status, and asks for a pre-warmed spare when the risk
 * of a failure within the spare's warm-up window is high.
 *
 * @example
 * ```ts
 * import { createPrognosticsLoop, detectGpuSampler, memorySampler, requestsSampler } from '@synkti/provider-node'
 *
 * const gpu = await detectGpuSampler() // null without nvidia-smi
 * await using prognostics = createPrognosticsLoop({
 *   samplers: [memorySampler(), ...(gpu ? [gpu] : []), requestsSampler({ url: job.endpoint })],
 *   hazard: (within, now) => hazardModel.probabilityWithin(key, now, within),
 *   onSpareNeeded: (report) => preWarmSpare(report), // pre-select and pre-warm a spare via P2P
 * })
 * prognostics.start()
 * prognostics.status() // { series, risk, spareRequested } → NodeStatus.prognostics
 * ```
 */
export {
  DEFAULT_CAPACITY,
  DEFAULT_CLEAR_AT,
  DEFAULT_GPU_THRESHOLD,
  DEFAULT_MEMORY_THRESHOLD,
  DEFAULT_RAISE_AT,
  DEFAULT_REQUESTS_THRESHOLD,
  DEFAULT_SAMPLE_INTERVAL_MS,
  DEFAULT_WARMUP_SEC,
} from './constants.js'
export {
  InvalidHysteresisError,
  InvalidPrognosticsOptionError,
  MetricNotFoundError,
  MetricsEndpointError,
  NvidiaSmiOutputError,
} from './errors.js'
export { createPrognosticsLoop, type PrognosticsLoop, type PrognosticsLoopInit } from './loop.js'
export {
  type AnalysisInit,
  analyseSeries,
  combineRisk,
  crossingProbability,
  type Hysteresis,
  hysteresis,
  nextSpareState,
  type PrognosticsReport,
  prognosticsReport,
  type SeriesAnalysis,
  type SeriesInput,
  type SeriesName,
} from './report.js'
export { SampleRing, type TimedSample } from './ring.js'
export {
  detectGpuSampler,
  GPU_QUERY_ARGS,
  type GpuReading,
  gaugeTotal,
  memorySampler,
  parseGpuQuery,
  requestsSampler,
  type Sampler,
} from './samplers.js'
