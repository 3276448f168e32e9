import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CloudAdapter } from '@synkti/cloud'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { sshEd25519PublicKey } from '../../../packages/cloud/test/support/ssh-key.js'
import type { RunningTool } from '../../../packages/cloud/test/support/tools.js'
import { type FleetTarget, fleetAdapter, fleetUp } from '../../src/fleet/index.js'
import { AMI, cli, fleetChain, fleetUpArgs, motoInstances, REGION, startMoto, stubAwsCredentials } from './support.js'

let clusters = 0
const newCluster = () => `apply-${process.pid}-${++clusters}`

let moto: RunningTool
beforeAll(async () => {
  moto = await startMoto()
})
afterAll(() => moto?.stop())
beforeEach(() => stubAwsCredentials())
afterEach(() => vi.unstubAllEnvs())

const adapterFor = (cluster: string) => fleetAdapter({ cloud: 'aws', cluster, region: REGION, endpoint: moto.url })
const targetFor = (cluster: string, count: number): FleetTarget => ({
  cloud: 'aws',
  cluster,
  region: REGION,
  count,
  instanceType: 'g5.xlarge',
  image: AMI,
  market: { kind: 'on-demand' },
})

/** The real moto-backed adapter, except that launch number `failAt` is refused (and, optionally, releases fail). */
function failing(real: CloudAdapter, failAt: number, releaseFails = false): CloudAdapter {
  let launches = 0
  return Object.assign(Object.create(real) as CloudAdapter, {
    launch: async (spec: Parameters<CloudAdapter['launch']>[0]) => {
      if (++launches === failAt) throw new Error('capacity: no g5.xlarge left')
      return real.launch(spec)
    },
    release: async (ref: Parameters<CloudAdapter['release']>[0]) => {
      if (releaseFails) throw new Error('api down')
      return real.release(ref)
    },
  })
}

describe('fleetUp against moto', () => {
  it('a launch failing half-way gives back everything this run created, and rethrows the cause', async () => {
    const cluster = newCluster()
    const real = adapterFor(cluster)
    await expect(
      fleetUp({ adapter: failing(real, 3), target: targetFor(cluster, 3), userData: '#!/bin/sh\n' }),
    ).rejects.toThrow('capacity: no g5.xlarge left')
    expect(await real.listOwned()).toEqual([])
  })

  it('keeps what existed before the run when a later launch fails', async () => {
    const cluster = newCluster()
    const real = adapterFor(cluster)
    const before = await fleetUp({ adapter: real, target: targetFor(cluster, 1), userData: '#!/bin/sh\n' })
    await expect(
      fleetUp({ adapter: failing(real, 2), target: targetFor(cluster, 3), userData: '#!/bin/sh\n' }),
    ).rejects.toThrow('capacity')
    const owned = await real.listOwned()
    expect(owned.map((r) => r.id).sort()).toEqual([before.created[0]?.id, before.firewall?.id].sort())
    await real.destroyCluster()
  })

  it('when the undo fails too, CleanupFailedError lists the leftovers (tagged, so fleet down can retry)', async () => {
    const cluster = newCluster()
    const real = adapterFor(cluster)
    const err = (await fleetUp({
      adapter: failing(real, 2, true),
      target: targetFor(cluster, 2),
      userData: '#!/bin/sh\n',
    }).catch((e: unknown) => e)) as Error & { leftovers: { kind: string }[] }
    expect(err).toMatchObject({ name: 'CleanupFailedError' })
    expect(err.leftovers.map((r) => r.kind).sort()).toEqual(['firewall', 'machine'])
    expect((await real.listOwned()).length).toBe(2)
    await real.destroyCluster()
    expect(await real.listOwned()).toEqual([])
  })

  it('--ssh-key imports the key once per cluster and every worker gets it', async () => {
    const cluster = newCluster()
    const dir = mkdtempSync(join(tmpdir(), 'fleet-key-'))
    const pub = join(dir, 'id_ed25519.pub')
    writeFileSync(pub, `${sshEd25519PublicKey()}\n`)
    const { config } = await fleetChain()
    const args = (count: number) => fleetUpArgs({ config, endpoint: moto.url, cluster, count }, '--ssh-key', pub)
    const first = (await cli(args(1))).json<{ sshKey: { id: string; created: boolean } }>()
    expect(first.sshKey).toEqual({ id: expect.stringContaining(cluster), created: true })
    const second = (await cli(args(2))).json<{ sshKey: { id: string; created: boolean } }>()
    expect(second.sshKey).toEqual({ id: first.sshKey.id, created: false })
    const { instances } = await motoInstances(moto.url, cluster)
    expect(instances.map((i) => i.KeyName)).toEqual([first.sshKey.id, first.sshKey.id])
    const owned = await adapterFor(cluster).listOwned()
    expect(owned.filter((r) => r.kind === 'ssh-key').map((r) => r.id)).toEqual([first.sshKey.id])
    await adapterFor(cluster).destroyCluster()
  })
})
