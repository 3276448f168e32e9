import bs58 from 'bs58'
import * as z from 'zod'

const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/
const ED25519_PUBLIC_KEY_BYTES = 32

/** A base58 string that decodes to 32 bytes: the shape of every Solana address (on or off the curve). */
export function isSolanaAddress(value: string): boolean {
  if (!BASE58_ADDRESS.test(value)) return false
  try {
    return bs58.decode(value).length === ED25519_PUBLIC_KEY_BYTES
  } catch {
    return false
  }
}

export const solanaAddressSchema = z.string().refine(isSolanaAddress, 'not a base58 Solana address')
