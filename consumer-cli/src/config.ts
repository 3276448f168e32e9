/**
 * Global options resolved the Solana CLI's way: `-u` takes a cluster moniker or a URL, `-k` a
 * keypair file with `~` expanded; the market and the bootstrap peers come from flags or the
 * environment. Pure: the environment and the home directory are parameters.
 */
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { PublicKey } from '@solana/web3.js'
import {
  CLUSTER_SHORTHANDS,
  CLUSTER_URLS,
  type ClusterMoniker,
  DEFAULT_CLUSTER,
  DEFAULT_KEYPAIR_PATH,
  ENV,
} from './constants.js'
import {
  InvalidAddressError,
  InvalidAmountError,
  InvalidBootstrapAddressError,
  InvalidUrlError,
  MarketNotSetError,
} from './errors.js'

/** The options every command accepts, as commander hands them over. */
export interface GlobalFlags {
  url?: string
  keypair?: string
  market?: string
  bootstrap?: string[]
  json?: boolean
}

export interface Cluster {
  /** the moniker when one was used, else 'custom' */
  moniker: ClusterMoniker | 'custom'
  url: string
}

export interface Config {
  cluster: Cluster
  keypairPath: string
  /** undefined until a command needs it: `requireMarket` then names what is missing */
  market: PublicKey | undefined
  bootstrap: string[]
  json: boolean
}

export type Env = Readonly<Record<string, string | undefined>>

export function resolveCluster(value: string = DEFAULT_CLUSTER): Cluster {
  const moniker = CLUSTER_SHORTHANDS[value] ?? value
  if (moniker in CLUSTER_URLS) {
    const known = moniker as ClusterMoniker
    return { moniker: known, url: CLUSTER_URLS[known] }
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidUrlError(value)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidUrlError(value)
  return { moniker: 'custom', url: value }
}

/** `~` and `~/…` are the home directory; relative paths are relative to `cwd`. */
export function resolveKeypairPath(
  value: string = DEFAULT_KEYPAIR_PATH,
  home = homedir(),
  cwd = process.cwd(),
): string {
  if (value === '~') return home
  if (value.startsWith('~/')) return join(home, value.slice(2))
  return isAbsolute(value) ? value : resolve(cwd, value)
}

export function parseAddress(what: string, value: string): PublicKey {
  try {
    const key = new PublicKey(value)
    // PublicKey accepts any base58 that decodes to ≤ 32 bytes; an address is exactly its base58.
    if (key.toBase58() !== value) throw new Error('not canonical')
    return key
  } catch {
    throw new InvalidAddressError(what, value)
  }
}

const U64_MAX = (1n << 64n) - 1n

/** A positive u64 amount of base units; `_` may group digits (1_000_000). */
export function parseAmount(what: string, value: string): bigint {
  const digits = value.replaceAll('_', '')
  if (!/^[0-9]+$/.test(digits)) throw new InvalidAmountError(what, value)
  const amount = BigInt(digits)
  if (amount === 0n || amount > U64_MAX) throw new InvalidAmountError(what, value)
  return amount
}

export function resolveMarket(flag: string | undefined, env: Env): PublicKey | undefined {
  const value = flag ?? env[ENV.market]
  if (value === undefined || value === '') return undefined
  return parseAddress(flag !== undefined ? '--market' : ENV.market, value)
}

export function requireMarket(config: Pick<Config, 'market'>): PublicKey {
  if (config.market === undefined) throw new MarketNotSetError()
  return config.market
}

/** Flags win over SYNKTI_BOOTSTRAP; every address must name its peer (`/p2p/<id>`). */
export function resolveBootstrap(flags: string[] | undefined, env: Env): string[] {
  const list =
    flags !== undefined && flags.length > 0 ? flags.flatMap((f) => f.split(',')) : (env[ENV.bootstrap] ?? '').split(',')
  const addresses = list.map((a) => a.trim()).filter((a) => a !== '')
  for (const address of addresses) {
    let peer: string | null
    try {
      peer = multiaddr(address).getPeerId()
    } catch (err) {
      throw new InvalidBootstrapAddressError(address, (err as Error).message)
    }
    if (peer === null) throw new InvalidBootstrapAddressError(address, 'no /p2p/<peer id> at the end')
  }
  return addresses
}

export function resolveConfig(flags: GlobalFlags, env: Env, home = homedir(), cwd = process.cwd()): Config {
  return {
    cluster: resolveCluster(flags.url),
    keypairPath: resolveKeypairPath(flags.keypair, home, cwd),
    market: resolveMarket(flags.market, env),
    bootstrap: resolveBootstrap(flags.bootstrap, env),
    json: flags.json === true,
  }
}
