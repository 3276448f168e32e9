import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { SHA256_HEX } from '../constants.js'
import { InvalidSha256Error, ModelFileNotFoundError, WeightsHashMismatchError } from '../errors.js'

/** The sha256 in canonical form (lowercase hex); anything else is InvalidSha256Error. */
export function parseSha256(value: string): string {
  const hex = value.trim().toLowerCase()
  if (!SHA256_HEX.test(hex)) throw new InvalidSha256Error(value)
  return hex
}

export interface FileDigest {
  sha256: string
  bytes: number
}

/** Streams the file through sha256 (1 MiB reads); ModelFileNotFoundError when it cannot be opened. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<FileDigest> {
  const hash = createHash('sha256')
  let bytes = 0
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) {
      hash.update(chunk as Buffer)
      bytes += (chunk as Buffer).length
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new ModelFileNotFoundError(path, `no readable model file at ${path} (${code})`, { cause: error })
    }
    throw error
  }
  return { sha256: hash.digest('hex'), bytes }
}

/** Hashes the file and throws WeightsHashMismatchError unless it is `sha256`. */
export async function verifyFile(path: string, sha256: string, signal?: AbortSignal): Promise<FileDigest> {
  const expected = parseSha256(sha256)
  const digest = await hashFile(path, signal)
  if (digest.sha256 !== expected) throw new WeightsHashMismatchError(expected, digest.sha256, `file ${path}`)
  return digest
}
