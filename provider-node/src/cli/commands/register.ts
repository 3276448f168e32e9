import { join } from 'node:path'
import { type Keypair, PublicKey } from '@solana/web3.js'
import { loadKeypair, type MarketClient, type Provider, providerAddress } from '@synkti/market'
import { solanaAddressToPeerId } from '@synkti/p2p'
import type { Capability } from '@synkti/planner'
import { type NodeConfig, type NodeConfigInput, saveNodeConfig } from '../../node/config.js'
import { chooseListenAddresses } from '../../node/listen.js'
import {
  AuthorityKeyRequiredError,
  ConfigBelongsToOtherProviderError,
  OperatorMismatchError,
  StakeBelowMinimumError,
} from '../errors.js'
import {
  assertStakeTokens,
  authoritySigner,
  chainCapabilities,
  ensureTokenAccount,
  fetchProviderOrNull,
  providerChanges,
} from './provider-account.js'

export interface RegisterOptions {
  client: MarketClient
  rpcUrl: string
  market: PublicKey
  operatorPath: string
  /** cold wallet owning the stake; default the operator key (or, run again, the provider's own authority) */
  authorityPath?: string
  /** the provider's number under its authority (one per machine of a fleet); default 0 */
  index?: number
  capability: Capability
  pricePerSecond: bigint
  /** total stake wanted in the provider's vault (base units); the difference is deposited */
  stake: bigint
  configPath: string
  /** the config already at `configPath` (a run again): its provider is the one this run is for */
  existing?: NodeConfig
  stateDir?: string
  /** node settings given as flags; those left out keep the existing config's value */
  node?: Partial<NodeConfigInput>
}

export interface RegisterResult {
  provider: string
  operator: string
  authority: string
  registered: 'now' | 'already'
  /** chain fields brought to what was asked (update_provider): pricePerSecond, region, ... */
  updated: string[]
  deposited: bigint
  staked: bigint
  status: Provider['status']['kind']
  config: string
  /** the P2P listen addresses in the config: the node's address from its first run on */
  listen: string[]
  /** the node's libp2p peer id (the operator key): `<listen>/p2p/<peerId>` is its bootstrap address */
  peerId: string
  signatures: string[]
}

/** The operator key a config speaks for: its keypair file's, else the chain's operator of its provider. */
async function configOperator(client: MarketClient, config: NodeConfig): Promise<PublicKey | null> {
  try {
    return (await loadKeypair(config.keypair)).publicKey
  } catch {
    const onChain = await fetchProviderOrNull(client, new PublicKey(config.provider))
    return onChain?.operator ?? null
  }
}

/**
 * Registers the operator in the market (once), brings the chain's price and capabilities to what
 * was asked (update_provider), the stake up to `stake`, and writes the node's config. Run again,
 * it changes only what differs and is for the config's provider only: another key, market or
 * authority over an existing config is `ConfigBelongsToOtherProviderError`. Everything that could
 * refuse (keys, stake tokens, the market's minimum) is checked before the first transaction.
 */
export async function register(o: RegisterOptions): Promise<RegisterResult> {
  const operator = await loadKeypair(o.operatorPath)
  const index = o.index ?? 0
  const given = o.authorityPath === undefined ? undefined : await loadKeypair(o.authorityPath)
  const existing = o.existing

  // Which provider this run is for: the config's, unless a cold authority says otherwise.
  let provider: PublicKey
  if (given !== undefined) provider = providerAddress(o.market, given.publicKey, index)
  else if (existing !== undefined && existing.market === o.market.toBase58())
    provider = new PublicKey(existing.provider)
  else provider = providerAddress(o.market, operator.publicKey, index)

  if (existing !== undefined) {
    const differences: string[] = []
    if (existing.market !== o.market.toBase58()) differences.push(`it is for market ${existing.market}`)
    if (existing.provider !== provider.toBase58()) {
      differences.push(`its provider is ${existing.provider}, this one would be ${provider.toBase58()}`)
    }
    const theirs = await configOperator(o.client, existing)
    if (theirs !== null && !theirs.equals(operator.publicKey)) {
      differences.push(`its operator is ${theirs.toBase58()}, the key given is ${operator.publicKey.toBase58()}`)
    }
    if (differences.length > 0) throw new ConfigBelongsToOtherProviderError(o.configPath, differences)
  }

  const [market, onChain] = await Promise.all([o.client.fetchMarket(o.market), fetchProviderOrNull(o.client, provider)])
  if (onChain !== null && !onChain.operator.equals(operator.publicKey)) {
    throw new OperatorMismatchError(
      provider.toBase58(),
      onChain.operator.toBase58(),
      operator.publicKey.toBase58(),
      o.operatorPath,
    )
  }
  const staked = onChain?.staked ?? 0n
  if ((o.stake > staked ? o.stake : staked) < market.minStake) {
    throw new StakeBelowMinimumError(o.stake, market.minStake, o.market.toBase58())
  }
  const deposit = o.stake > staked ? o.stake - staked : 0n
  const capabilities = chainCapabilities(o.capability)
  const updated = onChain === null ? [] : providerChanges(onChain, { capabilities, price: o.pricePerSecond })

  // The authority signs registration, updates and deposits: -a, else the operator key.
  let authority: Keypair | undefined
  if (onChain === null) {
    authority = given ?? operator
    if (!providerAddress(o.market, authority.publicKey, index).equals(provider)) {
      throw new AuthorityKeyRequiredError(
        provider.toBase58(),
        'the key it was registered under',
        "registering the config's provider again (it is not on this chain)",
        authority.publicKey.toBase58(),
      )
    }
  } else if (updated.length > 0 || deposit > 0n) {
    const what = [updated.length > 0 ? `changing ${updated.join(', ')}` : '', deposit > 0n ? 'depositing stake' : '']
      .filter(Boolean)
      .join(' and ')
    authority = authoritySigner(onChain, given !== undefined ? [given] : [operator], what)
  }
  if (authority !== undefined) await assertStakeTokens(o.client, authority.publicKey, market.stakeMint, deposit)

  const signatures: string[] = []
  let registered: RegisterResult['registered'] = 'already'
  if (onChain === null && authority !== undefined) {
    // The payout account must exist before the provider names it (an empty one is enough).
    const payout = await ensureTokenAccount(o.client, authority, authority.publicKey, market.mint)
    if (payout.signature !== undefined) signatures.push(payout.signature)
    const { signature } = await o.client.registerProvider({
      authority,
      market: o.market,
      operator,
      index,
      capabilities,
      pricePerSecond: o.pricePerSecond,
      payout: payout.account,
    })
    signatures.push(signature)
    registered = 'now'
  } else if (updated.length > 0 && authority !== undefined) {
    const { signature } = await o.client.updateProvider({
      authority,
      provider,
      capabilities,
      pricePerSecond: o.pricePerSecond,
    })
    signatures.push(signature)
  }
  if (deposit > 0n && authority !== undefined) {
    const { signature } = await o.client.depositStake({ authority, provider, amount: deposit })
    signatures.push(signature)
  }
  // the P2P address is chosen once and kept: peers and consumers bootstrap through it
  const listen = o.node?.listen ?? existing?.listen ?? (await chooseListenAddresses())
  await saveNodeConfig(o.configPath, {
    ...existing,
    keypair: o.operatorPath,
    rpcUrl: o.rpcUrl,
    market: o.market.toBase58(),
    provider: provider.toBase58(),
    stateDir: o.stateDir ?? existing?.stateDir ?? join(o.configPath, '..', 'state'),
    capability: o.capability,
    pricePerSecond: o.pricePerSecond.toString(),
    listen,
    ...o.node,
  })
  const after = await o.client.fetchProvider(provider)
  return {
    provider: provider.toBase58(),
    operator: operator.publicKey.toBase58(),
    authority: after.authority.toBase58(),
    registered,
    updated,
    deposited: deposit,
    staked: after.staked,
    status: after.status.kind,
    config: o.configPath,
    listen,
    peerId: solanaAddressToPeerId(operator.publicKey.toBase58()).toString(),
    signatures,
  }
}
