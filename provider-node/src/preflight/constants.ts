import type { CheckId, Operation } from './types.js'

/**
 * Per-probe timeout. Every probe answers within it, so `doctor` and the checks before each
 * operation never hang on a dead RPC, a silent daemon or a stuck driver.
 */
export const PREFLIGHT_PROBE_TIMEOUT_MS = 3_000

/**
 * Fees the operator needs on hand: an attestation costs 5_000 lamports, so 0.01 SOL pays for
 * about 2_000 of them (days of settlement at the default attestation interval).
 */
export const MIN_OPERATOR_LAMPORTS = 10_000_000

/** What the remedy asks for when the operator is short of SOL. */
export const FEE_TOP_UP_SOL = 1

/**
 * nvidia-smi reports usable memory, a little under the marketing figure (an "80GB" H100 shows
 * 81559 MiB); a GPU counts as having the declared VRAM when within this fraction of it.
 */
export const VRAM_TOLERANCE = 0.05

/** Free space `start` wants on the model disk even with no job yet: logs and a small model. */
export const MIN_FREE_DISK_GB = 1

export const GIB = 1024 ** 3
export const GB = 1e9
export const LAMPORTS_PER_SOL = 1_000_000_000

/**
 * What each operation requires. `start` checks what the node declares; the lease operations
 * check what the job needs. `spawn` (restarting a job this node already holds) needs no chain;
 * `migrate` (taking over a peer's lease) needs everything accepting does, plus peers for the hand-off.
 */
export const OPERATION_CHECKS: Record<Operation, readonly CheckId[]> = {
  start: ['keypair', 'rpc', 'registered', 'active', 'stake', 'sol', 'peers', 'runtime', 'engine', 'gpu', 'disk'],
  'accept-lease': [
    'keypair',
    'rpc',
    'registered',
    'active',
    'stake',
    'sol',
    'runtime',
    'engine',
    'gpu',
    'disk',
    'weights',
  ],
  spawn: ['runtime', 'engine', 'gpu', 'disk', 'weights'],
  migrate: [
    'keypair',
    'rpc',
    'registered',
    'active',
    'stake',
    'sol',
    'peers',
    'runtime',
    'engine',
    'gpu',
    'disk',
    'weights',
  ],
}

export const CHECK_TITLES: Record<CheckId, string> = {
  keypair: 'operator keypair readable',
  rpc: 'Solana RPC reachable',
  registered: 'operator registered in the market',
  active: 'provider active',
  stake: 'stake at the market minimum',
  sol: 'SOL for transaction fees',
  peers: 'P2P peers reachable',
  runtime: 'job runtime present',
  engine: 'inference engine for model jobs',
  gpu: 'GPU with the needed VRAM',
  disk: 'disk space for the model',
  weights: 'model weights present or fetchable',
}
