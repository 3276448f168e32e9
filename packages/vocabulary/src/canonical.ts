import canonicalize from 'canonicalize'

const utf8 = new TextEncoder()

/**
 * Canonical bytes for signing and hashing: the domain tag, a newline, then the RFC 8785 (JCS)
 * canonical JSON of the payload. JCS fixes key order and number format, so signer and verifier
 * agree on the bytes without sharing a serializer; the domain tag keeps a signature over one kind
 * of payload from verifying as another.
 */
export function canonicalBytes(domain: string, payload: unknown): Uint8Array {
  const json = canonicalize(payload)
  if (json === undefined) throw new TypeError('payload has no JSON form')
  return utf8.encode(`${domain}\n${json}`)
}
