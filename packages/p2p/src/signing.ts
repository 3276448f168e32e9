import type { PrivateKey, PublicKey } from '@libp2p/interface'
import { canonicalBytes } from '@synkti/vocabulary'

export { canonicalBytes }

export async function signPayload(key: PrivateKey, domain: string, payload: unknown): Promise<string> {
  return encodeBase64(await key.sign(canonicalBytes(domain, payload)))
}

/** False for a bad signature or one that is not base64; never throws on attacker input. */
export async function verifyPayload(
  key: PublicKey,
  domain: string,
  payload: unknown,
  signature: string,
): Promise<boolean> {
  let sig: Uint8Array
  try {
    sig = decodeBase64(signature)
  } catch {
    return false
  }
  try {
    return await key.verify(canonicalBytes(domain, payload), sig)
  } catch {
    return false
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Standard padded base64 (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}

/** Strict: Buffer alone would skip junk characters, so the shape is checked first. */
export function decodeBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new TypeError('not canonical base64')
  return new Uint8Array(Buffer.from(text, 'base64'))
}

export function isBase64(text: string): boolean {
  return BASE64.test(text)
}
