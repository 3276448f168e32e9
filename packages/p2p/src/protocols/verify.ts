import type { Ed25519PrivateKey } from '@libp2p/interface'
import { BadSignatureError } from '../errors.js'
import { publicKeyFromSolanaAddress } from '../identity.js'
import { signPayload, verifyPayload } from '../signing.js'

/** A message body and its signature, as they travel. */
export interface Signed<B> {
  body: B
  signature: string
}

export async function signBody<B>(key: Ed25519PrivateKey, domain: string, body: B): Promise<Signed<B>> {
  return { body, signature: await signPayload(key, domain, body) }
}

/** Throws BadSignatureError unless `signature` over `body` verifies against `signer`. */
export async function requireSignedBy(
  signer: string,
  domain: string,
  body: unknown,
  signature: string,
  what: string,
): Promise<void> {
  if (!(await verifyPayload(publicKeyFromSolanaAddress(signer), domain, body, signature))) {
    throw new BadSignatureError(what, signer)
  }
}
