import type { FastifyPluginAsync } from 'fastify'
import type { ChatMessage } from '../../engine/engine.js'
import { type GenerateRoute, type Shape, serveGeneration } from '../generate.js'
import { type ChatBody, chatBodySchema, chatResponseSchema, errorResponseSchema, textOf } from '../openai.js'

const shape: Shape = {
  idPrefix: 'chatcmpl',
  object: 'chat.completion',
  chunkObject: 'chat.completion.chunk',
  choice: (text, finishReason) => ({
    index: 0,
    message: { role: 'assistant', content: text },
    logprobs: null,
    finish_reason: finishReason,
  }),
  chunk: ({ first, text, finishReason }) => ({
    index: 0,
    delta: first === true ? { role: 'assistant', content: '' } : text === undefined ? {} : { content: text },
    logprobs: null,
    finish_reason: finishReason ?? null,
  }),
}

/** `POST /v1/chat/completions`: the model's chat template over the messages; streamed when asked. */
export const chatRoute: FastifyPluginAsync<GenerateRoute> = async (app, route) => {
  app.post<{ Body: ChatBody }>(
    '/v1/chat/completions',
    {
      schema: {
        body: chatBodySchema,
        response: { 200: chatResponseSchema, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
      },
    },
    async (request, reply) => {
      const body = request.body
      // OpenAI's "developer" role is the system prompt of newer models.
      const messages: ChatMessage[] = body.messages.map((m) => ({
        role: m.role === 'developer' ? 'system' : m.role,
        content: textOf(m.content),
      }))
      const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined
      return serveGeneration(request, reply, route, { ...body, maxTokens }, shape, (engine, params) =>
        engine.chat(messages, params),
      )
    },
  )
}
