import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { serializeKeypair } from '@synkti/market'
import { KeypairExistsError } from '../errors.js'

export interface KeygenResult {
  path: string
  address: string
}

/** A new operator key in solana-keygen's file format; an existing file is never overwritten. */
export async function keygen(path: string): Promise<KeygenResult> {
  const keypair = Keypair.generate()
  await mkdir(dirname(path), { recursive: true })
  try {
    await writeFile(path, serializeKeypair(keypair), { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new KeypairExistsError(path)
    throw err
  }
  return { path, address: keypair.publicKey.toBase58() }
}
