/**
 * What commands need from the outside world, created lazily from the resolved config: the
 * market client, the wallet, the market, a P2P node, progress output, randomness and time.
 * Commands take these as `deps`, so each can be driven by a test without a terminal.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Keypair } from '@solana/web3.js'
import { loadKeypair, MarketClient } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { type Config, requireMarket } from './config.js'
import { NoBootstrapError } from './errors.js'
import type { Io } from './io.js'

/** Whose key the P2P node uses: the wallet's when the peer must know the consumer (job submission). */
export type PeerIdentity = 'wallet' | 'ephemeral'

export interface Deps {
  config: Config
  client: MarketClient
  wallet(): Promise<Keypair>
  market(): ReturnType<typeof requireMarket>
  /** one node per run: the first call decides its identity */
  p2p(identity?: PeerIdentity): Promise<SynktiNode>
  /** a progress line for humans (stderr); silent with --json */
  progress(line: string): void
  /** resolves after `ms`, rejects when `signal` aborts first */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  now(): number
}

export interface RunContext extends Deps, AsyncDisposable {}

export function createDeps(config: Config, io: Io): RunContext {
  const client = new MarketClient({ rpcUrl: config.cluster.url })
  let wallet: Promise<Keypair> | undefined
  let node: Promise<SynktiNode> | undefined
  const loadWallet = () => {
    wallet ??= loadKeypair(config.keypairPath)
    return wallet
  }
  return {
    config,
    client,
    wallet: loadWallet,
    market: () => requireMarket(config),
    p2p(identity = 'ephemeral') {
      node ??= (async () => {
        // before loading libp2p (seconds): without bootstrap peers there is nothing to join
        if (config.bootstrap.length === 0) throw new NoBootstrapError()
        const key = identity === 'wallet' ? await loadWallet() : Keypair.generate()
        // libp2p loads only for commands that talk to peers
        const { startCliNode } = await import('./p2p.js')
        return startCliNode(key, config.bootstrap)
      })()
      return node
    },
    progress: (line) => {
      if (!config.json) io.stderr(`${line}\n`)
    },
    sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? {} : { signal }),
    now: () => Date.now(),
    async [Symbol.asyncDispose]() {
      const started = await node?.catch(() => undefined)
      await started?.stop()
    },
  }
}
