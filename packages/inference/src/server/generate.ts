import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { GenerateParams, Generation, LlamaEngine } from '../engine/engine.js'
import type { EngineMetrics } from './metrics.js'
import {
  type OpenAIFinishReason,
  openAIError,
  openAIFinishReason,
  type SamplingBody,
  stopList,
  type Usage,
} from './openai.js'
import type { ServedModel } from './served.js'
import { EventStream } from './stream.js'

/** llama.cpp's sampler takes a 32-bit seed; OpenAI's is any integer. */
function seedOf(seed: number): number {
  return ((seed % 2 ** 32) + 2 ** 32) % 2 ** 32
}

/** How one endpoint shapes its answers; the generation around it is the same for both. */
export interface Shape {
  idPrefix: 'cmpl' | 'chatcmpl'
  object: 'text_completion' | 'chat.completion'
  chunkObject: 'text_completion' | 'chat.completion.chunk'
  /** The choice of a whole answer. */
  choice(text: string, finishReason: OpenAIFinishReason): Record<string, unknown>
  /** A streamed choice: `first` opens the answer, `text` continues it, `finishReason` ends it. */
  chunk(part: { first?: true; text?: string; finishReason?: OpenAIFinishReason }): Record<string, unknown>
}

export interface GenerateRoute {
  served: ServedModel
  metrics: EngineMetrics
}

/** The model check, the sampling parameters, streaming or not, and the metrics. */
export async function serveGeneration(
  request: FastifyRequest,
  reply: FastifyReply,
  route: GenerateRoute,
  body: SamplingBody & { maxTokens: number | undefined },
  shape: Shape,
  run: (engine: LlamaEngine, params: GenerateParams) => Promise<Generation>,
): Promise<unknown> {
  const { served, metrics } = route
  const engine = served.engine
  if (engine === undefined) return reply.code(503).send(openAIError('model loading', 'service_unavailable'))
  if (body.model !== served.name) {
    return reply
      .code(404)
      .send(
        openAIError(`The model \`${body.model}\` does not exist.`, 'invalid_request_error', 'model', 'model_not_found'),
      )
  }
  // The client hanging up (the response closes before it was finished) ends the generation.
  const hangUp = new AbortController()
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) hangUp.abort()
  })
  const id = `${shape.idPrefix}-${randomBytes(12).toString('hex')}`
  const created = Math.floor(Date.now() / 1000)
  const head = { id, object: shape.chunkObject, created, model: served.name }
  const streaming = body.stream === true
  const events = new EventStream(reply)
  const params: GenerateParams = {
    temperature: body.temperature ?? 1,
    ...(body.top_p === null || body.top_p === undefined ? {} : { topP: body.top_p }),
    ...(body.seed === null || body.seed === undefined ? {} : { seed: seedOf(body.seed) }),
    ...(body.maxTokens === undefined ? {} : { maxTokens: body.maxTokens }),
    stop: stopList(body.stop),
    signal: hangUp.signal,
    onStart: (promptTokens) => {
      metrics.promptTokens(promptTokens)
      if (streaming) events.send({ ...head, choices: [shape.chunk({ first: true })] })
    },
    onTokens: (count) => metrics.generationTokens(count),
    ...(streaming
      ? { onText: (text: string) => text !== '' && events.send({ ...head, choices: [shape.chunk({ text })] }) }
      : {}),
  }
  let generation: Generation
  try {
    generation = await run(engine, params)
  } catch (error) {
    // Nobody is left to answer (nginx's 499, "client closed request").
    if (hangUp.signal.aborted && !events.open) return reply.code(499).send()
    if (!events.open) throw error
    // Headers are gone; say what happened in the stream, as vLLM does, and end it.
    request.log.error({ err: error }, 'generation failed mid-stream')
    events.send(openAIError('internal error', 'server_error'))
    events.end()
    return reply
  }
  const finishReason = openAIFinishReason(generation.finishReason)
  if (generation.finishReason !== 'abort') metrics.finished(finishReason)
  const usage: Usage = {
    prompt_tokens: generation.promptTokens,
    completion_tokens: generation.completionTokens,
    total_tokens: generation.promptTokens + generation.completionTokens,
  }
  if (!streaming) {
    return {
      id,
      object: shape.object,
      created,
      model: served.name,
      choices: [shape.choice(generation.text, finishReason)],
      usage,
    }
  }
  events.send({ ...head, choices: [shape.chunk({ finishReason })] })
  if (body.stream_options?.include_usage === true) events.send({ ...head, choices: [], usage })
  events.end()
  return reply
}
