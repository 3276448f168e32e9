import { describe, expect, it } from 'vitest'
import { type CloudAdapter, deployWith, destroyOwned, type ResourceRef } from '../src/index.js'

/**
 * An in-memory adapter whose creations and releases are recorded, for the ordering and failure rules of
 * deployWith() itself; the same rules run against moto and the stand-ins in the adapter suites.
 */
function recordingAdapter(opts: { failLaunchAt?: number; failReleaseOf?: string } = {}) {
  const log: string[] = []
  const live = new Map<string, ResourceRef>()
  let n = 0
  const create = (kind: ResourceRef['kind']): ResourceRef => {
    const ref: ResourceRef = { cloud: 'aws', kind, id: `${kind}-${++n}` }
    live.set(ref.id, ref)
    log.push(`create ${ref.id}`)
    return ref
  }
  let launches = 0
  const adapter: CloudAdapter = {
    cloud: 'aws',
    cluster: 'c1',
    capabilities: { spot: true, firewall: true },
    checkCredentials: async () => {},
    createFirewall: async () => create('firewall'),
    createSshKey: async () => create('ssh-key'),
    launch: async (spec) => {
      if (++launches === opts.failLaunchAt) throw new Error('capacity not available')
      const ref = create('machine')
      log.push(`  with ${spec.firewallIds?.join()} ${spec.sshKeyId}`)
      return {
        cloud: 'aws',
        id: ref.id,
        name: ref.id,
        cluster: 'c1',
        role: 'worker',
        instanceType: spec.instanceType,
        region: 'r',
        state: 'pending',
        spot: false,
      }
    },
    list: async () => [],
    describe: async () => {
      throw new Error('unused')
    },
    terminate: async () => {},
    release: async (ref) => {
      if (ref.id === opts.failReleaseOf) throw new Error('DependencyViolation')
      live.delete(ref.id)
      log.push(`release ${ref.id}`)
    },
    listOwned: async () =>
      [...live.values()].sort((a, b) => (a.kind === 'machine' ? -1 : b.kind === 'machine' ? 1 : 0)),
    deploy: (plan) => deployWith(adapter, plan),
    destroyCluster: () => destroyOwned(adapter),
  }
  return { adapter, log, live }
}

const machine = { instanceType: 't', image: 'i', userData: 'u' }
const plan = { firewall: { ingress: [] }, sshKey: { publicKey: 'k' }, machines: [machine, machine] }

describe('deployWith scope', () => {
  it('wires firewall and key into every launch and releases in reverse order', async () => {
    const { adapter, log, live } = recordingAdapter()
    {
      await using deployment = await adapter.deploy(plan)
      expect(deployment.disposed).toBe(false)
    }
    expect(log).toEqual([
      'create firewall-1',
      'create ssh-key-2',
      'create machine-3',
      '  with firewall-1 ssh-key-2',
      'create machine-4',
      '  with firewall-1 ssh-key-2',
      'release machine-4',
      'release machine-3',
      'release ssh-key-2',
      'release firewall-1',
    ])
    expect(live.size).toBe(0)
  })

  it('rethrows the original error after undoing a half-done deploy', async () => {
    const { adapter, live } = recordingAdapter({ failLaunchAt: 2 })
    await expect(adapter.deploy(plan)).rejects.toThrow('capacity not available')
    expect(live.size).toBe(0)
  })

  it('reports what an undo could not delete as CleanupFailedError, original error as cause', async () => {
    const { adapter, live } = recordingAdapter({ failLaunchAt: 2, failReleaseOf: 'firewall-1' })
    const err = await adapter.deploy(plan).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'CleanupFailedError', leftovers: [{ kind: 'firewall', id: 'firewall-1' }] })
    expect(((err as Error).cause as AggregateError).errors[0]).toMatchObject({ message: 'capacity not available' })
    expect([...live.keys()]).toEqual(['firewall-1'])
  })

  it('releases once: a second dispose does nothing, and detach() keeps everything', async () => {
    const { adapter, log, live } = recordingAdapter()
    const deployment = await adapter.deploy(plan)
    await deployment.release()
    const releases = log.filter((l) => l.startsWith('release')).length
    await deployment[Symbol.asyncDispose]()
    expect(log.filter((l) => l.startsWith('release')).length).toBe(releases)

    const kept = await adapter.deploy(plan)
    expect(kept.detach().map((r) => r.kind)).toEqual(['firewall', 'ssh-key', 'machine', 'machine'])
    await kept[Symbol.asyncDispose]()
    expect(live.size).toBe(4)
    expect((await adapter.destroyCluster()).map((r) => r.kind)).toEqual(['machine', 'machine', 'firewall', 'ssh-key'])
    expect(live.size).toBe(0)
  })
})
