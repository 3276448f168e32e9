/**
 * What the provider commands (register, update, pause, exit, withdraw) share: the provider as
 * the chain has it, the keys allowed to change it, its capabilities in the chain's shape and
 * what differs from the declaration, and the token accounts a change needs.
 */
import type { Keypair, PublicKey } from '@solana/web3.js'
import {
  type Capabilities,
  fundTokenAccountInstructions,
  loadKeypair,
  type MarketClient,
  type Provider,
  tokenBalance,
} from '@synkti/market'
import type { Capability } from '@synkti/planner'
import { isLocalRpc } from '../../preflight/remedies.js'
import { AuthorityKeyRequiredError, StakeTokensMissingError } from '../errors.js'

/** The chain's fields of a declared capability (runtimes, cached models and disk stay off chain). */
export function chainCapabilities(cap: Capability): Capabilities {
  return {
    gpuModel: cap.gpu.model,
    gpuCount: cap.gpu.count,
    vramGb: cap.gpu.vramGb,
    cloud: cap.cloud,
    region: cap.region,
    zone: cap.zone,
    spot: cap.spot,
  }
}

const CAPABILITY_FIELDS = ['gpuModel', 'gpuCount', 'vramGb', 'cloud', 'region', 'zone', 'spot'] as const

/** Which of the chain's capability fields and the price differ from what is wanted. */
export function providerChanges(onChain: Provider, wanted: { capabilities?: Capabilities; price?: bigint }): string[] {
  const changed: string[] = []
  if (wanted.price !== undefined && wanted.price !== onChain.pricePerSecond) changed.push('pricePerSecond')
  if (wanted.capabilities !== undefined) {
    for (const field of CAPABILITY_FIELDS) {
      if (wanted.capabilities[field] !== onChain.capabilities[field]) changed.push(field)
    }
  }
  return changed
}

/** The chain's capabilities with the declared ones that it keeps replaced (for the config). */
export function withChainCapabilities(cap: Capability, chain: Capabilities): Capability {
  return {
    ...cap,
    gpu: { model: chain.gpuModel, count: chain.gpuCount, vramGb: chain.vramGb },
    cloud: chain.cloud === 'other' ? cap.cloud : chain.cloud,
    region: chain.region,
    zone: chain.zone,
    spot: chain.spot,
  }
}

/** The provider account, or null where there is none at the address. */
export async function fetchProviderOrNull(client: MarketClient, address: PublicKey): Promise<Provider | null> {
  return client.fetchProvider(address).catch((err: Error) => {
    if (err.name === 'AccountNotFoundError') return null
    throw err
  })
}

/** Loads `-a` if given; the candidates then are it alone, else the operator key (the default authority). */
export async function authorityCandidates(operator: Keypair, authorityPath?: string): Promise<Keypair[]> {
  return authorityPath === undefined ? [operator] : [await loadKeypair(authorityPath)]
}

/** The signer among `candidates` that is the provider's authority, or a named error saying which key to pass. */
export function authoritySigner(provider: Provider, candidates: Keypair[], what: string): Keypair {
  const signer = candidates.find((k) => k.publicKey.equals(provider.authority))
  if (signer !== undefined) return signer
  throw new AuthorityKeyRequiredError(
    provider.address.toBase58(),
    provider.authority.toBase58(),
    what,
    candidates.map((k) => k.publicKey.toBase58()).join(', '),
  )
}

/** The owner's associated token account of `mint`, created (paid by `payer`) when missing. */
export async function ensureTokenAccount(
  client: MarketClient,
  payer: Keypair,
  owner: PublicKey,
  mint: PublicKey,
): Promise<{ account: PublicKey; signature?: string }> {
  const { account, instructions } = fundTokenAccountInstructions(payer.publicKey, owner, mint)
  if ((await client.connection.getAccountInfo(account)) !== null) return { account }
  const { signature } = await client.send(instructions, [payer])
  return { account, signature }
}

/** Checks, before anything is sent, that the authority holds `need` stake tokens. */
export async function assertStakeTokens(
  client: MarketClient,
  authority: PublicKey,
  stakeMint: PublicKey,
  need: bigint,
): Promise<void> {
  if (need <= 0n) return
  const { account } = fundTokenAccountInstructions(authority, authority, stakeMint)
  const have =
    (await client.connection.getAccountInfo(account)) === null ? 0n : await tokenBalance(client.connection, account)
  if (have < need) {
    throw new StakeTokensMissingError(authority.toBase58(), stakeMint.toBase58(), have, need, isLocalRpc(client.rpcUrl))
  }
}

/** A unix time as ISO 8601 and "in 3 h 20 min" from `now`. */
export function when(at: number, now: number): string {
  const iso = new Date(at * 1000).toISOString()
  const s = at - now
  if (s <= 0) return `${iso} (now)`
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const parts = [d > 0 ? `${d} d` : '', h > 0 ? `${h} h` : '', m > 0 && d === 0 ? `${m} min` : ''].filter(Boolean)
  return `${iso} (in ${parts.join(' ') || 'under a minute'})`
}
