import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadKeypair, serializeKeypair } from '../src/index.js'

describe('loadKeypair', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synkti-keypair-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('loads the 64-byte JSON array solana-keygen writes', async () => {
    const kp = Keypair.generate()
    const path = join(dir, 'id.json')
    await writeFile(path, serializeKeypair(kp))
    await chmod(path, 0o600)
    expect((await loadKeypair(path)).publicKey).toEqual(kp.publicKey)
  })

  it('names a missing file', async () => {
    const path = join(dir, 'absent.json')
    await expect(loadKeypair(path)).rejects.toMatchObject({ name: 'KeypairFileMissingError', path })
  })

  it('names a file that cannot be read', async () => {
    // A directory exists but cannot be read as a file (works as root too, unlike chmod 000).
    await expect(loadKeypair(dir)).rejects.toMatchObject({ name: 'KeypairFileUnreadableError', path: dir })
  })

  it.each([
    ['not JSON', 'hello', /not JSON/],
    ['a short array', JSON.stringify([1, 2, 3]), /64 numbers/],
    ['a non-byte', JSON.stringify([...Array(63).fill(1), 256]), /byte/],
    [
      'a secret whose public half does not match',
      JSON.stringify([...Keypair.generate().secretKey.slice(0, 32), ...Keypair.generate().publicKey.toBytes()]),
      /does not match/,
    ],
  ])('names a malformed file: %s', async (_what, text, reason) => {
    const path = join(dir, 'bad.json')
    await writeFile(path, text)
    const err = await loadKeypair(path).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'KeypairFileMalformedError', path })
    expect((err as Error).message).toMatch(reason)
  })
})
