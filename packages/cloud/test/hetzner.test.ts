import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CloudAdapter, createHetznerAdapter, type DeployPlan } from '../src/index.js'
import { startHetznerStandin } from './support/hetzner-standin.js'
import { sshEd25519PublicKey } from './support/ssh-key.js'

const TOKEN = 'hcloud-test-token'
const userData = '#cloud-config\nruncmd: [[npx, "@synkti/provider-node", start]]\n'
let standin: Awaited<ReturnType<typeof startHetznerStandin>>
let clusters = 0

beforeAll(async () => {
  standin = await startHetznerStandin(TOKEN)
})
afterAll(async () => {
  await standin.close()
})

function adapter(cluster = `hz-${++clusters}`, token: string | null = TOKEN): CloudAdapter {
  const env = token === null ? {} : { HCLOUD_TOKEN: token }
  return createHetznerAdapter({ cluster, baseUrl: standin.baseUrl, env, location: 'fsn1', actionPollMs: 10 })
}

/** Counts straight from the stand-in's state, not through the adapter under test. */
function leftovers(cluster: string) {
  const mine = (labels: Record<string, string>) => labels['synkti/cluster'] === cluster
  return {
    servers: [...standin.servers.values()].filter((s) => mine(s.labels)).length,
    firewalls: [...standin.firewalls.values()].filter((f) => mine(f.labels)).length,
    sshKeys: [...standin.sshKeys.values()].filter((k) => mine(k.labels)).length,
  }
}

const plan = (types: string[]): DeployPlan => ({
  firewall: { ingress: [{ protocol: 'tcp', port: 4001, sources: ['0.0.0.0/0', '::/0'] }] },
  sshKey: { publicKey: sshEd25519PublicKey() },
  machines: types.map((instanceType) => ({ instanceType, image: 'ubuntu-24.04', userData })),
})

describe('Hetzner adapter against the loopback API stand-in', () => {
  it('launches a labelled server and sees only its own cluster', async () => {
    const a = adapter()
    const b = adapter()
    const m = await a.launch({ instanceType: 'cx22', image: 'ubuntu-24.04', userData, nameSuffix: 'one' })
    await b.launch({ instanceType: 'cx22', image: 'ubuntu-24.04', userData })
    expect(m).toMatchObject({
      cloud: 'hetzner',
      cluster: a.cluster,
      role: 'worker',
      instanceType: 'cx22',
      region: 'fsn1',
      zone: 'fsn1-dc14',
      spot: false,
      state: 'pending',
    })
    expect(m.name).toBe(`synkti-${a.cluster}-worker-one`)
    const sent = standin.requests.findLast((r) => r.method === 'POST' && r.path === '/v1/servers')?.body as Record<
      string,
      unknown
    >
    expect(sent).toMatchObject({
      user_data: userData,
      labels: { 'synkti/cluster': b.cluster, 'synkti/role': 'worker' },
      location: 'fsn1',
    })
    expect((await a.list()).map((x) => x.id)).toEqual([m.id])
    await expect(b.describe(m.id)).rejects.toMatchObject({ name: 'MachineNotFoundError' })
    await a.terminate(m.id)
    expect(leftovers(a.cluster).servers).toBe(0)
    await b.destroyCluster()
    expect(leftovers(b.cluster)).toEqual({ servers: 0, firewalls: 0, sshKeys: 0 })
  })

  it('lists across pages with the cluster selector', async () => {
    const a = adapter()
    for (let i = 0; i < 3; i++) await a.launch({ instanceType: 'cx22', image: 'ubuntu-24.04', userData })
    const before = standin.requests.length
    const paged = createHetznerAdapter({ cluster: a.cluster, baseUrl: standin.baseUrl, token: TOKEN, pageSize: 2 })
    expect(await paged.list()).toHaveLength(3)
    const lists = standin.requests.slice(before).filter((r) => r.path === '/v1/servers')
    expect(lists.map((r) => r.query.get('page'))).toEqual(['1', '2'])
    expect(lists.every((r) => r.query.get('label_selector') === `synkti/cluster==${a.cluster}`)).toBe(true)
    await a.destroyCluster()
  })

  it('deploys firewall, key and servers in a scope and deletes them in reverse order at its end', async () => {
    const a = adapter()
    {
      await using deployment = await a.deploy(plan(['cx22', 'cpx31']))
      expect(deployment.machines).toHaveLength(2)
      expect(leftovers(a.cluster)).toEqual({ servers: 2, firewalls: 1, sshKeys: 1 })
      const server = standin.servers.get(Number(deployment.machines[0]?.id))
      expect(server?.firewalls).toEqual([Number(deployment.resources[0]?.id)])
    }
    // The firewall can only go once the servers' delete actions have finished: order matters.
    expect(leftovers(a.cluster)).toEqual({ servers: 0, firewalls: 0, sshKeys: 0 })
  })

  it('undoes a half-failed deploy (third resource refused) and surfaces the API error code', async () => {
    const a = adapter()
    const err = await a.deploy(plan(['cx22', 'gpu-does-not-exist'])).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'CloudApiError', cloud: 'hetzner', apiCode: 'invalid_input', status: 422 })
    expect(leftovers(a.cluster)).toEqual({ servers: 0, firewalls: 0, sshKeys: 0 })
  })

  it('refuses spot before creating anything', async () => {
    const a = adapter()
    const before = standin.requests.length
    await expect(
      a.deploy({ machines: [{ instanceType: 'cx22', image: 'ubuntu-24.04', userData, market: { kind: 'spot' } }] }),
    ).rejects.toMatchObject({ name: 'SpotUnavailableError' })
    expect(standin.requests.length).toBe(before)
  })

  it('fails with MissingCredentialError naming HCLOUD_TOKEN, sending nothing', async () => {
    const a = adapter(undefined, null)
    const before = standin.requests.length
    const err = await a.deploy(plan(['cx22'])).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'MissingCredentialError', cloud: 'hetzner', missing: ['HCLOUD_TOKEN'] })
    expect((err as Error).message).toContain('export HCLOUD_TOKEN=')
    expect(standin.requests.length).toBe(before)
  })

  it("never deletes another cluster's key or firewall", async () => {
    const owner = adapter()
    const key = await owner.createSshKey({ publicKey: sshEd25519PublicKey() })
    const firewall = await owner.createFirewall({ ingress: [] })
    for (const ref of [key, firewall]) {
      await expect(adapter().release(ref)).rejects.toMatchObject({ name: 'ResourceNotOwnedError', ref })
    }
    expect(leftovers(owner.cluster)).toMatchObject({ firewalls: 1, sshKeys: 1 })
    await owner.destroyCluster()
    expect(leftovers(owner.cluster)).toEqual({ servers: 0, firewalls: 0, sshKeys: 0 })
  })

  it('maps a rejected token to InvalidCredentialError', async () => {
    await expect(adapter(undefined, 'wrong').list()).rejects.toMatchObject({
      name: 'InvalidCredentialError',
      cloud: 'hetzner',
    })
  })
})
