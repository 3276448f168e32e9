import { compare } from 'uint8arrays/compare'
import { decodeSignedProviderRecord } from './codec.js'
import type { SignedProviderRecord } from './schema.js'

/**
 * Index of the best of several values for one provider key: the highest `seq`; on a tie the
 * later `expiresAt`; then the bytewise-greatest value. Every rule depends on the bytes alone, so
 * all nodes pick the same winner. Undecodable values lose to any decodable one.
 */
export function selectProviderRecord(values: readonly Uint8Array[]): number {
  let best = -1
  let bestDecoded: SignedProviderRecord | undefined
  values.forEach((value, i) => {
    const decoded = tryDecode(value)
    if (decoded === undefined) {
      if (best === -1) best = i
      return
    }
    if (bestDecoded === undefined || isBetter(decoded, value, bestDecoded, values[best] as Uint8Array)) {
      best = i
      bestDecoded = decoded
    }
  })
  return Math.max(best, 0)
}

function isBetter(a: SignedProviderRecord, aBytes: Uint8Array, b: SignedProviderRecord, bBytes: Uint8Array): boolean {
  if (a.record.seq !== b.record.seq) return a.record.seq > b.record.seq
  if (a.record.expiresAt !== b.record.expiresAt) return a.record.expiresAt > b.record.expiresAt
  return compare(aBytes, bBytes) > 0
}

function tryDecode(value: Uint8Array): SignedProviderRecord | undefined {
  try {
    return decodeSignedProviderRecord(value)
  } catch {
    return undefined
  }
}
