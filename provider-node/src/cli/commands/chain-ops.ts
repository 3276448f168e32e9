import { PublicKey } from '@solana/web3.js'
import { loadKeypair, type MarketClient } from '@synkti/market'
import type { NodeConfig } from '../../node/config.js'
import { assertStakeTokens } from './provider-account.js'

export interface TxReport {
  provider: string
  signature: string
}

/** Deposits `amount` more stake (signed by the authority, which owns the stake). */
export async function stake(
  client: MarketClient,
  config: NodeConfig,
  amount: bigint,
  authorityPath = config.keypair,
): Promise<TxReport & { staked: bigint }> {
  const authority = await loadKeypair(authorityPath)
  const provider = new PublicKey(config.provider)
  const { market } = await client.fetchProvider(provider)
  // the tokens must be there: a missing stake account would otherwise be the program's AccountNotInitialized
  await assertStakeTokens(client, authority.publicKey, (await client.fetchMarket(market)).stakeMint, amount)
  const { signature } = await client.depositStake({ authority, provider, amount })
  const account = await client.fetchProvider(provider)
  return { provider: config.provider, signature, staked: account.staked }
}

/** A paused provider takes leases again (the operator key may do this). */
export async function resume(client: MarketClient, config: NodeConfig): Promise<TxReport> {
  const signer = await loadKeypair(config.keypair)
  const { signature } = await client.resumeProvider({ signer, provider: new PublicKey(config.provider) })
  return { provider: config.provider, signature }
}
