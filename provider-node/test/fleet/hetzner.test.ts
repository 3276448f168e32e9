import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { startHetznerStandin } from '../../../packages/cloud/test/support/hetzner-standin.js'
import type { FleetDownResult, FleetListResult, FleetUpResult } from '../../src/fleet/index.js'
import { cli, fleetChain } from './support.js'

const TOKEN = 'hcloud-test-token'
let standin: Awaited<ReturnType<typeof startHetznerStandin>>
beforeAll(async () => {
  standin = await startHetznerStandin(TOKEN)
})
afterAll(() => standin?.close())
afterEach(() => vi.unstubAllEnvs())

/** The same commands on another cloud: Hetzner (its documented API, served by packages/cloud's stand-in). */
describe('fleet on Hetzner', () => {
  it('up labels servers with the cluster, ls shows them, down gives back servers and firewall', async () => {
    vi.stubEnv('HCLOUD_TOKEN', TOKEN)
    const at = ['--cloud', 'hetzner', '--region', 'fsn1', '--cluster', 'hz', '--endpoint', standin.baseUrl]
    const up = await cli([
      ...['-c', (await fleetChain()).config, '--json', 'fleet', 'up', ...at, '--count', '2', '--instance-type', 'cx22'],
      ...['--image', 'ubuntu-24.04', '--gpu', 'RTX4000', '--vram', '20', '--context', 'workstation'],
    ])
    expect(up.error).toBeUndefined()
    const made = up.json<FleetUpResult>()
    expect(made.created.map((m) => [m.cloud, m.type, m.spot, m.zone])).toEqual([
      ['hetzner', 'cx22', false, 'fsn1-dc14'],
      ['hetzner', 'cx22', false, 'fsn1-dc14'],
    ])
    const servers = [...standin.servers.values()]
    expect(servers.map((s) => s.labels)).toEqual([
      { 'synkti/cluster': 'hz', 'synkti/role': 'worker' },
      { 'synkti/cluster': 'hz', 'synkti/role': 'worker' },
    ])
    expect(servers.every((s) => s.firewalls.length === 1)).toBe(true)

    const ls = await cli(['--json', 'fleet', 'ls', ...at])
    expect(
      ls
        .json<FleetListResult>()
        .machines.map((m) => m.id)
        .sort(),
    ).toEqual(made.created.map((m) => m.id).sort())

    const down = await cli(['--json', 'fleet', 'down', ...at])
    expect(down.json<FleetDownResult>().destroyed.map((r) => r.kind)).toEqual(['machine', 'machine', 'firewall'])
    expect(standin.servers.size).toBe(0)
    expect(standin.firewalls.size).toBe(0)
  })
})
