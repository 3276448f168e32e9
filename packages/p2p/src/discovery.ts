import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { fromString } from 'uint8arrays/from-string'
import { DHT_KEY_PREFIX, RAW_CODEC } from './constants.js'

/**
 * Capability keys: what a consumer searches for (market + GPU model + region). A provider
 * announces the CID of each key through content routing; consumers find providers of that CID
 * and then fetch and verify their signed records. No directory anywhere.
 */
export interface CapabilityKey {
  market: string
  gpuModel: string
  region: string
}

export function capabilityKeyString({ market, gpuModel, region }: CapabilityKey): string {
  // Model names are normalised so 'h100' and 'H100' meet at the same CID.
  return `/${DHT_KEY_PREFIX}/capability/${market}/${gpuModel.toUpperCase()}/${region.toLowerCase()}`
}

/** CIDv1, raw codec, sha2-256 of the key string. */
export async function capabilityCid(key: CapabilityKey): Promise<CID> {
  return CID.createV1(RAW_CODEC, await sha256.digest(fromString(capabilityKeyString(key))))
}
