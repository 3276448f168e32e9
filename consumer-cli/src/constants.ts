/** Defaults of the `synkti` CLI. Cluster URLs are the Solana CLI's monikers (`solana config set -u`). */

import type { ClusterMoniker } from '@synkti/vocabulary'

export { CLUSTER_SHORTHANDS, CLUSTER_URLS, type ClusterMoniker } from '@synkti/vocabulary'

export const DEFAULT_CLUSTER: ClusterMoniker = 'localnet'

/** Where solana-keygen writes the default wallet, relative to the home directory. */
export const DEFAULT_KEYPAIR_PATH = '~/.config/solana/id.json'

export const ENV = {
  market: 'SYNKTI_MARKET',
  /** comma-separated multiaddrs, each ending in /p2p/<peer id> */
  bootstrap: 'SYNKTI_BOOTSTRAP',
  /** print stack traces of unexpected errors */
  debug: 'SYNKTI_DEBUG',
} as const

/** The CLI only dials out; it listens nowhere (a DHT client, never a server). */
export const CLI_LISTEN_ADDRESSES: string[] = []

/** One P2P request/answer round (dial, DHT query, status); the p2p package's default is 10 s. */
export const P2P_TIMEOUT_MS = 10_000

/** `doctor` gives the RPC this long to answer: an unreachable endpoint must fail fast. */
export const DOCTOR_RPC_TIMEOUT_MS = 3_000

/** Below this a wallet cannot pay the rent and fees of opening a lease (lease + escrow ≈ 0.004 SOL). */
export const MIN_SOL_LAMPORTS = 10_000_000n

/** `job run` without `--deposit` escrows this many seconds at the provider's price. */
export const DEFAULT_DEPOSIT_SECONDS = 3_600n

/** `job run --wait` asks the provider for the job's state this often. */
export const STATUS_POLL_MS = 1_000

/** Slack on top of the spec's `health.readyTimeoutSec` before `--wait` gives up (acceptance, model download). */
export const WAIT_MARGIN_SEC = 60

/** `job logs` without `--follow` prints what arrives until the stream is quiet this long. */
export const LOGS_QUIET_MS = 1_000
