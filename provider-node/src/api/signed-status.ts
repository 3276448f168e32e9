import {
  MalformedNodeStatusError,
  NODE_STATUS_DOMAIN,
  type NodeStatus,
  parseNodeStatus,
  type SpecIssue,
} from '@synkti/jobs'
import { canonicalBytes, publicKeyFromSolanaAddress } from '@synkti/p2p'
import { InvalidStatusSignatureError, StatusSignerMismatchError, StatusSigningError } from './errors.js'

/**
 * The /status document: the node's own account of itself, signed by its operator key so that a
 * copy passed around (a consumer's bug report, a dispute) still proves who said it.
 *
 * signature = base64(Ed25519(operator key, canonicalBytes('synkti/node-status/v1', body))),
 * the same domain-tagged RFC 8785 bytes the P2P protocols sign.
 */
export interface SignedNodeStatus {
  body: NodeStatus
  /** standard padded base64 of the 64-byte Ed25519 signature */
  signature: string
}

/** Signs raw bytes with the operator key, e.g. `(bytes) => operatorKey.sign(bytes)`. */
export type StatusSigner = (bytes: Uint8Array) => Promise<Uint8Array> | Uint8Array

export async function signNodeStatus(body: NodeStatus, sign: StatusSigner): Promise<SignedNodeStatus> {
  let signature: Uint8Array
  try {
    signature = await sign(canonicalBytes(NODE_STATUS_DOMAIN, body))
  } catch (err) {
    throw new StatusSigningError({ cause: err })
  }
  return { body, signature: Buffer.from(signature).toString('base64') }
}

/**
 * Checks a /status response from `operator` (base58) and returns its body, validated.
 * Throws MalformedNodeStatusError (not a signed status, or a body outside the schema),
 * StatusSignerMismatchError (the body names another operator), InvalidStatusSignatureError
 * (bad signature), or p2p's InvalidSolanaAddressError (`operator` is not an address).
 */
export async function verifyNodeStatus(response: unknown, operator: string): Promise<NodeStatus> {
  const key = publicKeyFromSolanaAddress(operator)
  const { body, signature } = signedShape(response)
  if (body.operator !== operator) throw new StatusSignerMismatchError(operator, body.operator)
  const bytes = decodeSignature(signature)
  // The signature covers the body as received; the schema is checked only once we know who sent it.
  if (bytes === null || !(await verifies(key, body, bytes))) throw new InvalidStatusSignatureError(operator)
  return parseNodeStatus(body)
}

function signedShape(response: unknown): { body: Record<string, unknown>; signature: string } {
  if (!isObject(response)) throw new MalformedNodeStatusError([{ path: '', message: 'expected { body, signature }' }])
  const { body, signature } = response
  const issues: SpecIssue[] = []
  if (!isObject(body)) issues.push({ path: 'body', message: 'expected an object' })
  if (typeof signature !== 'string') issues.push({ path: 'signature', message: 'expected a base64 string' })
  if (!isObject(body) || typeof signature !== 'string') throw new MalformedNodeStatusError(issues)
  return { body, signature }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Strict base64: Buffer alone skips junk characters, so only a canonical round trip counts. */
function decodeSignature(text: string): Uint8Array | null {
  const bytes = Buffer.from(text, 'base64')
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : null
}

async function verifies(
  key: ReturnType<typeof publicKeyFromSolanaAddress>,
  body: unknown,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    return await key.verify(canonicalBytes(NODE_STATUS_DOMAIN, body), signature)
  } catch {
    // a body canonicalize cannot encode, or a signature of the wrong length: not a valid signature
    return false
  }
}
