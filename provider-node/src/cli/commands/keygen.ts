import { createKeypairFile } from '@synkti/market'

export interface KeygenResult {
  path: string
  address: string
}

/** A new operator key in solana-keygen's file format; an existing file is never overwritten (KeypairExistsError). */
export function keygen(path: string): Promise<KeygenResult> {
  return createKeypairFile(path)
}
