/**
 * The OpenAI API's request and response shapes this engine serves (the subset vLLM's
 * OpenAI-compatible server answers for a text model), as JSON schemas for fastify and types.
 */
import { MAX_STOP_SEQUENCES } from '../constants.js'
import type { FinishReason } from '../engine/engine.js'

/** OpenAI's error body, so that OpenAI clients surface the message. */
export interface OpenAIError {
  error: { message: string; type: string; param: string | null; code: string | null }
}

export function openAIError(message: string, type: string, param: string | null = null, code: string | null = null) {
  return { error: { message, type, param, code } } satisfies OpenAIError
}

const nullable = <T extends Record<string, unknown>>(schema: T) => ({ anyOf: [schema, { type: 'null' }] })

/** Sampling fields both endpoints share. `n` is accepted only as 1. */
const sampling = {
  max_tokens: nullable({ type: 'integer', minimum: 1 }),
  temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
  top_p: nullable({ type: 'number', exclusiveMinimum: 0, maximum: 1 }),
  /** Any integer, as OpenAI takes; llama.cpp's sampler seed is its value modulo 2^32. */
  seed: nullable({ type: 'integer' }),
  stop: {
    anyOf: [
      { type: 'string' },
      { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: MAX_STOP_SEQUENCES },
      { type: 'null' },
    ],
  },
  n: nullable({ type: 'integer', minimum: 1, maximum: 1 }),
  stream: nullable({ type: 'boolean' }),
  stream_options: nullable({ type: 'object', properties: { include_usage: { type: 'boolean' } } }),
} as const

export interface SamplingBody {
  model: string
  max_tokens?: number | null
  temperature?: number | null
  top_p?: number | null
  seed?: number | null
  stop?: string | string[] | null
  n?: number | null
  stream?: boolean | null
  stream_options?: { include_usage?: boolean } | null
}

export interface CompletionBody extends SamplingBody {
  /** A string, or a list holding one string. */
  prompt: string | [string]
}

export const completionBodySchema = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: 1 },
      ],
    },
    ...sampling,
  },
} as const

export type ChatContent = string | Array<{ type: 'text'; text: string }>

export interface ChatBody extends SamplingBody {
  messages: Array<{ role: 'system' | 'developer' | 'user' | 'assistant'; content: ChatContent }>
  /** OpenAI's newer name for max_tokens; wins when both are given. */
  max_completion_tokens?: number | null
}

export const chatBodySchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: {
          role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant'] },
          content: {
            anyOf: [
              { type: 'string' },
              {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['type', 'text'],
                  properties: { type: { type: 'string', const: 'text' }, text: { type: 'string' } },
                },
              },
            ],
          },
        },
      },
    },
    max_completion_tokens: nullable({ type: 'integer', minimum: 1 }),
    ...sampling,
  },
} as const

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

export type OpenAIFinishReason = 'stop' | 'length'

/** A client that went away gets no answer; anything it might have read says "stop". */
export function openAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  return reason === 'length' ? 'length' : 'stop'
}

const usageSchema = {
  type: 'object',
  properties: {
    prompt_tokens: { type: 'integer' },
    completion_tokens: { type: 'integer' },
    total_tokens: { type: 'integer' },
  },
} as const

export const completionResponseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string' },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          text: { type: 'string' },
          logprobs: { type: 'null' },
          finish_reason: { type: 'string' },
        },
      },
    },
    usage: usageSchema,
  },
} as const

export const chatResponseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string' },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          message: { type: 'object', properties: { role: { type: 'string' }, content: { type: 'string' } } },
          logprobs: { type: 'null' },
          finish_reason: { type: 'string' },
        },
      },
    },
    usage: usageSchema,
  },
} as const

export const errorResponseSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        param: { type: ['string', 'null'] },
        code: { type: ['string', 'null'] },
      },
    },
  },
} as const

export function stopList(stop: string | string[] | null | undefined): string[] {
  if (stop === null || stop === undefined) return []
  return (typeof stop === 'string' ? [stop] : stop).filter((s) => s !== '')
}

export function textOf(content: ChatContent): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('')
}
