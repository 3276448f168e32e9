import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { MAX_PROMPT_BYTES } from '../constants.js'
import type { LlamaEngine } from '../engine/engine.js'
import { createEngineMetrics, type EngineMetrics } from './metrics.js'
import { openAIError } from './openai.js'
import { chatRoute } from './routes/chat.js'
import { completionsRoute } from './routes/completions.js'
import { serviceRoutes } from './routes/service.js'
import { ServedModel } from './served.js'

export interface EngineAppInit {
  /** The name clients send as `model`. */
  servedModelName: string
  /** The weights' sha256 (already verified by whoever loads them). */
  sha256: string
  /** The engine, or its load in progress: the app answers 503 on /health until it resolves. */
  engine: Promise<LlamaEngine> | LlamaEngine
}

export interface EngineApp {
  app: FastifyInstance
  served: ServedModel
  metrics: EngineMetrics
}

/** Error names that are the client's fault, with their status. */
const CLIENT_ERRORS: Record<string, { status: number; param: string | null }> = {
  ContextLengthExceededError: { status: 400, param: 'max_tokens' },
}

/**
 * vLLM's OpenAI-compatible server over a llama.cpp engine, built without listening so that tests
 * can `inject()` and the CLI can `listen()`. Closing the app closes the engine after in-flight
 * requests end.
 */
export function buildEngineApp(init: EngineAppInit): EngineApp {
  // Strict validation: OpenAI rejects "5" for max_tokens, so coercion would hide client bugs.
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_PROMPT_BYTES * 2,
    ajv: { customOptions: { coerceTypes: false } },
  })
  const served = new ServedModel(init.servedModelName, init.sha256, init.engine)
  // The CLI awaits `ready` itself; the app only records the outcome.
  served.ready.catch(() => undefined)
  const metrics = createEngineMetrics(served.name, () => served.engine ?? { running: 0, waiting: 0 })

  // An in-flight response that finishes during close() must not leave its keep-alive socket
  // open, or close() (and the SIGTERM exit) would wait for the client to hang up.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
  app.addHook('onClose', async () => {
    await served.engine?.close()
  })

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const known = CLIENT_ERRORS[error.name]
    if (known !== undefined) {
      return reply.code(known.status).send(openAIError(error.message, 'invalid_request_error', known.param, error.name))
    }
    if (error.name === 'EngineClosedError')
      return reply.code(503).send(openAIError(error.message, 'service_unavailable'))
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

  const route = { served, metrics }
  app.register(serviceRoutes, route)
  app.register(completionsRoute, route)
  app.register(chatRoute, route)
  return { app, served, metrics }
}

export interface RunningEngineApp extends EngineApp {
  url: string
}

export async function listenEngineApp(engineApp: EngineApp, host: string, port: number): Promise<RunningEngineApp> {
  await engineApp.app.listen({ host, port })
  const address = engineApp.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('engine is not listening on TCP')
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return { ...engineApp, url: `http://${shown}:${address.port}` }
}
