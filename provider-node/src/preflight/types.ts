/**
 * The Banker's check: what each operation requires, what was observed, and the verdict.
 * Observations are plain data (what a probe saw); verdicts are `CheckResult`s computed from
 * them by pure functions, so every verdict can be tested without the machine it describes.
 */
import type { Market, Provider } from '@synkti/market'
import type { Runtime } from '@synkti/planner'

/** When the node runs the check. `migrate` is the taking-over side of a hand-off. */
export type Operation = 'start' | 'accept-lease' | 'spawn' | 'migrate'

export type CheckId =
  | 'keypair'
  | 'rpc'
  | 'registered'
  | 'active'
  | 'stake'
  | 'sol'
  | 'peers'
  | 'runtime'
  | 'engine'
  | 'gpu'
  | 'disk'
  | 'weights'

/**
 * `failed` blocks the operation and names the command that fixes it; `unverified` does not block
 * (the item could not be observed here, e.g. no nvidia-smi, and the declared value is taken);
 * `skipped` blocks too but is not a fault of its own: an item it depends on failed
 * (no stake check without a reachable RPC), so the operator sees one cause, not five.
 */
export type CheckStatus =
  | { kind: 'ok' }
  | { kind: 'failed'; remedy: string }
  | { kind: 'unverified'; note: string }
  | { kind: 'skipped'; because: CheckId }

export interface CheckResult {
  id: CheckId
  title: string
  /** How it was observed and what was seen, e.g. `getBalance(8xY…) = 0.002 SOL via http://127.0.0.1:8899`. */
  observed: string
  status: CheckStatus
}

export interface PreflightReport {
  operation: Operation
  /** No check failed or was skipped; `unverified` items do not block. */
  ok: boolean
  checks: CheckResult[]
  /** Unix milliseconds when the report was made. */
  at: number
  /**
   * The job a lease operation was checked for, by name; `null`: none was named (`doctor` without
   * `--spec`), so no job's weights were checked. Absent for `start`.
   */
  job?: string | null
}

// ── observations: what the probes saw ─────────────────────────────────────────

export type KeypairObservation =
  | { kind: 'loaded'; path: string; address: string }
  | { kind: 'missing'; path: string }
  | { kind: 'unreadable'; path: string; reason: string }
  | { kind: 'malformed'; path: string; reason: string }

export type RpcObservation =
  | { kind: 'reachable'; url: string; version: string; slot: number }
  | { kind: 'unreachable'; url: string; reason: string }

/** The operator's registration in the market. */
export type RegistrationObservation =
  | { kind: 'registered'; url: string; market: Market; provider: Provider }
  | { kind: 'unregistered'; url: string; market: Market; operator: string }
  /** The configured provider exists but names another operator key: the wrong keypair file, or a rotated key. */
  | { kind: 'other-operator'; url: string; market: Market; provider: Provider; operator: string }
  | { kind: 'market-missing'; url: string; market: string }
  | { kind: 'unreadable'; url: string; reason: string }

export type BalanceObservation =
  | { kind: 'read'; url: string; address: string; lamports: number }
  | { kind: 'unreadable'; url: string; address: string; reason: string }

export type PeersObservation =
  | { kind: 'counted'; connected: number; bootstrap: number }
  /** The caller has no libp2p node (e.g. `doctor` does not join the network). */
  | { kind: 'not-running' }

export type RuntimeObservation =
  | { kind: 'command-found'; runtime: Runtime; command: string; path: string }
  | { kind: 'command-missing'; runtime: Runtime; command: string }
  | { kind: 'engine-ready'; engine: ContainerEngine; version: string }
  | { kind: 'engine-daemon-down'; engine: ContainerEngine; detail: string }
  | { kind: 'no-engine'; tried: ContainerEngine[] }

export type ContainerEngine = 'docker' | 'podman'

export interface ObservedGpu {
  name: string
  memoryMiB: number
}

export type GpuObservation =
  | { kind: 'observed'; command: string; gpus: ObservedGpu[] }
  | { kind: 'tool-absent'; command: string }
  | { kind: 'tool-failed'; command: string; detail: string }

export type DiskObservation =
  | { kind: 'read'; path: string; freeBytes: number; totalBytes: number }
  | { kind: 'unreadable'; path: string; reason: string }

/**
 * The engines a model job could run on here: llama.cpp's `synkti-engine` (shipped with the node)
 * and vLLM where its command is on PATH.
 */
export interface EngineObservation {
  /** `synkti-engine`'s entry point, and whether it is there */
  llamacpp: { bin: string; present: boolean }
  /** `vllm` on PATH, or null */
  vllm: string | null
}

/** One source's answer about a model job's weights, by error name (WeightsNotFoundError, WeightsSourceError, ...). */
export interface WeightsSourceAnswer {
  source: string
  error: string
  message: string
}

export type WeightsObservation =
  /** No job was named (`doctor` for a lease operation without `--spec`): no weights to look for. */
  | { kind: 'no-job' }
  | { kind: 'not-needed'; model: string }
  /** A model job's weights (named by sha256) are in the node's content-addressed cache. */
  | { kind: 'cached'; sha256: string; path: string }
  /** Not cached, but a configured source holds them (checked without fetching: HeadObject). */
  | { kind: 'in-source'; sha256: string; path: string; source: string; sizeBytes: number | null }
  /** Not cached and no source holds them (or none could be asked, or none is configured). */
  | { kind: 'unavailable'; sha256: string; path: string; answers: WeightsSourceAnswer[] }
  /** The name would resolve outside the model directory (`../../etc`): never read, never fetched. */
  | { kind: 'invalid-name'; model: string; modelDir: string }
  | { kind: 'present'; model: string; path: string; files: number; bytes: number }
  | { kind: 'fetchable'; model: string; url: string }
  /** Not on disk and no hub configured: the weights must be put there by hand. */
  | { kind: 'absent'; model: string; path: string }
  | { kind: 'gated'; model: string; url: string; status: number }
  | { kind: 'not-found'; model: string; path: string; url: string }
  | { kind: 'source-unreachable'; model: string; path: string; url: string; reason: string }
