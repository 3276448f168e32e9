import { homedir } from 'node:os'
import { join } from 'node:path'
import type { PublicKey } from '@solana/web3.js'
import { isSolanaAddress, parseU64, rpcUrlOf } from '@synkti/vocabulary'
import { InvalidCliValueError } from './errors.js'

export function rpcUrl(value: string): string {
  const url = rpcUrlOf(value)
  if (url === undefined) {
    throw new InvalidCliValueError(
      '--url',
      value,
      'localnet, devnet, mainnet-beta, testnet (l, d, m, t) or an http(s) URL',
    )
  }
  return url
}

export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path
}

export function amount(option: string, value: string): bigint {
  const n = parseU64(value)
  if (n === undefined) throw new InvalidCliValueError(option, value, 'a whole number of base units')
  return n
}

export function positive(option: string, value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidCliValueError(option, value, 'a positive number')
  return n
}

/**
 * A base58 address as a web3.js PublicKey. Async because web3.js is loaded only here, when a
 * command needs a key: validating flags must not cost the chain client's start-up.
 */
export async function publicKey(option: string, value: string): Promise<PublicKey> {
  if (!isSolanaAddress(value)) throw new InvalidCliValueError(option, value, 'a base58 public key')
  const { PublicKey } = await import('@solana/web3.js')
  return new PublicKey(value)
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
