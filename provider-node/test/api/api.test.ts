import { NODE_STATUS_DOMAIN } from '@synkti/jobs'
import { canonicalBytes } from '@synkti/p2p'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildNodeApi, CONTENT_SECURITY_POLICY, type SignedNodeStatus, verifyNodeStatus } from '../../src/api/index.js'
import { apiOptions, failover, jobView, newOperatorKey } from './fixtures.js'

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function setup() {
  const built = await apiOptions()
  app = await buildNodeApi(built.options)
  return { ...built, app }
}

describe('GET /health', () => {
  it('answers 200 { ok: true } while the node is healthy', async () => {
    const { app } = await setup()
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ ok: true, status: 'ok', checks: [{ name: 'rpc', ok: true }] })
  })

  it('answers 200 degraded, with the reasons, while a check is degraded (no peers)', async () => {
    const { app, view } = await setup()
    view.healthReport = {
      ok: true,
      checks: [
        { name: 'rpc', ok: true },
        { name: 'p2p', ok: true, degraded: true, detail: 'no peers: nobody has connected yet' },
        { name: 'dht', ok: true, detail: '3 DHT peers in the routing table' },
      ],
    }
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      ok: true,
      status: 'degraded',
      reasons: ['p2p: no peers: nobody has connected yet'],
    })
    expect(res.json().checks[1]).toEqual({
      name: 'p2p',
      ok: true,
      degraded: true,
      detail: 'no peers: nobody has connected yet',
    })
  })

  it('answers 503 with the failing checks as reasons', async () => {
    const { app, view } = await setup()
    view.healthReport = {
      ok: false,
      checks: [
        { name: 'rpc', ok: false, detail: 'http://127.0.0.1:8899 refused' },
        { name: 'settlement-queue', ok: true },
      ],
    }
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ ok: false, status: 'failing', reasons: ['rpc: http://127.0.0.1:8899 refused'] })
  })

  it('gives a reason even when the node reports no checks', async () => {
    const { app, view } = await setup()
    view.healthReport = { ok: false }
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(503)
    expect(res.json().reasons).toEqual(['node reports unhealthy'])
  })
})

describe('GET /node', () => {
  it("is what the view details: network, the market's mints, the sampled series", async () => {
    const { app, view } = await setup()
    const empty = await app.inject({ method: 'GET', url: '/node' })
    expect(empty.statusCode).toBe(200)
    expect(empty.json()).toEqual({ network: null, tokens: null, series: [] })
    view.nodeDetails = {
      network: {
        peerId: '12D3KooWExample',
        addresses: ['/ip4/127.0.0.1/tcp/4101/p2p/12D3KooWExample'],
        listen: ['/ip4/127.0.0.1/tcp/4101'],
        peers: 2,
        dhtPeers: 1,
      },
      tokens: { payment: { mint: 'Pay1', decimals: 6 }, stake: { mint: 'Stk1', decimals: 9 } },
      series: [
        {
          name: 'memory',
          threshold: 0.9,
          points: [
            [1_790_000_000, 0.41],
            [1_790_000_010, 0.43],
          ],
        },
      ],
    }
    expect((await app.inject({ method: 'GET', url: '/node' })).json()).toEqual(view.nodeDetails)
  })
})

describe('GET /status', () => {
  it('is the view signed by the operator key over the domain-tagged canonical body', async () => {
    const { app, view, operator } = await setup()
    const res = await app.inject({ method: 'GET', url: '/status' })
    expect(res.statusCode).toBe(200)
    const signed = res.json() as SignedNodeStatus
    expect(signed.body).toEqual(view.current)
    const bytes = canonicalBytes(NODE_STATUS_DOMAIN, signed.body)
    expect(await operator.key.publicKey.verify(bytes, Buffer.from(signed.signature, 'base64'))).toBe(true)
    expect(await verifyNodeStatus(signed, operator.address)).toEqual(view.current)
  })

  it('verification fails once the body is altered', async () => {
    const { app, operator } = await setup()
    const signed = (await app.inject({ method: 'GET', url: '/status' })).json() as SignedNodeStatus
    const altered = { ...signed, body: { ...signed.body, chain: { ...signed.body.chain, earned: '999999999' } } }
    await expect(verifyNodeStatus(altered, operator.address)).rejects.toMatchObject({
      name: 'InvalidStatusSignatureError',
    })
    const forged = { ...signed, signature: `${signed.signature.slice(0, -4)}AAA=` }
    await expect(verifyNodeStatus(forged, operator.address)).rejects.toMatchObject({
      name: 'InvalidStatusSignatureError',
    })
  })

  it('verification names the wrong signer', async () => {
    const { app } = await setup()
    const signed = (await app.inject({ method: 'GET', url: '/status' })).json() as SignedNodeStatus
    const someoneElse = await newOperatorKey()
    await expect(verifyNodeStatus(signed, someoneElse.address)).rejects.toMatchObject({
      name: 'StatusSignerMismatchError',
      expected: someoneElse.address,
      actual: signed.body.operator,
    })
    // a status naming the expected operator but signed by another key
    const impostor = { ...signed, body: { ...signed.body, operator: someoneElse.address } }
    await expect(verifyNodeStatus(impostor, someoneElse.address)).rejects.toMatchObject({
      name: 'InvalidStatusSignatureError',
    })
  })

  it('verification rejects what is not a signed status', async () => {
    const { operator } = await setup()
    for (const response of [null, [], { body: {} }, { signature: 'AA==' }, { body: [], signature: 'AA==' }]) {
      await expect(verifyNodeStatus(response, operator.address)).rejects.toMatchObject({
        name: 'MalformedNodeStatusError',
      })
    }
    await expect(verifyNodeStatus({ body: {}, signature: '' }, 'not-an-address')).rejects.toMatchObject({
      name: 'InvalidSolanaAddressError',
    })
  })

  it('a validly signed body outside the schema is malformed', async () => {
    const { operator } = await setup()
    const body = { operator: operator.address, v: 2 }
    const signature = Buffer.from(await operator.key.sign(canonicalBytes(NODE_STATUS_DOMAIN, body))).toString('base64')
    await expect(verifyNodeStatus({ body, signature }, operator.address)).rejects.toMatchObject({
      name: 'MalformedNodeStatusError',
    })
  })

  it('refuses to serve a status signed by a key other than the operator', async () => {
    const built = await apiOptions()
    const other = await newOperatorKey()
    app = await buildNodeApi({ ...built.options, sign: (bytes) => other.key.sign(bytes) })
    const res = await app.inject({ method: 'GET', url: '/status' })
    expect(res.statusCode).toBe(500)
    expect(res.json()).toMatchObject({ error: 'InvalidStatusSignatureError' })
  })

  it('names a failing signer and a view of another operator', async () => {
    const built = await apiOptions()
    app = await buildNodeApi({ ...built.options, sign: () => Promise.reject(new Error('HSM offline')) })
    const failing = await app.inject({ method: 'GET', url: '/status' })
    expect(failing.statusCode).toBe(500)
    expect(failing.json()).toEqual({ error: 'StatusSigningError', message: 'could not sign the node status' })

    built.view.current = { ...built.view.current, operator: (await newOperatorKey()).address }
    await app.close()
    app = await buildNodeApi(built.options)
    const mismatch = await app.inject({ method: 'GET', url: '/status' })
    expect(mismatch.statusCode).toBe(500)
    expect(mismatch.json()).toMatchObject({ error: 'StatusSignerMismatchError' })
  })

  it('a view outside the schema is a named 500, never signed', async () => {
    const { app, view } = await setup()
    view.current = { ...view.current, pricePerSecond: '-1' }
    const res = await app.inject({ method: 'GET', url: '/status' })
    expect(res.statusCode).toBe(500)
    expect(res.json()).toMatchObject({ error: 'MalformedNodeStatusError' })
    expect(res.json().message).toContain('pricePerSecond')
  })

  it('refuses to start with an operator that is not an address', async () => {
    const built = await apiOptions()
    await expect(buildNodeApi({ ...built.options, operator: 'nope' })).rejects.toMatchObject({
      name: 'InvalidSolanaAddressError',
    })
  })
})

describe('GET /jobs', () => {
  it('lists the jobs, filtered by state on request', async () => {
    const { app, view } = await setup()
    const healthy = await jobView({ jobId: 'a' })
    const starting = await jobView({ jobId: 'b', state: 'starting', endpoint: null, healthyAt: null })
    view.current = { ...view.current, jobs: [healthy, starting] }
    expect((await app.inject({ method: 'GET', url: '/jobs' })).json()).toEqual([healthy, starting])
    expect((await app.inject({ method: 'GET', url: '/jobs?state=starting' })).json()).toEqual([starting])
  })

  it('keeps fields outside the contract off the wire', async () => {
    const { app, view } = await setup()
    const job = await jobView()
    view.current = { ...view.current, jobs: [{ ...job, secretEnv: 'HF_TOKEN=hf_x' } as typeof job] }
    expect((await app.inject({ method: 'GET', url: '/jobs' })).json()).toEqual([job])
  })
})

describe('GET /jobs/:id', () => {
  it('returns one job', async () => {
    const { app, view } = await setup()
    const job = await jobView({ jobId: 'job-7' })
    view.current = { ...view.current, jobs: [await jobView({ jobId: 'job-6' }), job] }
    const res = await app.inject({ method: 'GET', url: '/jobs/job-7' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual(job)
  })
})

describe('errors and headers', () => {
  it.each([
    ['an unknown job', '/jobs/job-404', 404, { error: 'JobNotFoundError', message: 'no job "job-404" on this node' }],
    ['an id no job can have', `/jobs/${'x'.repeat(129)}`, 400, { error: 'InvalidRequestError' }],
    ['an id past the router limit', `/jobs/${'x'.repeat(600)}`, 414, { error: 'InvalidRequestError' }],
    ['an undecodable id', '/jobs/%E0%A4%A', 400, { error: 'InvalidRequestError' }],
    ['an unknown state filter', '/jobs?state=sleeping', 400, { error: 'InvalidRequestError', message: /state/ }],
    ['an unknown route', '/admin', 404, { error: 'RouteNotFoundError', message: 'no route GET /admin' }],
  ])('%s: %s answers %d, named', async (_, url, statusCode, body) => {
    const { app } = await setup()
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(statusCode)
    expect(res.json()).toMatchObject(body)
    expect(typeof res.json().message).toBe('string')
  })

  it('a view that throws is a 500 named after the error', async () => {
    const { app, view } = await setup()
    view.failure = new TypeError('lease table corrupt')
    const res = await app.inject({ method: 'GET', url: '/status' })
    expect(res.statusCode).toBe(500)
    expect(res.json()).toEqual({ error: 'TypeError', message: 'lease table corrupt' })
  })

  it('sends a self-only Content-Security-Policy on every response', async () => {
    const { app } = await setup()
    for (const url of ['/', '/status', '/jobs/none', '/metrics']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
    }
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/)
  })
})

describe('status page assets', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', '<script type="module" src="app.js">'],
    ['/app.js', 'text/javascript; charset=utf-8', "from './format.js'"],
    ['/format.js', 'text/javascript; charset=utf-8', 'export function formatDuration'],
    ['/style.css', 'text/css; charset=utf-8', 'system-ui'],
    ['/favicon.svg', 'image/svg+xml', '<svg'],
  ])('%s is served as %s', async (url, contentType, excerpt) => {
    const { app } = await setup()
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe(contentType)
    expect(res.body).toContain(excerpt)
  })

  it('loads nothing from elsewhere', async () => {
    const { app } = await setup()
    for (const url of ['/', '/app.js', '/format.js', '/style.css']) {
      expect((await app.inject({ method: 'GET', url })).body).not.toMatch(
        /(src|href)=["']?(https?:)?\/\/|url\(|@import/,
      )
    }
  })
})

describe('GET /metrics', () => {
  it('serves the node metrics and follows the view', async () => {
    const { app, view } = await setup()
    const scrape = async () => {
      const res = await app.inject({ method: 'GET', url: '/metrics' })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toContain('text/plain')
      return res.body
    }
    const before = await scrape()
    expect(before).toContain('synkti_node_jobs{state="healthy"} 0')
    expect(before).toContain('synkti_node_admitting 1')
    expect(before).toContain('synkti_node_attestations_queued 2')
    expect(before).toContain('synkti_node_staked_base_units 1500000000')
    expect(before).toContain('synkti_node_failover_risk 0.25')
    expect(before).toContain('synkti_node_attestations_sent_total{outcome="ok"} 0')
    expect(before).toContain('synkti_node_requests_proxied_total{outcome="ok"} 0')

    const job = await jobView()
    view.current = {
      ...view.current,
      admitting: false,
      jobs: [job, await jobView({ jobId: 'job-2' })],
      failovers: [failover(job.lease, ['serving', 'draining', 'selecting'], [60_000, 1_500])],
      settlement: { queued: 5, lastAttestedAt: 1_790_000_095, lastError: null },
      chain: null,
    }
    const during = await scrape()
    expect(during).toContain('synkti_node_jobs{state="healthy"} 2')
    expect(during).toContain('synkti_node_admitting 0')
    expect(during).toContain('synkti_node_attestations_queued 5')
    expect(during).toContain('synkti_node_chain_readable 0')
    expect(during).toContain('synkti_node_failovers_active{phase="selecting"} 1')
    expect(during).toContain('synkti_node_failover_phase_duration_seconds_sum{phase="draining"} 1.5')
    expect(during).toContain('synkti_node_failover_phase_duration_seconds_count{phase="serving"} 1')
    expect(during).toContain('synkti_node_failover_phase_duration_seconds_bucket{le="2.5",phase="draining"} 1')

    // the same status scraped again counts nothing twice
    expect(await scrape()).toContain('synkti_node_failover_phase_duration_seconds_count{phase="draining"} 1')

    view.current = {
      ...view.current,
      failovers: [failover(job.lease, ['serving', 'draining', 'selecting', 'restored'], [60_000, 1_500, 200])],
    }
    const after = await scrape()
    expect(after).toContain('synkti_node_failovers_total{trigger="interruption",outcome="restored"} 1')
    expect(after).toContain('synkti_node_failovers_active{phase="selecting"} 0')
    expect(after).toContain('synkti_node_failover_phase_duration_seconds_sum{phase="selecting"} 0.2')
    expect(after).not.toContain('phase="restored"')
    expect(await scrape()).toContain('synkti_node_failovers_total{trigger="interruption",outcome="restored"} 1')
  })

  it('counts what the node reports through the metrics it created on the registry', async () => {
    const built = await apiOptions()
    const { createNodeMetrics } = await import('../../src/api/index.js')
    const metrics = createNodeMetrics(built.options.registry)
    app = await buildNodeApi(built.options)
    metrics.attestationsSent.inc({ outcome: 'ok' })
    metrics.attestationsSent.inc({ outcome: 'error' })
    metrics.requestsProxied.inc({ outcome: 'ok' }, 3)
    const body = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(body).toContain('synkti_node_attestations_sent_total{outcome="ok"} 1')
    expect(body).toContain('synkti_node_attestations_sent_total{outcome="error"} 1')
    expect(body).toContain('synkti_node_requests_proxied_total{outcome="ok"} 3')
  })
})
