import { join } from 'node:path'
import type { Keypair, PublicKey } from '@solana/web3.js'
import { loadKeypair, type MarketClient, providerAddress } from '@synkti/market'
import type { Capability } from '@synkti/planner'
import { type NodeConfigInput, saveNodeConfig } from '../../node/config.js'

export interface RegisterOptions {
  client: MarketClient
  rpcUrl: string
  market: PublicKey
  operatorPath: string
  /** cold wallet owning the stake; default the operator key */
  authorityPath?: string
  /** the provider's number under its authority (one per machine of a fleet); default 0 */
  index?: number
  capability: Capability
  pricePerSecond: bigint
  /** total stake wanted in the provider's vault (base units); the difference is deposited */
  stake: bigint
  configPath: string
  stateDir?: string
  node?: Partial<NodeConfigInput>
}

export interface RegisterResult {
  provider: string
  operator: string
  authority: string
  registered: 'now' | 'already'
  deposited: bigint
  staked: bigint
  config: string
  signatures: string[]
}

/**
 * Registers the operator in the market (once), brings the stake up to `stake`, and writes the
 * node's config. Run again, it changes only what differs: safe to repeat.
 */
export async function register(o: RegisterOptions): Promise<RegisterResult> {
  const operator = await loadKeypair(o.operatorPath)
  const authority: Keypair = o.authorityPath === undefined ? operator : await loadKeypair(o.authorityPath)
  const index = o.index ?? 0
  const provider = providerAddress(o.market, authority.publicKey, index)
  const signatures: string[] = []
  let registered: RegisterResult['registered'] = 'already'
  const existing = await o.client.fetchProvider(provider).catch((err: Error) => {
    if (err.name === 'AccountNotFoundError') return null
    throw err
  })
  if (existing === null) {
    const { signature } = await o.client.registerProvider({
      authority,
      market: o.market,
      operator,
      index,
      capabilities: {
        gpuModel: o.capability.gpu.model,
        gpuCount: o.capability.gpu.count,
        vramGb: o.capability.gpu.vramGb,
        cloud: o.capability.cloud,
        region: o.capability.region,
        zone: o.capability.zone,
        spot: o.capability.spot,
      },
      pricePerSecond: o.pricePerSecond,
    })
    signatures.push(signature)
    registered = 'now'
  }
  const staked = existing?.staked ?? 0n
  const deposit = o.stake > staked ? o.stake - staked : 0n
  if (deposit > 0n) {
    const { signature } = await o.client.depositStake({ authority, provider, amount: deposit })
    signatures.push(signature)
  }
  await saveNodeConfig(o.configPath, {
    keypair: o.operatorPath,
    rpcUrl: o.rpcUrl,
    market: o.market.toBase58(),
    provider: provider.toBase58(),
    stateDir: o.stateDir ?? join(o.configPath, '..', 'state'),
    capability: o.capability,
    pricePerSecond: o.pricePerSecond.toString(),
    ...o.node,
  })
  return {
    provider: provider.toBase58(),
    operator: operator.publicKey.toBase58(),
    authority: authority.publicKey.toBase58(),
    registered,
    deposited: deposit,
    staked: staked + deposit,
    config: o.configPath,
    signatures,
  }
}
