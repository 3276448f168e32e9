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

/** The program's label limit (MAX_LABEL_LEN): GPU model, region and zone are 1 to 32 bytes on chain. */
export const MAX_LABEL_BYTES = 32

/**
 * A region or zone as clouds write them (`eu-central`, `eu-central-1a`, `fsn1-dc14`, `GRA11`):
 * letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 32 bytes. Consumers
 * filter on the exact string (`synkti providers --region eu-central`), so nothing looser is taken.
 */
export function regionLabel(option: string, value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value) || Buffer.byteLength(value) > MAX_LABEL_BYTES) {
    throw new InvalidCliValueError(
      option,
      value,
      `a region or zone name as the cloud writes it (e.g. eu-central, eu-central-1a, fsn1-dc14): letters, digits, - _ . and at most ${MAX_LABEL_BYTES} bytes`,
    )
  }
  return value
}

/** A GPU model (e.g. H100, L4, RTX 4090): 1 to 32 bytes, no surrounding spaces. */
export function gpuLabel(option: string, value: string): string {
  if (value.trim() !== value || value === '' || Buffer.byteLength(value) > MAX_LABEL_BYTES || /[\n\r\t]/.test(value)) {
    throw new InvalidCliValueError(option, value, `a GPU model of 1 to ${MAX_LABEL_BYTES} bytes, e.g. H100`)
  }
  return value
}

/** A whole number of base units greater than zero (a transfer of nothing is refused before it is sent). */
export function positiveAmount(option: string, value: string): bigint {
  const n = amount(option, value)
  if (n === 0n) throw new InvalidCliValueError(option, value, 'a whole number of base units greater than 0')
  return n
}
