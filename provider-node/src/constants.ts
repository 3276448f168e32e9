import { fileURLToPath } from 'node:url'

/** Defaults of the stand-in inference server; small so that tests stay fast. */
export const STANDIN_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  model: 'synkti/standin-1',
  loadMs: 0,
  tokenMs: 0,
  maxRunning: 4,
} as const

/** OpenAI's default `max_tokens` for /v1/completions. */
export const DEFAULT_MAX_TOKENS = 16
/** Upper bound the stand-in accepts, so that a bad request cannot hold a slot for minutes. */
export const MAX_MAX_TOKENS = 4096

/** How often the supervisor polls a job's health endpoint while it starts. */
export const HEALTH_POLL_INTERVAL_MS = 100
/** Per-probe timeout: a hung endpoint must not stall the readiness loop. */
export const HEALTH_PROBE_TIMEOUT_MS = 1_000
/** Log lines kept for a consumer that reads slower than the child writes. */
export const LOG_BUFFER_CAPACITY = 1_000
/** Log lines quoted in JobExitedEarlyError. */
export const LOG_TAIL_LINES = 20
/** Drain deadline used by `Symbol.asyncDispose` when the caller did not drain. */
export const DEFAULT_DRAIN_DEADLINE_MS = 10_000
/** How long an early-exit report waits for output still in the pipes after the exit. */
export const OUTPUT_GRACE_MS = 250

/**
 * The root of the synkti clone the node runs from: where a command job runs unless the config
 * names `jobCwd`, so a relative path in its args (`provider-node/bin/standin-inference.js`, the
 * stand-in every node ships) means the same file wherever `synkti-provider run` was started.
 */
export const CLONE_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** How often the node reads what a job appended to its output files. */
export const TAIL_POLL_MS = 100

/** How often the node looks whether a job it adopted after a restart (not its child) still runs. */
export const ADOPTED_POLL_MS = 1_000
