import { PublicKey } from '@solana/web3.js'
import type { MarketClient } from '@synkti/market'
import type { PreflightEnv } from '../preflight/index.js'
import { modelDir, type NodeConfig } from './config.js'
import { NodeWeights } from './weights.js'

/**
 * The preflight's view of a node: its config, its chain client, (when running) its peers, and
 * its model cache and weights sources (`weights`; made from the config when not given; a running
 * node's include its peers).
 */
export function preflightEnv(
  config: NodeConfig,
  client: MarketClient,
  peers?: { connected: () => number; bootstrap: number },
  weights: Pick<NodeWeights, 'cache' | 'preflightSources'> = new NodeWeights(config),
): PreflightEnv {
  return {
    keypairPath: config.keypair,
    market: new PublicKey(config.market),
    client,
    provider: new PublicKey(config.provider),
    ...(peers !== undefined ? { peers } : {}),
    // with no command allowed, the `process` runtime is the node's own Node.js: it runs model jobs' engine
    runtimeCommand: config.allowCommands[0] ?? process.execPath,
    declared: config.capability,
    modelDir: modelDir(config),
    ...(config.weightsSource !== undefined ? { weightsSource: config.weightsSource } : {}),
    weights: { cache: weights.cache, sources: weights.preflightSources },
    timeoutMs: config.preflightTimeoutMs,
  }
}

export { modelDir }
