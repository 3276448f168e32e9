import { type JobView, parseNodeStatus } from '@synkti/jobs'
import { publicKeyFromSolanaAddress } from '@synkti/p2p'
import type { FastifyPluginAsync } from 'fastify'
import type { Registry } from 'prom-client'
import { CONTENT_SECURITY_POLICY } from './constants.js'
import { errorResponse } from './error-response.js'
import { JobNotFoundError, RouteNotFoundError } from './errors.js'
import { createNodeMetrics } from './metrics.js'
import { loadPageAssets } from './page.js'
import {
  healthBodySchema,
  jobParamsSchema,
  jobsQuerySchema,
  jobViewJsonSchema,
  nodeDetailsSchema,
  responses,
} from './schemas.js'
import { type SignedNodeStatus, type StatusSigner, signNodeStatus, verifyNodeStatus } from './signed-status.js'
import type { NodeView } from './view.js'

export interface NodeApiOptions {
  view: NodeView
  /** Ed25519 signature by the operator key, e.g. `(bytes) => operatorKey.sign(bytes)` */
  sign: StatusSigner
  /** the operator's base58 address: the key `sign` signs with */
  operator: string
  /** /metrics serves this registry: the node's metrics (createNodeMetrics) and whatever else it registers */
  registry: Registry
}

/**
 * The node's HTTP API as an encapsulated fastify plugin: /health, /status (signed), /jobs,
 * /jobs/:id, /node (what the status page shows beyond the status), /metrics and the status page at /. Build it apart from listen() (startNodeApi)
 * so tests drive it with inject().
 */
export const nodeApi: FastifyPluginAsync<NodeApiOptions> = async (app, options) => {
  const { view, sign, operator, registry } = options
  publicKeyFromSolanaAddress(operator) // fail at start, not on the first /status, on a bad address
  const metrics = createNodeMetrics(registry) // the node's own instance if it created them first
  const assets = await loadPageAssets()

  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body } = errorResponse(error)
    if (statusCode >= 500) request.log.error({ err: error }, body.message)
    return reply.code(statusCode).send(body)
  })
  app.setNotFoundHandler((request) => {
    throw new RouteNotFoundError(request.method, request.url)
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    reply.header('cache-control', 'no-store')
    return payload
  })

  app.get(
    '/health',
    { schema: { response: responses({ 200: healthBodySchema, 503: healthBodySchema }) } },
    (_, reply) => {
      const report = view.health()
      const checks = report.checks ?? []
      if (report.ok) {
        // degraded is still 200: the node serves, but says what it lacks (no peers yet)
        const degraded = checks
          .filter((c) => c.ok && c.degraded === true)
          .map((c) => `${c.name}: ${c.detail ?? 'degraded'}`)
        return degraded.length > 0
          ? { ok: true, status: 'degraded', reasons: degraded, checks }
          : { ok: true, status: 'ok', checks }
      }
      const failing = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail ?? 'failing'}`)
      return reply.code(503).send({
        ok: false,
        status: 'failing',
        reasons: failing.length > 0 ? failing : ['node reports unhealthy'],
        checks,
      })
    },
  )

  app.get('/node', { schema: { response: responses({ 200: nodeDetailsSchema }) } }, () => {
    return view.details?.() ?? { network: null, tokens: null, series: [] }
  })

  // No response schema: the signature covers the body exactly as JSON.stringify writes it.
  app.get('/status', async (): Promise<SignedNodeStatus> => {
    const signed = await signNodeStatus(parseNodeStatus(await view.status()), sign)
    // A signer holding another key than `operator` is a misconfiguration; never serve what clients reject.
    await verifyNodeStatus(signed, operator)
    return signed
  })

  app.get<{ Querystring: { state?: JobView['state'] } }>(
    '/jobs',
    {
      schema: {
        querystring: jobsQuerySchema,
        response: responses({ 200: { type: 'array', items: jobViewJsonSchema } }),
      },
    },
    (request) => {
      const { state } = request.query
      return state === undefined ? view.jobs() : view.jobs().filter((job) => job.state === state)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/jobs/:id',
    { schema: { params: jobParamsSchema, response: responses({ 200: jobViewJsonSchema }) } },
    (request) => {
      const job = view.jobs().find((j) => j.jobId === request.params.id)
      if (job === undefined) throw new JobNotFoundError(request.params.id)
      return job
    },
  )

  app.get('/metrics', async (_, reply) => {
    metrics.observe(parseNodeStatus(await view.status()))
    return reply.type(registry.contentType).send(await registry.metrics())
  })

  for (const asset of assets) {
    app.get(asset.route, (_, reply) => reply.type(asset.contentType).send(asset.body))
  }
}
