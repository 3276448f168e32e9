import { fileURLToPath } from 'node:url'

/** The repository root (localnet/src/ts/ is three levels down). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** Where `npm run localnet` keeps its ledger (gitignored). */
export const DEFAULT_LEDGER_DIR = `${REPO_ROOT}.localnet`
export const DEFAULT_RPC_PORT = 8899
/** From spawn to the binary's "ready" line (the bank starts in about a second). */
export const START_TIMEOUT_MS = 60_000
export const HEALTH_TIMEOUT_MS = 10_000
/** SIGTERM first; SIGKILL if the clean shutdown takes longer than this. */
export const STOP_GRACE_MS = 10_000
