import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import { DEFAULT_API_HOST, MAX_PARAM_LENGTH } from './constants.js'
import { errorResponse } from './error-response.js'
import { type NodeApiOptions, nodeApi } from './plugin.js'

export interface NodeApiServerOptions extends NodeApiOptions {
  /** default 127.0.0.1: the API is the operator's, not the world's */
  host?: string
  /** 0 picks a free port */
  port: number
  logger?: FastifyServerOptions['logger']
}

export interface RunningNodeApi extends AsyncDisposable {
  /** e.g. http://127.0.0.1:7070 */
  url: string
  app: FastifyInstance
  close(): Promise<void>
}

/** The API as a fastify instance, ready but not listening (tests inject into it). */
export async function buildNodeApi(
  options: NodeApiOptions,
  logger: FastifyServerOptions['logger'] = false,
): Promise<FastifyInstance> {
  // the router's default (100) would answer a long id 414 before the schema can say what is wrong
  const app = Fastify({
    logger,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // errors the router raises before any route (undecodable URL, absurd parameter) get the same shape
    frameworkErrors: (error, _request, reply) => {
      const { statusCode, body } = errorResponse(error)
      return (reply as FastifyReply).code(statusCode).send(body)
    },
  })
  await app.register(nodeApi, options)
  await app.ready()
  return app
}

/** Listens on `host:port` (loopback by default); `await using` closes it. */
export async function startNodeApi(options: NodeApiServerOptions): Promise<RunningNodeApi> {
  const { host = DEFAULT_API_HOST, port, logger, ...api } = options
  const app = await buildNodeApi(api, logger)
  try {
    await app.listen({ host, port })
  } catch (err) {
    await app.close()
    throw err
  }
  const { port: bound } = app.server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`
  const close = () => app.close()
  return { url, app, close, [Symbol.asyncDispose]: close }
}
