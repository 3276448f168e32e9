import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import bs58 from 'bs58'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  loadSolanaKeypair,
  peerIdToSolanaAddress,
  publicKeyFromSolanaAddress,
  solanaAddressToPeerId,
  writeSolanaKeypair,
} from '../src/index.js'
import { newKey } from './helpers.js'

// RFC 8032 §7.1, test 1: an independent seed → public key vector.
const RFC8032_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'
const RFC8032_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'

describe('operator key = libp2p identity', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synkti-p2p-'))
  })

  const file = async (name: string, content: string) => {
    const path = join(dir, name)
    await writeFile(path, content)
    return path
  }
  const solanaFile = (seedHex: string, publicHex: string) =>
    JSON.stringify([...Buffer.from(seedHex, 'hex'), ...Buffer.from(publicHex, 'hex')])

  it('loads a Solana keypair file; its peer id maps to the same base58 address', async () => {
    const key = await loadSolanaKeypair(await file('rfc.json', solanaFile(RFC8032_SEED, RFC8032_PUBLIC)))
    expect(Buffer.from(key.publicKey.raw).toString('hex')).toBe(RFC8032_PUBLIC)
    const address = bs58.encode(Buffer.from(RFC8032_PUBLIC, 'hex'))
    const peerId = peerIdFromPrivateKey(key)
    expect(peerIdToSolanaAddress(peerId)).toBe(address)
    expect(solanaAddressToPeerId(address).equals(peerId)).toBe(true)
  })

  it('a signature made through libp2p verifies against the Solana address', async () => {
    const key = await loadSolanaKeypair(await file('rfc2.json', solanaFile(RFC8032_SEED, RFC8032_PUBLIC)))
    const message = new TextEncoder().encode('one key signs transactions and records')
    const signature = await key.sign(message)
    const address = peerIdToSolanaAddress(peerIdFromPrivateKey(key))
    expect(await publicKeyFromSolanaAddress(address).verify(message, signature)).toBe(true)
  })

  it('writes the Solana CLI format and reads it back to the same key', async () => {
    const key = await newKey()
    const path = join(dir, 'written.json')
    await writeSolanaKeypair(path, key)
    const bytes = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path, 'utf8')))
    expect(bytes).toHaveLength(64)
    expect((await loadSolanaKeypair(path)).equals(key)).toBe(true)
  })

  it.each([
    ['a missing file', async () => join(dir, 'nope.json'), 'KeypairFileNotFoundError'],
    ['a directory', async () => dir, 'KeypairFileUnreadableError'],
    ['not JSON', () => file('a.json', '[1,2,'), 'MalformedKeypairError'],
    ['not an array', () => file('b.json', '{"secret":[1]}'), 'MalformedKeypairError'],
    ['32 bytes only', () => file('c.json', JSON.stringify(new Array(32).fill(1))), 'MalformedKeypairError'],
    [
      'a value above 255',
      () => file('d.json', JSON.stringify([...new Array(63).fill(1), 256])),
      'MalformedKeypairError',
    ],
    [
      'a public half that is not the seed’s',
      () => file('e.json', solanaFile(RFC8032_SEED, RFC8032_PUBLIC.replace(/^d7/, 'd8'))),
      'KeypairMismatchError',
    ],
  ])('rejects %s with its named error', async (_what, path, name) => {
    await expect(loadSolanaKeypair(await path())).rejects.toMatchObject({ name })
  })

  it('rejects addresses that are not 32-byte base58 keys', () => {
    expect(() => solanaAddressToPeerId('not-base58-0OIl')).toThrow(
      expect.objectContaining({ name: 'InvalidSolanaAddressError' }),
    )
    expect(() => solanaAddressToPeerId(bs58.encode(new Uint8Array(31)))).toThrow(
      expect.objectContaining({ name: 'InvalidSolanaAddressError' }),
    )
  })
})
