import { setTimeout as sleep } from 'node:timers/promises'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { Gauge, Registry } from 'prom-client'
import { DEFAULT_MAX_TOKENS, MAX_MAX_TOKENS } from '../constants.js'
import { Admission } from './admission.js'
import { completionText, countPromptTokens } from './completion.js'
import type { StandinOptions } from './options.js'

/**
 * A stand-in for vLLM's OpenAI-compatible server: the same routes, response shapes and
 * scheduler metrics, with simulated load time and decode latency instead of a GPU. The
 * provider-node's runtime, drain and failover are tested against it where no GPU exists.
 */

export interface CompletionRequest {
  model: string
  prompt: string
  max_tokens?: number
  stream?: boolean
}

export interface CompletionResponse {
  id: string
  object: 'text_completion'
  created: number
  model: string
  choices: Array<{ text: string; index: number; logprobs: null; finish_reason: 'length' }>
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
}

/** OpenAI's error body, so that OpenAI clients surface the message. */
export interface OpenAIError {
  error: { message: string; type: string; param: string | null; code: string | null }
}

const completionBody = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: { type: 'string', minLength: 1 },
    max_tokens: { type: 'integer', minimum: 1, maximum: MAX_MAX_TOKENS },
    stream: { type: 'boolean' },
  },
} as const

function openAIError(message: string, type: string, param: string | null = null, code: string | null = null) {
  return { error: { message, type, param, code } } satisfies OpenAIError
}

export interface StandinApp {
  app: FastifyInstance
  admission: Admission
  /** Resolves once the simulated model load is over. */
  isLoaded(): boolean
}

/** Builds the app without listening, so tests can `inject()` and the CLI can `listen()`. */
export function buildStandinApp(options: StandinOptions, now: () => number = Date.now): StandinApp {
  // Strict validation: OpenAI rejects "5" for max_tokens, so coercion would hide client bugs.
  const app = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: false } } })
  const admission = new Admission(options.maxRunning)
  const loadedAt = now() + options.loadMs
  const isLoaded = () => now() >= loadedAt
  let nextId = 0

  const registry = new Registry()
  const labels = { model_name: options.model }
  new Gauge({
    name: 'vllm:num_requests_running',
    help: 'Number of requests currently running on GPU.',
    labelNames: ['model_name'],
    registers: [registry],
    collect() {
      this.set(labels, admission.running)
    },
  })
  new Gauge({
    name: 'vllm:num_requests_waiting',
    help: 'Number of requests waiting to be processed.',
    labelNames: ['model_name'],
    registers: [registry],
    collect() {
      this.set(labels, admission.waiting)
    },
  })

  // An in-flight response that finishes during close() must not leave its keep-alive socket
  // open, or close() (and the SIGTERM exit) would wait for the client to hang up.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500
    if (status >= 500) return reply.code(status).send(openAIError('internal error', 'server_error'))
    const issue = error.validation?.[0]
    const missing = issue?.params.missingProperty
    const param = (typeof missing === 'string' ? missing : issue?.instancePath.replace(/^\//, '')) || null
    return reply.code(status).send(openAIError(error.message, 'invalid_request_error', param, error.code ?? null))
  })
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(openAIError(`no route ${request.method} ${request.url}`, 'invalid_request_error')),
  )

  app.get('/health', (_request, reply) =>
    isLoaded() ? reply.code(200).send() : reply.code(503).send(openAIError('model loading', 'service_unavailable')),
  )

  app.get('/v1/models', () => ({
    object: 'list',
    data: [{ id: options.model, object: 'model', created: Math.floor(loadedAt / 1000), owned_by: 'synkti' }],
  }))

  app.post<{ Body: CompletionRequest }>(
    '/v1/completions',
    { schema: { body: completionBody } },
    async (request, reply) => {
      const body = request.body
      if (!isLoaded()) return reply.code(503).send(openAIError('model loading', 'service_unavailable'))
      if (body.stream === true) {
        return reply.code(400).send(openAIError('the stand-in does not stream', 'invalid_request_error', 'stream'))
      }
      if (body.model !== options.model) {
        return reply
          .code(404)
          .send(
            openAIError(
              `The model \`${body.model}\` does not exist.`,
              'invalid_request_error',
              'model',
              'model_not_found',
            ),
          )
      }
      const tokens = body.max_tokens ?? DEFAULT_MAX_TOKENS
      await admission.acquire()
      try {
        if (options.tokenMs > 0) await sleep(options.tokenMs * tokens)
      } finally {
        admission.release()
      }
      const promptTokens = countPromptTokens(body.prompt)
      const response: CompletionResponse = {
        id: `cmpl-${nextId++}`,
        object: 'text_completion',
        created: Math.floor(now() / 1000),
        model: options.model,
        choices: [{ text: completionText(body.prompt, tokens), index: 0, logprobs: null, finish_reason: 'length' }],
        usage: { prompt_tokens: promptTokens, completion_tokens: tokens, total_tokens: promptTokens + tokens },
      }
      return response
    },
  )

  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics()
    return reply.type(registry.contentType).send(text)
  })

  return { app, admission, isLoaded }
}

export interface RunningStandin extends StandinApp {
  url: string
}

export async function startStandin(options: StandinOptions): Promise<RunningStandin> {
  const standin = buildStandinApp(options)
  await standin.app.listen({ host: options.host, port: options.port })
  const address = standin.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('stand-in is not listening on TCP')
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return { ...standin, url: `http://${host}:${address.port}` }
}
