import type { FastifyPluginAsync } from 'fastify'
import { DEFAULT_COMPLETION_MAX_TOKENS } from '../../constants.js'
import { type GenerateRoute, type Shape, serveGeneration } from '../generate.js'
import { type CompletionBody, completionBodySchema, completionResponseSchema, errorResponseSchema } from '../openai.js'

const shape: Shape = {
  idPrefix: 'cmpl',
  object: 'text_completion',
  chunkObject: 'text_completion',
  choice: (text, finishReason) => ({ index: 0, text, logprobs: null, finish_reason: finishReason }),
  chunk: ({ text, finishReason }) => ({
    index: 0,
    text: text ?? '',
    logprobs: null,
    finish_reason: finishReason ?? null,
  }),
}

/** `POST /v1/completions`: raw text completion, streamed as server-sent events when asked. */
export const completionsRoute: FastifyPluginAsync<GenerateRoute> = async (app, route) => {
  app.post<{ Body: CompletionBody }>(
    '/v1/completions',
    {
      schema: {
        body: completionBodySchema,
        response: { 200: completionResponseSchema, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
      },
    },
    async (request, reply) => {
      const body = request.body
      const prompt = typeof body.prompt === 'string' ? body.prompt : body.prompt[0]
      const maxTokens = body.max_tokens ?? DEFAULT_COMPLETION_MAX_TOKENS
      return serveGeneration(request, reply, route, { ...body, maxTokens }, shape, (engine, params) =>
        engine.complete(prompt, params),
      )
    },
  )
}
