/**
 * @packageDocumentation
 * Starts synkti-localnet (the Synkti program on a real Solana bank behind JSON-RPC and the
 * pub-sub websocket, on 127.0.0.1) from TypeScript, for test suites and scripts.
 *
 * @example
 * ```ts
 * import { startLocalnet } from '@synkti/localnet'
 * const net = await startLocalnet({ reset: true })
 * const connection = new Connection(net.rpcUrl, { wsEndpoint: net.wsUrl, commitment: 'confirmed' })
 * // ...
 * await net.stop()
 * ```
 */
export { buildLocalnet, localnetBinary } from './build.js'
export { DEFAULT_LEDGER_DIR, DEFAULT_RPC_PORT, REPO_ROOT } from './constants.js'
export { LocalnetBuildError, LocalnetHealthTimeoutError, LocalnetStartError } from './errors.js'
export {
  DEFAULT_FAUCET_KEYPAIR,
  type FaucetInit,
  FaucetKeypairError,
  FaucetMarketError,
  FaucetOnMainnetError,
  type FaucetReport,
  FaucetRpcUnreachableError,
  FaucetTransactionError,
  FaucetUsageError,
  faucet,
  loadFaucetKeypair,
  NotMintAuthorityError,
} from './faucet.js'
export { faucetCli } from './faucet-cli.js'
export { type RunningLocalnet, type StartLocalnetInit, startLocalnet } from './spawn.js'
