/**
 * The gateway's one stable URL: an HTTP server on loopback that forwards every request to the
 * lease's current endpoint. A request that finds no endpoint, or whose endpoint refuses or
 * fails while the lease moves, is held and retried until its deadline; only then does the
 * application see an error (504, `GatewayDeadlineError`). Responses stream through.
 */
import { createHash, type Hash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Route } from './route.js'

/** Request bodies above this are refused (413): prompts, not uploads. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024
/** How often a held request looks for an endpoint again. */
const RETRY_MS = 250
/** Hop-by-hop headers are the connection's own, not the request's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade'])

export interface ProxyInit {
  host: string
  port: number
  /** the endpoint to use now, if any */
  route: () => Route | undefined
  /** ask for a fresh route (the endpoint failed); resolves when looked up */
  refresh: () => Promise<void>
  deadlineMs: number
  /** one answered request: its status, the digest of its body and the route that answered it */
  onAnswered: (status: number, bodyDigest: Hash | null, route: Route) => void
  /** a request is on its way to `route`; the returned function is called when it is done there */
  track?: (route: Route) => () => void
  /** a request that exhausted its deadline */
  onHeldTooLong: (path: string, waitedMs: number) => void
  /** the gateway's own pages under `/_synkti/` */
  own: (path: string) => Promise<OwnPage | undefined>
  /**
   * The gateway's control endpoints (a non-GET under `/_synkti/`): handles the request itself
   * and resolves true, or false to let it through to the job.
   */
  control?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>
}

export interface OwnPage {
  status: number
  type: string
  body: string
}

export interface RunningProxy {
  url: string
  close(): Promise<void>
}

/** The request's body; past the limit the rest is read and dropped, then refused (413). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY_BYTES) chunks.push(c)
    })
    req.on('end', () =>
      size > MAX_BODY_BYTES
        ? reject(new RangeError(`request body of ${size} bytes is above ${MAX_BODY_BYTES}`))
        : resolve(Buffer.concat(chunks)),
    )
    req.on('error', reject)
  })
}

function forwardHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

/** A status an upstream gives while it is going away or not there yet: try elsewhere. */
const retryable = (status: number) => status === 502 || status === 503

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

export async function startProxy(init: ProxyInit): Promise<RunningProxy> {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/'
    const mine = path.startsWith('/_synkti/')
    if (mine && req.method !== 'GET' && req.method !== 'HEAD' && init.control !== undefined) {
      if (await init.control(req, res)) return
    }
    const own = mine ? await init.own(path) : undefined
    if (own !== undefined) {
      res.writeHead(own.status, { 'content-type': own.type }).end(own.body)
      return
    }
    let body: Buffer
    try {
      body = await readBody(req)
    } catch (err) {
      sendJson(res, 413, { error: { name: 'RequestTooLargeError', message: (err as Error).message } })
      return
    }
    const started = Date.now()
    const deadline = started + init.deadlineMs
    for (;;) {
      const route = init.route()
      if (route !== undefined) {
        const done = init.track?.(route)
        try {
          const upstream = await fetch(new URL(path, route.endpoint), {
            method: req.method ?? 'GET',
            headers: forwardHeaders(req),
            ...(body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
            signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
          })
          if (!retryable(upstream.status) || Date.now() >= deadline) {
            await relay(upstream, res, route)
            return
          }
          await upstream.body?.cancel()
        } catch (err) {
          // refused, reset or timed out: the endpoint is gone or going; look again. A response
          // that broke off while it was relayed cannot be taken back: the client sees it end.
          if (res.headersSent) throw err
        } finally {
          done?.()
        }
        void init.refresh()
      }
      if (Date.now() + RETRY_MS >= deadline) break
      await sleep(RETRY_MS)
    }
    const waited = Date.now() - started
    init.onHeldTooLong(path, waited)
    sendJson(res, 504, {
      error: {
        name: 'GatewayDeadlineError',
        message: `no endpoint of the lease answered within ${init.deadlineMs} ms (held ${waited} ms)`,
      },
    })
  }

  async function relay(upstream: Response, res: ServerResponse, route: Route): Promise<void> {
    const headers: Record<string, string> = {}
    upstream.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k)) headers[k] = v
    })
    res.writeHead(upstream.status, headers)
    const digest = upstream.ok ? createHash('sha256') : null
    if (upstream.body !== null) {
      for await (const chunk of Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream)) {
        digest?.update(chunk as Buffer)
        res.write(chunk)
      }
    }
    res.end()
    init.onAnswered(upstream.status, digest, route)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) sendJson(res, 502, { error: { name: err.name, message: err.message } })
      else res.destroy(err)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port, init.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${init.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
