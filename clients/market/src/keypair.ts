/** Solana keypair files: a JSON array of the 64 bytes of secret and public key (solana-keygen's format). */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Keypair } from '@solana/web3.js'
import {
  KeypairExistsError,
  KeypairFileMalformedError,
  KeypairFileMissingError,
  KeypairFileUnreadableError,
} from './errors.js'

export async function loadKeypair(path: string): Promise<Keypair> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new KeypairFileMissingError(path)
    throw new KeypairFileUnreadableError(path, err)
  }
  return parseKeypair(path, text)
}

export function parseKeypair(path: string, text: string): Keypair {
  let bytes: unknown
  try {
    bytes = JSON.parse(text)
  } catch {
    throw new KeypairFileMalformedError(path, 'not JSON')
  }
  if (!Array.isArray(bytes) || bytes.length !== 64) {
    throw new KeypairFileMalformedError(path, 'expected a JSON array of 64 numbers')
  }
  if (!bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new KeypairFileMalformedError(path, 'every element must be a byte (0..255)')
  }
  try {
    return Keypair.fromSecretKey(Uint8Array.from(bytes))
  } catch (err) {
    throw new KeypairFileMalformedError(path, `public half does not match the secret (${(err as Error).message})`)
  }
}

/** The file form of a keypair, as solana-keygen writes it. */
export function serializeKeypair(keypair: Keypair): string {
  return JSON.stringify(Array.from(keypair.secretKey))
}

/**
 * A new keypair written to `path` in solana-keygen's format (mode 0600), the directory made if
 * missing. An existing file is never overwritten (KeypairExistsError): it may hold the only copy
 * of a funded key. `synkti keygen` and `synkti-provider keygen` both write through here.
 */
export async function createKeypairFile(path: string): Promise<{ path: string; address: string }> {
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
