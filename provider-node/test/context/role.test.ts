import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RuntimeContext } from '@synkti/cloud'
import { nodeStatusSchema } from '@synkti/jobs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAemm } from '../../../packages/cloud/test/support/aemm.js'
import type { RunningTool } from '../../../packages/cloud/test/support/tools.js'
import { contextView, detectNodeContext, parseRoleOverride, roleOf } from '../../src/context/index.js'
import { freePort } from '../../src/runtime/free-port.js'

function dmiDir(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'dmi-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), `${text}\n`)
  return root
}

/** The view must be what the NodeStatus contract accepts. */
const parseView = (view: unknown) => nodeStatusSchema.shape.context.parse(view)

const hetzner: RuntimeContext = {
  kind: 'hetzner',
  instanceId: '5550001',
  hostname: 'w1',
  region: 'eu-central',
  zone: 'hel1-dc2',
  lifecycle: 'on-demand',
  evidence: [{ source: 'hetzner-metadata', ok: true, observed: 'server 5550001' }],
}
const ovh: RuntimeContext = {
  kind: 'ovh',
  instanceId: '0b6c',
  hostname: 'w1',
  zone: 'nova',
  lifecycle: 'on-demand',
  evidence: [{ source: 'openstack-metadata', ok: true, observed: 'openstack instance 0b6c' }],
}
const probedWorkstation: RuntimeContext = {
  kind: 'workstation',
  evidence: [{ source: 'dmi', ok: false, observed: 'sys_vendor="LENOVO"' }],
}
const assertedWorkstation: RuntimeContext = {
  kind: 'workstation',
  evidence: [{ source: 'override', ok: true, observed: '--context workstation' }],
}

describe('role and view from a context', () => {
  it('a cloud machine is a worker; a workstation a deployer', () => {
    expect(roleOf(hetzner)).toEqual({ role: 'worker', reason: 'hetzner instance 5550001: serves leases' })
    expect(roleOf(ovh).role).toBe('worker')
    expect(roleOf(probedWorkstation)).toMatchObject({ role: 'deployer', toServe: 'synkti-provider run --role worker' })
  })

  it('a node that will not serve says so, and the exact command that serves (issue 19, item 8)', () => {
    const workstation = roleOf(probedWorkstation)
    expect(workstation.reason).toBe(
      'workstation: deploys and watches workers; serves no leases and is not listed to consumers; to serve: synkti-provider run --role worker',
    )
    expect(roleOf(hetzner, parseRoleOverride('deployer'))).toEqual({
      role: 'deployer',
      reason:
        '--role deployer: serves no leases and is not listed to consumers; to serve: synkti-provider run --role worker',
      toServe: 'synkti-provider run --role worker',
    })
    // a worker has nothing to be told
    expect(roleOf(hetzner).toServe).toBeUndefined()
    expect(roleOf(probedWorkstation, parseRoleOverride('worker')).toServe).toBeUndefined()
  })

  it('--role wins over the context, and is parsed by name', () => {
    expect(roleOf(probedWorkstation, parseRoleOverride('worker'))).toEqual({ role: 'worker', reason: '--role worker' })
    expect(() => parseRoleOverride('miner')).toThrow(expect.objectContaining({ name: 'InvalidRoleOverrideError' }))
  })

  it('views carry region, zone and spot as the cloud reported them', () => {
    expect(parseView(contextView(hetzner))).toEqual({
      kind: 'hetzner',
      region: 'eu-central',
      zone: 'hel1-dc2',
      spot: false,
    })
    expect(parseView(contextView(ovh))).toEqual({ kind: 'ovh', zone: 'nova', spot: false })
  })

  it('a workstation asserted by --context (nothing probed) is an override; a probed one is a workstation', () => {
    expect(parseView(contextView(assertedWorkstation))).toEqual({ kind: 'override', spot: false })
    expect(parseView(contextView(probedWorkstation))).toEqual({ kind: 'workstation', spot: false })
  })
})

describe('detectNodeContext', () => {
  let spot: RunningTool
  let onDemand: RunningTool
  beforeAll(async () => {
    ;[spot, onDemand] = await Promise.all([startAemm([], { 'instance-life-cycle': 'spot' }), startAemm([])])
  })
  afterAll(() => Promise.all([spot.stop(), onDemand.stop()]))

  it('an EC2 spot instance (amazon-ec2-metadata-mock, IMDSv2) is a spot worker', async () => {
    const node = await detectNodeContext({ metadataBaseUrl: spot.url, dmiRoot: dmiDir(), timeoutMs: 2000 })
    expect(node.role).toBe('worker')
    expect(node.reason).toBe('aws instance i-1234567890abcdef0: serves leases')
    expect(parseView(node.view)).toEqual({ kind: 'aws', region: 'us-east-1', zone: 'us-east-1f', spot: true })
  })

  it('an on-demand EC2 instance is a worker that is not spot', async () => {
    const node = await detectNodeContext({ metadataBaseUrl: onDemand.url, dmiRoot: dmiDir(), timeoutMs: 2000 })
    expect(node).toMatchObject({ role: 'worker', view: { kind: 'aws', spot: false } })
  })

  it('nothing answering means a workstation, hence a deployer; --context workstation probes nothing', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    const probed = await detectNodeContext({ metadataBaseUrl: closed, dmiRoot: dmiDir(), timeoutMs: 500 })
    expect(probed).toMatchObject({ role: 'deployer', view: { kind: 'workstation', spot: false } })
    const asserted = await detectNodeContext({ override: 'workstation', metadataBaseUrl: closed, role: 'worker' })
    expect(asserted).toMatchObject({ role: 'worker', reason: '--role worker', view: { kind: 'override' } })
  })

  it('a bad --context is the cloud package’s named error', async () => {
    await expect(detectNodeContext({ override: 'gcp' })).rejects.toMatchObject({ name: 'InvalidContextOverrideError' })
  })
})
