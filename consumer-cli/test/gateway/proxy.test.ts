import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { type ProxyInit, type RunningProxy, startProxy } from '../../src/gateway/proxy.js'
import type { Route } from '../../src/gateway/route.js'

/** A stand-in upstream: answers with its name, the path and the body it got. */
async function upstream(name: string, status = 200): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ name, path: req.url, body: Buffer.concat(chunks).toString() }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

const running: { close(): Promise<void> | void }[] = []
afterEach(async () => {
  for (const r of running.splice(0)) await r.close()
})

function route(endpoint: string): Route {
  return { lease: 'lease', operator: 'op', provider: 'prov', endpoint }
}

async function proxy(
  over: Partial<ProxyInit> & Pick<ProxyInit, 'route'>,
): Promise<RunningProxy & { answered: number[] }> {
  const answered: number[] = []
  const p = await startProxy({
    host: '127.0.0.1',
    port: 0,
    refresh: async () => {},
    deadlineMs: 2_000,
    onAnswered: (status) => answered.push(status),
    onHeldTooLong: () => {},
    own: async (path) =>
      path === '/_synkti/status' ? { status: 200, type: 'application/json', body: '{"ok":true}' } : undefined,
    ...over,
  })
  running.push(p)
  return Object.assign(p, { answered })
}

const post = (url: string, body: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })

describe('the gateway proxy', () => {
  it('forwards method, path and body to the current endpoint and streams the answer back', async () => {
    const a = await upstream('a')
    running.push({ close: () => void a.server.close() })
    const p = await proxy({ route: () => route(a.url) })
    const res = await post(`${p.url}/v1/completions`, '{"prompt":"hi"}')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'a', path: '/v1/completions', body: '{"prompt":"hi"}' })
    expect(p.answered).toEqual([200])
  })

  it('holds a request while no endpoint is known and serves it once one appears', async () => {
    const a = await upstream('a')
    running.push({ close: () => void a.server.close() })
    let current: Route | undefined
    setTimeout(() => {
      current = route(a.url)
    }, 600)
    const p = await proxy({ route: () => current })
    const res = await post(`${p.url}/v1/completions`, '{}')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { name: string }).name).toBe('a')
  })

  it('moves to the new endpoint when the old one refuses (a failover), asking for a fresh route', async () => {
    const dead = await upstream('dead')
    await new Promise<void>((r) => dead.server.close(() => r()))
    const b = await upstream('b')
    running.push({ close: () => void b.server.close() })
    let current = route(dead.url)
    let refreshed = 0
    const p = await proxy({
      route: () => current,
      refresh: async () => {
        refreshed++
        current = route(b.url)
      },
    })
    const res = await post(`${p.url}/v1/chat/completions`, '{}')
    expect(((await res.json()) as { name: string }).name).toBe('b')
    expect(refreshed).toBeGreaterThan(0)
  })

  it('retries an endpoint answering 503 (draining) and passes other errors through', async () => {
    const draining = await upstream('draining', 503)
    const bad = await upstream('bad', 400)
    running.push({ close: () => void draining.server.close() }, { close: () => void bad.server.close() })
    const p = await proxy({ route: () => route(bad.url) })
    expect((await post(`${p.url}/v1/completions`, '{}')).status).toBe(400)
    const held: { path: string; waitedMs: number }[] = []
    const q = await proxy({
      route: () => route(draining.url),
      deadlineMs: 800,
      onHeldTooLong: (path, waitedMs) => held.push({ path, waitedMs }),
    })
    const res = await post(`${q.url}/v1/completions`, '{}')
    // at the deadline the last answer is passed on rather than a made-up one
    expect([503, 504]).toContain(res.status)
  })

  it('answers 504 GatewayDeadlineError when nothing serves within the deadline, and says so', async () => {
    const held: { path: string; waitedMs: number }[] = []
    const p = await proxy({
      route: () => undefined,
      deadlineMs: 700,
      onHeldTooLong: (path, waitedMs) => held.push({ path, waitedMs }),
    })
    const res = await post(`${p.url}/v1/completions`, '{}')
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ error: { name: 'GatewayDeadlineError' } })
    expect(held).toEqual([{ path: '/v1/completions', waitedMs: expect.any(Number) }])
  })

  it('serves its own pages and refuses bodies above the limit (413)', async () => {
    const p = await proxy({ route: () => undefined })
    expect(await (await fetch(`${p.url}/_synkti/status`)).json()).toEqual({ ok: true })
    const res = await post(`${p.url}/v1/completions`, 'x'.repeat(8 * 1024 * 1024 + 1))
    expect(res.status).toBe(413)
  })
})
