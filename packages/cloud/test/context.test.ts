import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectContext } from '../src/index.js'
import { startAemm } from './support/aemm.js'
import { startStandin } from './support/http-standin.js'
import { freePort, type RunningTool } from './support/tools.js'

function dmiDir(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'dmi-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), `${text}\n`)
  return root
}

const HETZNER_YAML = 'availability-zone: hel1-dc2\nhostname: synkti-w1\ninstance-id: 5550001\nregion: eu-central\n'
const OPENSTACK_JSON = {
  uuid: '0b6c-uuid',
  hostname: 'w1',
  name: 'synkti.c1.worker.ab',
  availability_zone: 'nova',
  project_id: 'proj-1',
}

describe('detectContext', () => {
  let aemmSpot: RunningTool
  let aemmOnDemand: RunningTool
  let closedUrl: string
  let silent: Server
  let silentUrl: string

  beforeAll(async () => {
    ;[aemmSpot, aemmOnDemand] = await Promise.all([startAemm([], { 'instance-life-cycle': 'spot' }), startAemm([])])
    closedUrl = `http://127.0.0.1:${await freePort()}`
    // Accepts connections and never answers: what a filtered link-local address looks like.
    silent = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const address = silent.address()
    silentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  })
  afterAll(async () => {
    await Promise.all([aemmSpot.stop(), aemmOnDemand.stop()])
    silent.close()
  })

  it('observes an EC2 spot instance through IMDSv2 (amazon-ec2-metadata-mock)', async () => {
    const ctx = await detectContext({ metadataBaseUrl: aemmSpot.url, dmiRoot: dmiDir(), timeoutMs: 2000 })
    expect(ctx).toMatchObject({
      kind: 'aws',
      instanceId: 'i-1234567890abcdef0',
      instanceType: 'm4.xlarge',
      region: 'us-east-1',
      zone: 'us-east-1f',
      lifecycle: 'spot',
    })
    expect(ctx.evidence).toContainEqual(expect.objectContaining({ source: 'aws-imds', ok: true }))
  })

  it('reports on-demand from the default life-cycle, and takes the DMI hint as the only probe', async () => {
    const dmiRoot = dmiDir({ sys_vendor: 'Amazon EC2', product_name: 'm4.xlarge' })
    const ctx = await detectContext({ metadataBaseUrl: aemmOnDemand.url, dmiRoot, timeoutMs: 2000 })
    expect(ctx).toMatchObject({ kind: 'aws', lifecycle: 'on-demand' })
    expect(ctx.evidence.map((e) => e.source)).toEqual(['dmi', 'aws-imds'])
    expect(ctx.evidence[0]?.observed).toContain('Amazon EC2')
  })

  it('observes a Hetzner server through its metadata service', async () => {
    const meta = await startStandin((req) =>
      req.path === '/hetzner/v1/metadata' ? { status: 200, text: HETZNER_YAML } : { status: 404 },
    )
    try {
      const ctx = await detectContext({
        metadataBaseUrl: meta.url,
        dmiRoot: dmiDir({ sys_vendor: 'Hetzner' }),
        timeoutMs: 2000,
      })
      expect(ctx).toMatchObject({
        kind: 'hetzner',
        instanceId: '5550001',
        hostname: 'synkti-w1',
        region: 'eu-central',
        zone: 'hel1-dc2',
        lifecycle: 'on-demand',
      })
    } finally {
      await meta.close()
    }
  })

  it('observes an OVH (OpenStack) instance without DMI help', async () => {
    const meta = await startStandin((req) =>
      req.path === '/openstack/latest/meta_data.json' ? { status: 200, body: OPENSTACK_JSON } : { status: 404 },
    )
    try {
      const ctx = await detectContext({ metadataBaseUrl: meta.url, dmiRoot: dmiDir(), timeoutMs: 2000 })
      expect(ctx).toMatchObject({ kind: 'ovh', instanceId: '0b6c-uuid', zone: 'nova', projectId: 'proj-1' })
      expect(ctx.evidence.filter((e) => !e.ok).map((e) => e.source)).toEqual(['dmi', 'aws-imds', 'hetzner-metadata'])
    } finally {
      await meta.close()
    }
  })

  it('is a workstation when nothing answers, with each failed probe as evidence', async () => {
    const dmiRoot = dmiDir({ sys_vendor: 'LENOVO', product_name: '21CB' })
    const ctx = await detectContext({ metadataBaseUrl: closedUrl, dmiRoot, timeoutMs: 500 })
    expect(ctx.kind).toBe('workstation')
    expect(ctx.evidence.map((e) => [e.source, e.ok])).toEqual([
      ['dmi', false],
      ['aws-imds', false],
      ['hetzner-metadata', false],
      ['openstack-metadata', false],
    ])
    expect(ctx.evidence[1]?.observed).toContain('ECONNREFUSED')
  })

  it('gives up on a silent metadata address after the probe timeout', async () => {
    const ctx = await detectContext({ metadataBaseUrl: silentUrl, dmiRoot: dmiDir(), timeoutMs: 200 })
    expect(ctx.kind).toBe('workstation')
    expect(ctx.evidence[1]?.observed).toContain('no answer within 200 ms')
  })

  it('fails with MetadataUnavailableError when DMI says EC2 but IMDS is silent', async () => {
    const err = await detectContext({
      metadataBaseUrl: closedUrl,
      dmiRoot: dmiDir({ sys_vendor: 'Amazon EC2' }),
      timeoutMs: 500,
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'MetadataUnavailableError', cloud: 'aws' })
    expect((err as Error).message).toContain('modify-instance-metadata-options')
  })

  it('honours --context: workstation probes nothing, a cloud must answer, junk is named', async () => {
    const meta = await startStandin(() => ({ status: 404 }))
    try {
      const ws = await detectContext({ override: 'workstation', metadataBaseUrl: meta.url })
      expect(ws).toEqual({
        kind: 'workstation',
        evidence: [{ source: 'override', ok: true, observed: '--context workstation' }],
      })
      expect(meta.requests).toHaveLength(0)
      const forced = await detectContext({
        override: 'aws',
        metadataBaseUrl: aemmSpot.url,
        dmiRoot: dmiDir(),
        timeoutMs: 2000,
      })
      expect(forced.evidence[0]).toEqual({ source: 'override', ok: true, observed: '--context aws' })
      await expect(
        detectContext({ override: 'hetzner', metadataBaseUrl: aemmSpot.url, dmiRoot: dmiDir(), timeoutMs: 2000 }),
      ).rejects.toMatchObject({
        name: 'MetadataUnavailableError',
        cloud: 'hetzner',
      })
      await expect(detectContext({ override: 'gcp' })).rejects.toMatchObject({ name: 'InvalidContextOverrideError' })
    } finally {
      await meta.close()
    }
  })
})
