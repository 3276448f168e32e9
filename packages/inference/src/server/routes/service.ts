import type { FastifyPluginAsync } from 'fastify'
import type { GenerateRoute } from '../generate.js'
import { errorResponseSchema, openAIError } from '../openai.js'

const modelsResponseSchema = {
  type: 'object',
  properties: {
    object: { type: 'string' },
    data: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          object: { type: 'string' },
          created: { type: 'integer' },
          owned_by: { type: 'string' },
          root: { type: 'string' },
          max_model_len: { type: 'integer' },
        },
      },
    },
  },
} as const

/** `/health` (200 once the weights are loaded, 503 before), `/v1/models` and `/metrics`. */
export const serviceRoutes: FastifyPluginAsync<GenerateRoute> = async (app, { served, metrics }) => {
  app.get('/health', { schema: { response: { 200: {}, 503: errorResponseSchema } } }, async (_request, reply) => {
    if (served.engine !== undefined) return reply.code(200).send()
    const failure = served.failure
    return reply
      .code(503)
      .send(
        failure === undefined
          ? openAIError('model loading', 'service_unavailable')
          : openAIError(`model failed to load: ${failure.name}: ${failure.message}`, 'service_unavailable'),
      )
  })

  app.get('/v1/models', { schema: { response: { 200: modelsResponseSchema } } }, async () => ({
    object: 'list',
    data: [
      {
        id: served.name,
        object: 'model',
        created: served.created,
        owned_by: 'synkti',
        // vLLM's `root` is where the weights came from; here it is what they are.
        root: `sha256:${served.sha256}`,
        ...(served.engine === undefined ? {} : { max_model_len: served.engine.contextSize }),
      },
    ],
  }))

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics()
    return reply.type(metrics.registry.contentType).send(text)
  })
}
