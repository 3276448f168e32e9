import { JOB_STATES, jobViewSchema } from '@synkti/jobs'
import * as z from 'zod'

/**
 * JSON Schemas for fastify, derived from the zod contract in @synkti/jobs so the API cannot drift
 * from what clients validate. Response schemas also keep fields the contract lacks off the wire.
 */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>
  return rest
}

export const jobViewJsonSchema = jsonSchema(jobViewSchema)

export const jobParamsSchema = {
  type: 'object',
  properties: { id: jsonSchema(jobViewSchema.shape.jobId) },
  required: ['id'],
  additionalProperties: false,
} as const

export const jobsQuerySchema = {
  type: 'object',
  properties: { state: jsonSchema(z.enum(JOB_STATES)) },
  additionalProperties: false,
} as const

export const errorBodySchema = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
} as const

export const healthBodySchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    /** `ok`, `degraded` (200: serving, short of something) or `failing` (503) */
    status: { type: 'string', enum: ['ok', 'degraded', 'failing'] },
    reasons: { type: 'array', items: { type: 'string' } },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          ok: { type: 'boolean' },
          degraded: { type: 'boolean' },
          detail: { type: 'string' },
        },
        required: ['name', 'ok'],
      },
    },
  },
  required: ['ok', 'status'],
} as const

const mintSchema = {
  type: 'object',
  properties: { mint: { type: 'string' }, decimals: { type: 'integer' } },
  required: ['mint', 'decimals'],
} as const

/** `/node`: what the status page shows beyond the signed status (NodeDetails). */
export const nodeDetailsSchema = {
  type: 'object',
  properties: {
    network: {
      type: ['object', 'null'],
      properties: {
        peerId: { type: 'string' },
        addresses: { type: 'array', items: { type: 'string' } },
        listen: { type: 'array', items: { type: 'string' } },
        peers: { type: 'integer' },
        dhtPeers: { type: 'integer' },
      },
      required: ['peerId', 'addresses', 'listen', 'peers', 'dhtPeers'],
    },
    tokens: {
      type: ['object', 'null'],
      properties: { payment: mintSchema, stake: mintSchema },
      required: ['payment', 'stake'],
    },
    series: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          threshold: { type: ['number', 'null'] },
          points: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
        },
        required: ['name', 'threshold', 'points'],
      },
    },
  },
  required: ['network', 'tokens', 'series'],
} as const

/** Every route answers errors in one shape. */
export function responses(ok: Record<number, unknown>): Record<string, unknown> {
  return { ...ok, '4xx': errorBodySchema, '5xx': errorBodySchema }
}
