import { capabilitySchema, gpuSpecSchema, solanaAddressSchema, u64StringSchema } from '@synkti/vocabulary'
import * as z from 'zod'
import { MAX_RECORD_ADDRESSES, PROVIDER_RECORD_VERSION } from '../constants.js'
import { isBase64 } from '../signing.js'

/**
 * Provider record, version 1. What a provider says about itself on the DHT: which provider
 * account it speaks for, what it offers (the planner's `Capability`), its price, where to dial
 * it, how busy it is, and how fresh the statement is (`seq`, `expiresAt`). Strict objects:
 * unknown fields are malformed, not ignored, so two nodes never disagree about what was signed.
 */

// Shared with the job spec, the node config and the CLIs, which must not load libp2p to parse them.
export { capabilitySchema, gpuSpecSchema, solanaAddressSchema, u64StringSchema }

export const loadSchema = z.strictObject({
  /** jobs running now */
  jobs: z.int().nonnegative().max(1_000_000),
  /** mean GPU utilisation over the last minute, 0..1 */
  gpuUtilization: z.number().min(0).max(1),
})

export const providerRecordSchema = z.strictObject({
  v: z.literal(PROVIDER_RECORD_VERSION),
  market: solanaAddressSchema,
  operator: solanaAddressSchema,
  /**
   * The provider account (base58 PDA) this record speaks for, signed with the rest: changing,
   * adding or removing it breaks the signature. It is the operator's claim, not proof: whoever
   * joins a record with the chain checks that this account's operator is the record's signer.
   * Absent only from a legacy record (written before the field existed, or by `publishRecord`,
   * whose statement does not carry it yet): the joiner then finds the account by the record's
   * operator. That is no weaker a claim: only the operator's key can write either kind, and the
   * program keeps one provider per operator per market (OperatorTaken).
   */
  provider: solanaAddressSchema.optional(),
  /** strictly increases with every new statement from this operator */
  seq: z.int().nonnegative(),
  /** unix seconds; the record is invalid from this instant */
  expiresAt: z.int().positive(),
  capability: capabilitySchema,
  /** base units of the market's mint per second of service */
  pricePerSecond: u64StringSchema,
  /** multiaddrs to dial, with or without the /p2p suffix */
  addresses: z.array(z.string().min(1).max(256)).max(MAX_RECORD_ADDRESSES),
  load: loadSchema,
})

export const signedProviderRecordSchema = z.strictObject({
  record: providerRecordSchema,
  /** Ed25519 signature by `record.operator` over canonicalBytes(providerRecord domain, record) */
  signature: z.string().max(128).refine(isBase64, 'not base64'),
})

export type Load = z.infer<typeof loadSchema>
export type ProviderRecord = z.infer<typeof providerRecordSchema>
export type SignedProviderRecord = z.infer<typeof signedProviderRecordSchema>
