/**
 * The node's HTTP API (fastify): /health, /status signed by the operator key, /jobs,
 * /jobs/:id, /metrics (prom-client) and a status page at /. See ./README.md.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client'
 * const registry = new Registry()
 * const metrics = createNodeMetrics(registry)          // settlement: metrics.attestationsSent.inc({ outcome: 'ok' })
 * await using api = await startNodeApi({ port: 7070, view, operator, registry, metrics,
 *   sign: (bytes) => operatorKey.sign(bytes) })
 * // a client:
 * const status = await verifyNodeStatus(await (await fetch(`${api.url}/status`)).json(), operator)
 * ```
 */
export * from './constants.js'
export { type ErrorBody, errorResponse } from './error-response.js'
export * from './errors.js'
export { createNodeMetrics, type NodeMetrics, type Outcome } from './metrics.js'
export { type NodeApiOptions, nodeApi } from './plugin.js'
export { buildNodeApi, type NodeApiServerOptions, type RunningNodeApi, startNodeApi } from './server.js'
export { type SignedNodeStatus, type StatusSigner, signNodeStatus, verifyNodeStatus } from './signed-status.js'
export type {
  HealthCheck,
  HealthReport,
  MintView,
  NetworkView,
  NodeDetails,
  NodeView,
  SeriesSamples,
} from './view.js'
