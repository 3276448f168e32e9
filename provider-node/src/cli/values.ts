import { homedir } from 'node:os'
import { join } from 'node:path'
import { PublicKey } from '@solana/web3.js'
import { DEFAULT_RPC_URL } from '@synkti/market'
import { InvalidCliValueError } from './errors.js'

/** Solana CLI monikers for -u/--url. */
const CLUSTERS: Record<string, string> = {
  localnet: DEFAULT_RPC_URL,
  l: DEFAULT_RPC_URL,
  devnet: 'https://api.devnet.solana.com',
  d: 'https://api.devnet.solana.com',
  'mainnet-beta': 'https://api.mainnet-beta.solana.com',
  m: 'https://api.mainnet-beta.solana.com',
  testnet: 'https://api.testnet.solana.com',
  t: 'https://api.testnet.solana.com',
}

export function rpcUrl(value: string): string {
  const url = CLUSTERS[value] ?? value
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new InvalidCliValueError('--url', value, 'localnet, devnet, mainnet-beta, testnet or an http(s) URL')
  }
  return url
}

export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path
}

export function amount(option: string, value: string): bigint {
  if (!/^(0|[1-9][0-9]{0,19})$/.test(value) || BigInt(value) >= 2n ** 64n) {
    throw new InvalidCliValueError(option, value, 'a whole number of base units')
  }
  return BigInt(value)
}

export function positive(option: string, value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidCliValueError(option, value, 'a positive number')
  return n
}

export function publicKey(option: string, value: string): PublicKey {
  try {
    return new PublicKey(value)
  } catch {
    throw new InvalidCliValueError(option, value, 'a base58 public key')
  }
}
