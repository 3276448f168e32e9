/** Defaults of the node's prognostics, each with the reason for its value. */

/** Samples kept per series: an hour at the default 10 s interval (enough for periods of up to 30 min). */
export const DEFAULT_CAPACITY = 360

/** Time between two rounds of sampling. */
export const DEFAULT_SAMPLE_INTERVAL_MS = 10_000

/** Rounds between two analyses: ARIMA fits take up to a second per series, once a minute is enough for a 10 min warm-up. */
export const DEFAULT_ANALYSE_EVERY = 6

/**
 * Time a spare needs to be ready (select it over P2P, start the job, load the model): the
 * window in which a failure must be foreseen to be absorbed. Loading a large model takes minutes.
 */
export const DEFAULT_WARMUP_SEC = 600

/**
 * The risk window as a multiple of the warm-up: a spare asked for when the crossing is likely
 * within one warm-up is late by design; half a warm-up more covers the time to the next
 * analysis and the forecast's error (bench/spare-lead.ts measures the lead it buys).
 */
export const WINDOW_WARMUPS = 1.5

/** Forecast horizon as a multiple of the warm-up window: far enough to see a crossing coming. */
export const HORIZON_WARMUPS = 2

/** Longest forecast in steps; beyond this ARIMA intervals are too wide to say anything. */
export const MAX_FORECAST_STEPS = 240

/** Fewest samples before an ARIMA is fitted (a few dozen points for a p, q ≤ 2 model). */
export const MIN_FORECAST_SAMPLES = 30

/** Fewest samples before periods are searched (@synkti/prognostics' spectrum minimum). */
export const MIN_PERIOD_SAMPLES = 16

/** Memory in use, percent of total, above which the OOM killer is near. */
export const DEFAULT_MEMORY_THRESHOLD = 90

/** GPU memory in use, percent of total: vLLM preallocates 90 % (gpu_memory_utilization), so 97 % is past it. */
export const DEFAULT_GPU_THRESHOLD = 97

/** Requests running + waiting: vLLM's default max_num_seqs is 256; beyond it requests only queue. */
export const DEFAULT_REQUESTS_THRESHOLD = 256

/** Risk from which a spare is requested. */
export const DEFAULT_RAISE_AT = 0.5

/** Risk below which the request is withdrawn: the gap to `raiseAt` keeps the request from flapping. */
export const DEFAULT_CLEAR_AT = 0.3

/** Timeout of one sampler read (nvidia-smi, the job's /metrics): a hung source must not stall the round. */
export const SAMPLE_TIMEOUT_MS = 2_000

/** vLLM's scheduler gauges (vllm/engine/metrics.py): requests being decoded and queued. */
export const VLLM_RUNNING = 'vllm:num_requests_running'
export const VLLM_WAITING = 'vllm:num_requests_waiting'
