import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'

export interface StandinRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  rawBody: string
  body: unknown
  /** Full request target as sent (path + query), for signature checks. */
  target: string
}

/** `body` is sent as JSON; `text` as plain text (e.g. Hetzner's YAML metadata). */
export type StandinReply = { status: number; body?: unknown; text?: string }
export type StandinHandler = (req: StandinRequest) => StandinReply

export interface Standin {
  url: string
  port: number
  /** Every request seen, in order, for assertions on what the adapter sent. */
  requests: StandinRequest[]
  close(): Promise<void>
}

/** A loopback HTTP(S) server that hands parsed requests to one handler and writes JSON replies. */
export async function startStandin(handler: StandinHandler, tls?: { key: string; cert: string }): Promise<Standin> {
  const requests: StandinRequest[] = []
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const target = req.url ?? '/'
      const url = new URL(target, 'http://127.0.0.1')
      const rawBody = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody)
      } catch {
        body = rawBody
      }
      const parsed: StandinRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        body,
        target,
      }
      requests.push(parsed)
      let reply: StandinReply
      try {
        reply = handler(parsed)
      } catch (err) {
        reply = { status: 500, body: { message: String(err) } }
      }
      if (reply.text !== undefined) {
        res.writeHead(reply.status, { 'content-type': 'text/plain' })
        res.end(reply.text)
        return
      }
      res.writeHead(reply.status, { 'content-type': 'application/json' })
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body))
    })
  }
  const server: Server = tls === undefined ? createHttpServer(onRequest) : createHttpsServer(tls, onRequest)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
