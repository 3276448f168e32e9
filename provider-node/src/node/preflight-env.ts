import { join } from 'node:path'
import { PublicKey } from '@solana/web3.js'
import type { MarketClient } from '@synkti/market'
import type { PreflightEnv } from '../preflight/index.js'
import type { NodeConfig } from './config.js'

/** The preflight's view of a node: its config, its chain client and (when running) its peers. */
export function preflightEnv(
  config: NodeConfig,
  client: MarketClient,
  peers?: { connected: () => number; bootstrap: number },
): PreflightEnv {
  return {
    keypairPath: config.keypair,
    market: new PublicKey(config.market),
    client,
    provider: new PublicKey(config.provider),
    ...(peers !== undefined ? { peers } : {}),
    runtimeCommand: config.allowCommands[0] ?? 'vllm',
    declared: config.capability,
    modelDir: modelDir(config),
    ...(config.weightsSource !== undefined ? { weightsSource: config.weightsSource } : {}),
    timeoutMs: config.preflightTimeoutMs,
  }
}

export function modelDir(config: NodeConfig): string {
  return config.modelDir ?? join(config.stateDir, 'models')
}
