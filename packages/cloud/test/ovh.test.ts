import https from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CloudAdapter, createOvhAdapter, type OvhCredentials, parseOvhName } from '../src/index.js'
import { OVH_REGION, selfSignedCertificate, startOvhStandin } from './support/ovh-standin.js'
import { sshEd25519PublicKey } from './support/ssh-key.js'

const credentials: OvhCredentials = { appKey: 'ak', appSecret: 'as', consumerKey: 'ck', projectId: 'proj-1' }
const userData = '#cloud-config\nruncmd: [[npx, "@synkti/provider-node", start]]\n'
let standin: Awaited<ReturnType<typeof startOvhStandin>>
let savedCa: unknown
let clusters = 0

beforeAll(async () => {
  const tls = selfSignedCertificate()
  standin = await startOvhStandin({ ...credentials, quotaExceeded: ['l4-90'] }, tls)
  // node-ovh calls https.request without an agent, so the global agent must trust the throwaway CA.
  savedCa = https.globalAgent.options.ca
  https.globalAgent.options.ca = tls.cert
})
afterAll(async () => {
  https.globalAgent.options.ca = savedCa as string | undefined
  await standin.close()
})

function adapter(cluster = `ovh-${++clusters}`, given: Partial<OvhCredentials> = credentials): CloudAdapter {
  return createOvhAdapter({
    cluster,
    region: OVH_REGION,
    credentials: given,
    env: {},
    endpoint: { host: '127.0.0.1', port: standin.port, basePath: '/1.0' },
    pollMs: 10,
  })
}

function leftovers(cluster: string) {
  const mine = (name: string) => parseOvhName(name)?.cluster === cluster
  return {
    instances: [...standin.instances.values()].filter((i) => mine(String(i.name))).length,
    sshKeys: [...standin.sshKeys.values()].filter((k) => mine(k.name)).length,
  }
}

describe('OVH adapter against the loopback API stand-in (node-ovh, signed requests)', () => {
  it('launches by flavor and image name, signs every call, lists only its cluster', async () => {
    const a = adapter()
    const b = adapter()
    const m = await a.launch({ instanceType: 'b2-7', image: 'Ubuntu 24.04', userData })
    await b.launch({ instanceType: 'b2-7', image: 'Ubuntu 24.04', userData })
    expect(m).toMatchObject({
      cloud: 'ovh',
      cluster: a.cluster,
      role: 'worker',
      instanceType: 'b2-7',
      region: OVH_REGION,
      spot: false,
    })
    const created = standin.requests.find((r) => r.method === 'POST' && r.path.endsWith('/instance'))
    expect(created?.body).toMatchObject({
      flavorId: 'f-b2-7',
      imageId: 'img-ubuntu-2404',
      region: OVH_REGION,
      userData,
    })
    for (const h of ['x-ovh-application', 'x-ovh-consumer', 'x-ovh-timestamp', 'x-ovh-signature']) {
      expect(created?.headers[h]).toBeDefined()
    }
    expect((await a.list()).map((x) => x.id)).toEqual([m.id])
    // The stand-in moves BUILD → ACTIVE on the first read, as an instance finishes booting.
    expect((await a.describe(m.id)).state).toBe('pending')
    expect((await a.describe(m.id)).state).toBe('running')
    await expect(b.describe(m.id)).rejects.toMatchObject({ name: 'MachineNotFoundError' })
    await a.terminate(m.id)
    expect(leftovers(a.cluster).instances).toBe(0)
    await b.destroyCluster()
    expect(leftovers(b.cluster)).toEqual({ instances: 0, sshKeys: 0 })
  })

  it('deploys key and instances in a scope and releases them at its end', async () => {
    const a = adapter()
    {
      await using deployment = await a.deploy({
        sshKey: { publicKey: sshEd25519PublicKey() },
        machines: [{ instanceType: 'b2-7', image: 'img-ubuntu-2404', userData }],
      })
      expect(deployment.resources.map((r) => r.kind)).toEqual(['ssh-key', 'machine'])
      expect(leftovers(a.cluster)).toEqual({ instances: 1, sshKeys: 1 })
      expect(standin.requests.findLast((r) => r.method === 'POST' && r.path.endsWith('/instance'))?.body).toMatchObject(
        {
          sshKeyId: deployment.resources[0]?.id,
        },
      )
    }
    expect(leftovers(a.cluster)).toEqual({ instances: 0, sshKeys: 0 })
  })

  it('undoes a half-failed deploy: the third resource hits a quota, key and first instance are deleted', async () => {
    const a = adapter()
    const err = await a
      .deploy({
        sshKey: { publicKey: sshEd25519PublicKey() },
        machines: [
          { instanceType: 'b2-7', image: 'Ubuntu 24.04', userData },
          { instanceType: 'l4-90', image: 'Ubuntu 24.04', userData },
        ],
      })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'CloudApiError', cloud: 'ovh', status: 400 })
    expect((err as Error).message).toContain('Quota exceeded')
    expect(leftovers(a.cluster)).toEqual({ instances: 0, sshKeys: 0 })
  })

  it("never deletes another cluster's key", async () => {
    const owner = adapter()
    const key = await owner.createSshKey({ publicKey: sshEd25519PublicKey() })
    await expect(adapter().release(key)).rejects.toMatchObject({ name: 'ResourceNotOwnedError', ref: key })
    expect(leftovers(owner.cluster).sshKeys).toBe(1)
    await owner.destroyCluster()
    expect(leftovers(owner.cluster).sshKeys).toBe(0)
  })

  it('refuses firewalls and spot before creating anything', async () => {
    const before = standin.requests.length
    const machine = { instanceType: 'b2-7', image: 'Ubuntu 24.04', userData }
    await expect(adapter().deploy({ firewall: { ingress: [] }, machines: [machine] })).rejects.toMatchObject({
      name: 'UnsupportedFeatureError',
    })
    await expect(adapter().deploy({ machines: [{ ...machine, market: { kind: 'spot' } }] })).rejects.toMatchObject({
      name: 'SpotUnavailableError',
    })
    expect(standin.requests.length).toBe(before)
  })

  it('names every missing credential and sends nothing', async () => {
    const before = standin.requests.length
    const err = await adapter(undefined, { appKey: 'ak' })
      .deploy({ machines: [{ instanceType: 'b2-7', image: 'x', userData }] })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({
      name: 'MissingCredentialError',
      cloud: 'ovh',
      missing: ['OVH_APPLICATION_SECRET', 'OVH_CONSUMER_KEY', 'OVH_CLOUD_PROJECT_SERVICE'],
    })
    expect((err as Error).message).toContain('https://eu.api.ovh.com/createToken/')
    expect(standin.requests.length).toBe(before)
  })

  it('maps a rejected consumer key to InvalidCredentialError and a bad signature to CloudApiError', async () => {
    await expect(adapter(undefined, { ...credentials, consumerKey: 'revoked' }).list()).rejects.toMatchObject({
      name: 'InvalidCredentialError',
      cloud: 'ovh',
    })
    await expect(adapter(undefined, { ...credentials, appSecret: 'wrong' }).list()).rejects.toMatchObject({
      name: 'CloudApiError',
      status: 400,
      message: expect.stringContaining('Invalid signature'),
    })
  })
})
