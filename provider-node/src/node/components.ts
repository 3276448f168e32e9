import type { Keypair } from '@solana/web3.js'
import type { MarketClient } from '@synkti/market'
import type { loadSolanaKeypair } from '@synkti/p2p'
import type { Registry } from 'prom-client'
import type { NodeContext } from '../context/index.js'
import type { ChainState } from './chain-state.js'
import type { NodeConfig } from './config.js'
import type { NodeLog } from './events.js'
import type { JobManager } from './jobs.js'

/** The operator key as libp2p holds it (Ed25519). */
export type OperatorKey = Awaited<ReturnType<typeof loadSolanaKeypair>>

/**
 * What the node's services share, js-libp2p style: each service names the components it needs
 * (`XxxComponents`, a `Pick` of these plus the other services it calls) and gets them in its
 * constructor, so it can be built and tested apart from the node. Nothing here does I/O when it
 * is constructed; services act in `start()`.
 */
export interface NodeComponents {
  config: NodeConfig
  /** the hot operator key: signs chain transactions */
  operator: Keypair
  /** the same key as libp2p's identity: signs records, status and P2P answers */
  privateKey: OperatorKey
  client: MarketClient
  /** the node's provider account as last read */
  chain: ChainState
  /** the jobs this node runs, keyed by lease */
  jobs: JobManager
  registry: Registry
  /** where the node runs and its role (observed before anything starts) */
  context: NodeContext
  log: NodeLog
}

/**
 * A service's life cycle (js-libp2p's `Startable`, the parts the node uses). The node calls
 * `start()` on each service in its start order, then `afterStart()`; to stop, `beforeStop()` on
 * each (abort what is in flight, stop timers) then `stop()` in its stop order. `stop()` must be
 * safe on a service that never started: a failed start stops everything.
 */
export interface Startable {
  start(): Promise<void> | void
  afterStart?(): Promise<void> | void
  beforeStop?(): Promise<void> | void
  stop(): Promise<void> | void
}

/** The operator's base58 address. */
export function addressOf(components: Pick<NodeComponents, 'operator'>): string {
  return components.operator.publicKey.toBase58()
}
