import type { Ed25519PrivateKey } from '@libp2p/interface'
import canonicalize from 'canonicalize'
import { fromString } from 'uint8arrays/from-string'
import type * as z from 'zod'
import { MAX_PROVIDER_RECORD_BYTES, SIGNING_DOMAIN } from '../constants.js'
import {
  ExpiredRecordError,
  ForgedRecordError,
  MalformedRecordError,
  OversizedRecordError,
  WrongKeyError,
} from '../errors.js'
import { publicKeyFromSolanaAddress, solanaAddressOf } from '../identity.js'
import { signPayload, verifyPayload } from '../signing.js'
import { parseProviderRecordKey, providerRecordKeyString } from './key.js'
import {
  type ProviderRecord,
  providerRecordSchema,
  type SignedProviderRecord,
  signedProviderRecordSchema,
} from './schema.js'

/** Unix seconds now; injected so expiry is testable. */
export type Clock = () => number
export const systemClock: Clock = () => Math.floor(Date.now() / 1000)

/** A record whose signature, key binding, size, schema and expiry have all been checked. */
export interface VerifiedProviderRecord {
  record: ProviderRecord
  signature: string
  /** the exact bytes stored on the DHT */
  bytes: Uint8Array
}

/** Signs `record` with the operator key; the key must be the record's operator. */
export async function signProviderRecord(key: Ed25519PrivateKey, record: ProviderRecord): Promise<Uint8Array> {
  const body = parseOrThrow(providerRecordSchema, record)
  const signer = solanaAddressOf(key.publicKey)
  if (signer !== body.operator) throw new WrongKeyError(providerRecordKeyString(body), signer)
  const signature = await signPayload(key, SIGNING_DOMAIN.providerRecord, body)
  return encodeSignedProviderRecord({ record: body, signature })
}

/** Canonical JSON, so equal records are equal bytes on every node. */
export function encodeSignedProviderRecord(signed: SignedProviderRecord): Uint8Array {
  return fromString(canonicalize(signed) as string)
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Size, UTF-8, JSON and schema; no signature check. */
export function decodeSignedProviderRecord(bytes: Uint8Array): SignedProviderRecord {
  if (bytes.byteLength > MAX_PROVIDER_RECORD_BYTES) {
    throw new OversizedRecordError(bytes.byteLength, MAX_PROVIDER_RECORD_BYTES)
  }
  let json: unknown
  try {
    json = JSON.parse(utf8.decode(bytes))
  } catch (err) {
    throw new MalformedRecordError('not UTF-8 JSON', { cause: err })
  }
  return parseOrThrow(signedProviderRecordSchema, json)
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new MalformedRecordError(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`)
  }
  return parsed.data
}

/**
 * Every check a DHT value must pass to be stored or believed, each failing with its own error:
 * OversizedRecordError, MalformedRecordError, ForgedRecordError (signature is not the body's
 * operator's), WrongKeyError (validly signed, but by someone other than the key's operator, or
 * for another market), ExpiredRecordError.
 */
export async function verifyProviderRecord(
  key: Uint8Array | string,
  bytes: Uint8Array,
  now: number,
): Promise<VerifiedProviderRecord> {
  const expected = parseProviderRecordKey(key)
  const { record, signature } = decodeSignedProviderRecord(bytes)
  const valid = await verifyPayload(
    publicKeyFromSolanaAddress(record.operator),
    SIGNING_DOMAIN.providerRecord,
    record,
    signature,
  )
  if (!valid) throw new ForgedRecordError(record.operator)
  if (record.operator !== expected.operator || record.market !== expected.market) {
    throw new WrongKeyError(providerRecordKeyString(expected), record.operator)
  }
  if (record.expiresAt <= now) throw new ExpiredRecordError(record.expiresAt, now)
  return { record, signature, bytes }
}
