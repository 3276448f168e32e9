import { readFile, writeFile } from 'node:fs/promises'
import { generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey, Ed25519PublicKey, PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import bs58 from 'bs58'
import { equals } from 'uint8arrays/equals'
import {
  InvalidSolanaAddressError,
  KeypairFileNotFoundError,
  KeypairFileUnreadableError,
  KeypairMismatchError,
  MalformedKeypairError,
  UnsupportedKeyTypeError,
} from './errors.js'

/**
 * One key, two roles: the provider's on-chain operator key (a Solana keypair file) is the node's
 * libp2p identity, so whatever the node signs on the network is bound to its registration.
 */

const SEED_BYTES = 32
const KEYPAIR_BYTES = 64

/** Loads a Solana keypair file (JSON array of 64 bytes: secret seed, then public key). */
export async function loadSolanaKeypair(path: string): Promise<Ed25519PrivateKey> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new KeypairFileNotFoundError(path, { cause: err })
    throw new KeypairFileUnreadableError(path, { cause: err })
  }
  return keypairFromBytes(parseKeypairJson(path, text), path)
}

function parseKeypairJson(path: string, text: string): Uint8Array {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new MalformedKeypairError(path, 'not JSON')
  }
  if (!Array.isArray(parsed)) throw new MalformedKeypairError(path, 'not a JSON array')
  if (parsed.length !== KEYPAIR_BYTES) {
    throw new MalformedKeypairError(path, `expected ${KEYPAIR_BYTES} bytes, found ${parsed.length}`)
  }
  if (!parsed.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new MalformedKeypairError(path, 'every element must be an integer 0..255')
  }
  return Uint8Array.from(parsed as number[])
}

/** The 64 bytes of a Solana keypair as a libp2p key; the public half must match the seed. */
export async function keypairFromBytes(bytes: Uint8Array, source = '<bytes>'): Promise<Ed25519PrivateKey> {
  if (bytes.length !== KEYPAIR_BYTES) {
    throw new MalformedKeypairError(source, `expected ${KEYPAIR_BYTES} bytes, found ${bytes.length}`)
  }
  const key = await generateKeyPairFromSeed('Ed25519', bytes.subarray(0, SEED_BYTES))
  if (!equals(key.publicKey.raw, bytes.subarray(SEED_BYTES))) throw new KeypairMismatchError(source)
  return key
}

/** Writes `key` in the Solana CLI's keypair format (mode 0600), e.g. for `provider-node init`. */
export async function writeSolanaKeypair(path: string, key: Ed25519PrivateKey): Promise<void> {
  // libp2p's raw Ed25519 private key is seed ‖ public key: the Solana layout already.
  await writeFile(path, JSON.stringify(Array.from(key.raw)), { mode: 0o600 })
}

/** The base58 Solana address of an Ed25519 key. */
export function solanaAddressOf(key: Ed25519PublicKey): string {
  return bs58.encode(key.raw)
}

/** Peer id → base58 Solana address, for binding a peer to its on-chain operator. */
export function peerIdToSolanaAddress(peerId: PeerId): string {
  if (peerId.type !== 'Ed25519' || peerId.publicKey === undefined) throw new UnsupportedKeyTypeError(peerId.type)
  return solanaAddressOf(peerId.publicKey)
}

/** Base58 Solana address → its Ed25519 public key; throws InvalidSolanaAddressError. */
export function publicKeyFromSolanaAddress(address: string): Ed25519PublicKey {
  let raw: Uint8Array
  try {
    raw = bs58.decode(address)
  } catch {
    throw new InvalidSolanaAddressError(address)
  }
  if (raw.length !== SEED_BYTES) throw new InvalidSolanaAddressError(address)
  const key = publicKeyFromRaw(raw)
  if (key.type !== 'Ed25519') throw new InvalidSolanaAddressError(address)
  return key
}

/** Base58 Solana address → the libp2p peer id of the node that holds that key. */
export function solanaAddressToPeerId(address: string): PeerId {
  return peerIdFromPublicKey(publicKeyFromSolanaAddress(address))
}

// The shape check lives in the shared vocabulary, so specs and configs can use it without libp2p.
export { isSolanaAddress } from '@synkti/vocabulary'
