import { DescribeKeyPairsCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2'
import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import { type CloudAdapter, createEc2Adapter, type DeployPlan } from '../src/index.js'
import { sshEd25519PublicKey } from './support/ssh-key.js'

const REGION = 'us-east-1'
const AMI = 'ami-03cf127a' // one of moto's bundled images; AMI validation is on
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' }
const userData = '#!/bin/sh\nnpx @synkti/provider-node start\n'
let clusters = 0
const newCluster = () => `ec2-${process.pid}-${++clusters}`

function adapter(cluster = newCluster()): CloudAdapter {
  return createEc2Adapter({
    cluster,
    region: REGION,
    endpoint: inject('motoUrl'),
    credentials,
    terminateWaitMs: 10_000,
  })
}

/** Reads moto directly, not through the adapter, so a bug in the adapter's listing cannot hide leftovers. */
async function leftovers(cluster: string) {
  const raw = new EC2Client({ region: REGION, endpoint: inject('motoUrl'), credentials })
  const filter = [{ Name: 'tag:synkti:cluster', Values: [cluster] }]
  const groups = await raw.send(new DescribeSecurityGroupsCommand({ Filters: filter }))
  const keys = await raw.send(new DescribeKeyPairsCommand({ Filters: filter }))
  const live = await adapter(cluster).list()
  return { groups: groups.SecurityGroups?.length ?? 0, keys: keys.KeyPairs?.length ?? 0, machines: live.length }
}

const plan = (machines: DeployPlan['machines']): DeployPlan => ({
  firewall: { ingress: [{ protocol: 'tcp', port: 4001, sources: ['0.0.0.0/0'] }] },
  sshKey: { publicKey: sshEd25519PublicKey() },
  machines,
})

describe('EC2 adapter against moto', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('launches a one-time spot worker, lists, describes and terminates it, all by cluster tag', async () => {
    const a = adapter()
    const other = adapter()
    const m = await a.launch({
      instanceType: 'g5.xlarge',
      image: AMI,
      userData,
      market: { kind: 'spot', maxPricePerHour: '0.9' },
    })
    await other.launch({ instanceType: 'g5.xlarge', image: AMI, userData })
    expect(m).toMatchObject({
      cloud: 'aws',
      cluster: a.cluster,
      role: 'worker',
      instanceType: 'g5.xlarge',
      spot: true,
      region: REGION,
    })
    expect((await a.list()).map((x) => x.id)).toEqual([m.id])
    expect(await a.describe(m.id)).toMatchObject({ id: m.id, spot: true })
    await expect(other.describe(m.id)).rejects.toMatchObject({ name: 'MachineNotFoundError' })
    await a.terminate(m.id)
    expect(await a.list()).toEqual([])
    await other.destroyCluster()
  })

  it('deploys firewall, key and machines in one scope and releases them all when it ends', async () => {
    const a = adapter()
    {
      await using deployment = await a.deploy(plan([{ instanceType: 'g5.xlarge', image: AMI, userData }]))
      expect(deployment.resources.map((r) => r.kind)).toEqual(['firewall', 'ssh-key', 'machine'])
      expect(await leftovers(a.cluster)).toEqual({ groups: 1, keys: 1, machines: 1 })
      expect((await a.listOwned()).map((r) => r.kind).sort()).toEqual(['firewall', 'machine', 'ssh-key'])
    }
    expect(await leftovers(a.cluster)).toEqual({ groups: 0, keys: 0, machines: 0 })
  })

  it('releases the scope on error too', async () => {
    const a = adapter()
    const scope = async () => {
      await using deployment = await a.deploy(plan([{ instanceType: 'g5.xlarge', image: AMI, userData }]))
      expect(deployment.machines).toHaveLength(1)
      throw new Error('job failed')
    }
    await expect(scope()).rejects.toThrow('job failed')
    expect(await leftovers(a.cluster)).toEqual({ groups: 0, keys: 0, machines: 0 })
  })

  it('undoes a half-failed deploy: the fourth resource fails, the first three are gone', async () => {
    const a = adapter()
    const failing = a.deploy(
      plan([
        { instanceType: 'g5.xlarge', image: AMI, userData },
        { instanceType: 'not-a.type', image: AMI, userData },
      ]),
    )
    await expect(failing).rejects.toMatchObject({ name: 'CloudApiError', cloud: 'aws', operation: 'RunInstances' })
    expect(await leftovers(a.cluster)).toEqual({ groups: 0, keys: 0, machines: 0 })
  })

  it('reports an unknown AMI as CloudApiError with EC2 code', async () => {
    await expect(
      adapter().launch({ instanceType: 'g5.xlarge', image: 'ami-00000000', userData }),
    ).rejects.toMatchObject({
      name: 'CloudApiError',
      apiCode: expect.stringMatching(/InvalidAMIID/),
    })
  })

  it('keeps a detached deployment for destroyCluster()', async () => {
    const a = adapter()
    const deployment = await a.deploy(plan([{ instanceType: 'g5.xlarge', image: AMI, userData }]))
    const kept = deployment.detach()
    await deployment[Symbol.asyncDispose]()
    expect(await leftovers(a.cluster)).toEqual({ groups: 1, keys: 1, machines: 1 })
    const released = await a.destroyCluster()
    expect(released.map((r) => r.id).sort()).toEqual(kept.map((r) => r.id).sort())
    expect(await leftovers(a.cluster)).toEqual({ groups: 0, keys: 0, machines: 0 })
  })

  it("never deletes another cluster's security group or key pair, and treats gone as released", async () => {
    const owner = adapter()
    const firewall = await owner.createFirewall({ ingress: [] })
    const key = await owner.createSshKey({ publicKey: sshEd25519PublicKey() })
    for (const ref of [firewall, key]) {
      await expect(adapter().release(ref)).rejects.toMatchObject({ name: 'ResourceNotOwnedError', ref })
    }
    expect(await leftovers(owner.cluster)).toEqual({ groups: 1, keys: 1, machines: 0 })
    await owner.destroyCluster()
    await expect(owner.release(firewall)).resolves.toBeUndefined()
    await expect(owner.release(key)).resolves.toBeUndefined()
    expect(await leftovers(owner.cluster)).toEqual({ groups: 0, keys: 0, machines: 0 })
  })

  it('fails with MissingCredentialError naming the fix when the default chain finds nothing', async () => {
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ]) {
      vi.stubEnv(name, undefined)
    }
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials')
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config')
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true')
    const cluster = newCluster()
    const a = createEc2Adapter({ cluster, region: REGION, endpoint: inject('motoUrl') })
    const err = await a.deploy(plan([{ instanceType: 'g5.xlarge', image: AMI, userData }])).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'MissingCredentialError', cloud: 'aws' })
    expect(String((err as Error).message)).toContain('aws configure')
    expect(await leftovers(cluster)).toEqual({ groups: 0, keys: 0, machines: 0 })
  })
})
