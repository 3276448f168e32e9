import * as z from 'zod'
import { NONCE_BYTES } from '../constants.js'
import { solanaAddressSchema } from '../record/schema.js'
import { decodeBase64, isBase64 } from '../signing.js'

/**
 * Wire messages of the direct protocols, version 1: length-prefixed UTF-8 JSON, each with a
 * `type`. Signed messages carry `{ body, signature }`: an Ed25519 signature over the canonical
 * bytes of `body` under a per-message domain tag (see signing.ts).
 */

export const envelopeSchema = z.looseObject({ type: z.string().max(64) })
export const errorMessageSchema = z.strictObject({
  type: z.literal('error'),
  name: z.string().max(64),
  message: z.string().max(512),
})

/** Any JSON object; the package carries it, the application gives it meaning. */
export const jsonObjectSchema = z.record(z.string(), z.unknown())
export type JsonObject = z.infer<typeof jsonObjectSchema>

const signature = z.string().max(128).refine(isBase64, 'not base64')
const unixSeconds = z.int().nonnegative()
const nonce = z
  .string()
  .max(64)
  .refine((s) => isBase64(s) && decodeBase64(s).length === NONCE_BYTES, `nonce must be ${NONCE_BYTES} bytes, base64`)
/** `{ type, body, signature }`: a body signed by its sender. */
function signedMessage<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.strictObject({ type: z.literal(type), body, signature })
}

/** A Solana transaction is at most 1232 bytes; base64 of that is 1644 characters. */
const transaction = z.string().max(1644).refine(isBase64, 'not base64')

// --- /synkti/job/1.0.0 ----------------------------------------------------------------------

export const jobSubmitBodySchema = z.strictObject({
  /** lease account address the job is paid from */
  lease: solanaAddressSchema,
  /** the consumer's key, which signs the submission */
  consumer: solanaAddressSchema,
  /** the job spec; its hash is on the lease */
  spec: jsonObjectSchema,
  submittedAt: unixSeconds,
})
export const jobSubmitSchema = signedMessage('job-submit', jobSubmitBodySchema)
export const jobAcceptedSchema = z.strictObject({ type: z.literal('job-accepted'), jobId: z.string().min(1).max(128) })
export const jobRejectedSchema = z.strictObject({ type: z.literal('job-rejected'), reason: z.string().max(512) })

// --- /synkti/status/1.0.0 -------------------------------------------------------------------

export const statusRequestSchema = z.strictObject({ type: z.literal('status-request'), nonce })
export const statusBodySchema = z.strictObject({
  operator: solanaAddressSchema,
  nonce,
  at: unixSeconds,
  status: jsonObjectSchema,
})
export const statusResponseSchema = signedMessage('status-response', statusBodySchema)

// --- /synkti/handoff/1.0.0 ------------------------------------------------------------------

const handoffParties = {
  lease: solanaAddressSchema,
  /** operator handing the lease off */
  from: solanaAddressSchema,
  /** operator taking it over */
  to: solanaAddressSchema,
}
export const handoffOfferBodySchema = z.strictObject({
  ...handoffParties,
  /** what the taker needs to run the job (spec, model, state pointers) */
  job: jsonObjectSchema,
  /** unix seconds by which the hand-off must be confirmed (the preemption deadline) */
  deadline: unixSeconds,
})
export const handoffAcceptBodySchema = z.strictObject({
  ...handoffParties,
  /** migrate_lease, partially signed by the taker; opaque to this package */
  transaction,
})
export const handoffConfirmBodySchema = z.strictObject({
  ...handoffParties,
  /** signature of the submitted migrate_lease transaction */
  transactionSignature: z.string().min(1).max(128),
})
export const handoffOfferSchema = signedMessage('handoff-offer', handoffOfferBodySchema)
export const handoffAcceptSchema = signedMessage('handoff-accept', handoffAcceptBodySchema)
export const handoffDeclineSchema = z.strictObject({ type: z.literal('handoff-decline'), reason: z.string().max(512) })
export const handoffConfirmSchema = signedMessage('handoff-confirm', handoffConfirmBodySchema)
export const handoffDoneSchema = z.strictObject({ type: z.literal('handoff-done') })

// --- /synkti/challenge/1.0.0 ----------------------------------------------------------------

export const challengeSchema = z.strictObject({ type: z.literal('challenge'), nonce })
export const challengeBodySchema = z.strictObject({
  operator: solanaAddressSchema,
  nonce,
  measuredAt: unixSeconds,
  measurement: jsonObjectSchema,
})
export const challengeResponseSchema = signedMessage('challenge-response', challengeBodySchema)

// --- /synkti/logs/1.0.0 ---------------------------------------------------------------------

export const logsRequestSchema = z.strictObject({ type: z.literal('logs-request'), jobId: z.string().min(1).max(128) })
export const logLineSchema = z.strictObject({ type: z.literal('log-line'), line: z.string() })
export const logsEndSchema = z.strictObject({ type: z.literal('logs-end') })

export type JobSubmitBody = z.infer<typeof jobSubmitBodySchema>
export type StatusBody = z.infer<typeof statusBodySchema>
export type HandoffOfferBody = z.infer<typeof handoffOfferBodySchema>
export type HandoffAcceptBody = z.infer<typeof handoffAcceptBodySchema>
export type HandoffConfirmBody = z.infer<typeof handoffConfirmBodySchema>
export type ChallengeBody = z.infer<typeof challengeBodySchema>

// --- /synkti/receipt/1.0.0 ------------------------------------------------------------------

const u64Decimal = z.string().regex(/^(0|[1-9][0-9]{0,19})$/, 'a u64 in decimal')
const bytes = (n: number) =>
  z
    .string()
    .max(128)
    .refine((s) => isBase64(s) && decodeBase64(s).length === n, `${n} bytes, base64`)

/**
 * A usage receipt as the consumer's key (or its gateway's) signed it for the chain: the
 * signature is over the program's receipt message, not this JSON, and the node checks it
 * against the lease's receipt signer before attesting with it.
 */
export const receiptSubmitSchema = z.strictObject({
  type: z.literal('receipt-submit'),
  lease: solanaAddressSchema,
  /** the provider account the receipt names (the one serving the lease) */
  provider: solanaAddressSchema,
  from: unixSeconds,
  until: unixSeconds,
  requests: u64Decimal,
  digest: bytes(32),
  signer: solanaAddressSchema,
  signature: bytes(64),
})
export type ReceiptSubmitMessage = z.infer<typeof receiptSubmitSchema>
export const receiptAcceptedSchema = z.strictObject({ type: z.literal('receipt-accepted') })
export const receiptRejectedSchema = z.strictObject({
  type: z.literal('receipt-rejected'),
  reason: z.string().max(512),
})

// --- /synkti/weights/1.0.0 ------------------------------------------------------------------

/** A sha256 as weights are named: 64 lowercase hex characters. */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256: 64 lowercase hex characters')
const byteCount = z.int().nonnegative()

/** Why a server does not send the weights asked for. */
export const WEIGHTS_REFUSALS = ['not-cached', 'offset-beyond-end'] as const
export type WeightsRefusal = (typeof WEIGHTS_REFUSALS)[number]

export const weightsRequestSchema = z.strictObject({
  type: z.literal('weights-request'),
  sha256: sha256HexSchema,
  /** first byte wanted: 0 for the whole file, the length of a partial copy to resume it */
  offset: byteCount,
})
export const weightsHeaderSchema = z.strictObject({
  type: z.literal('weights-header'),
  sha256: sha256HexSchema,
  offset: byteCount,
  /** the whole file's length; `sizeBytes - offset` bytes follow in binary frames */
  sizeBytes: byteCount,
})
export const weightsRefusedSchema = z.strictObject({
  type: z.literal('weights-refused'),
  reason: z.enum(WEIGHTS_REFUSALS),
  message: z.string().max(512),
})
export const weightsEndSchema = z.strictObject({ type: z.literal('weights-end') })

/** Asks a peer (a failover's pre-selected spare) to fetch weights into its cache before they are needed. */
export const weightsPrefetchSchema = z.strictObject({
  type: z.literal('weights-prefetch'),
  sha256: sha256HexSchema,
  /** the whole file's length, as the job names it */
  sizeBytes: z.int().positive(),
})
export const weightsPrefetchAcceptedSchema = z.strictObject({
  type: z.literal('weights-prefetch-accepted'),
  /** already in its cache: nothing to fetch */
  cached: z.boolean(),
})
export const weightsPrefetchDeclinedSchema = z.strictObject({
  type: z.literal('weights-prefetch-declined'),
  reason: z.string().max(512),
})
