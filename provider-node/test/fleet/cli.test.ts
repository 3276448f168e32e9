import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startAemm } from '../../../packages/cloud/test/support/aemm.js'
import type { RunningTool } from '../../../packages/cloud/test/support/tools.js'
import type { FleetDownResult, FleetListResult, FleetUpResult } from '../../src/fleet/index.js'
import {
  awsAt,
  cli,
  configFile,
  fleetChain,
  fleetUpArgs,
  motoInstances,
  noAwsCredentials,
  REGION,
  startMoto,
  startRecorder,
  stubAwsCredentials,
} from './support.js'

const BIN = fileURLToPath(new URL('../../bin/synkti-provider.js', import.meta.url))
let clusters = 0
const newCluster = () => `fleet-${process.pid}-${++clusters}`

let moto: RunningTool
let recorder: Awaited<ReturnType<typeof startRecorder>>
let config: string

beforeAll(async () => {
  let fx: Awaited<ReturnType<typeof fleetChain>>
  ;[moto, recorder, fx] = await Promise.all([startMoto(), startRecorder(), fleetChain()])
  config = fx.config
})
afterAll(async () => {
  await Promise.all([moto?.stop(), recorder?.close()])
})
beforeEach(() => {
  stubAwsCredentials()
  recorder.requests.length = 0
})
afterEach(() => {
  vi.unstubAllEnvs()
})

const at = (cluster: string, endpoint = moto.url) => awsAt(cluster, endpoint)
const upArgs = (cluster: string, count: number, ...more: string[]) =>
  fleetUpArgs({ config, endpoint: moto.url, cluster, count }, ...more)

async function up(cluster: string, count: number, ...more: string[]): Promise<FleetUpResult> {
  const run = await cli(upArgs(cluster, count, ...more))
  if (run.error !== undefined) throw run.error
  return run.json<FleetUpResult>()
}

async function ls(cluster: string): Promise<FleetListResult> {
  const run = await cli(['--json', 'fleet', 'ls', ...at(cluster)])
  if (run.error !== undefined) throw run.error
  return run.json<FleetListResult>()
}

const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id).sort()

describe('fleet up / ls / down against moto', () => {
  it('up launches N spot workers tagged with the cluster, carrying the user data; ls lists exactly them', async () => {
    const cluster = newCluster()
    const result = await up(cluster, 2, '--spot')
    expect(result).toMatchObject({ cloud: 'aws', cluster, desired: 2, toCreate: 2, kept: [], dryRun: false })
    expect(result.created).toHaveLength(2)
    expect(result.created.every((m) => m.spot && m.type === 'g5.xlarge' && m.ageSec !== null)).toBe(true)
    expect(result.firewall).toMatchObject({ created: true, id: expect.stringMatching(/^sg-/) })
    expect(result.keyNotice).toContain('/etc/synkti/operator.json')

    const { instances, userData } = await motoInstances(moto.url, cluster)
    expect(ids(instances.map((i) => ({ id: i.InstanceId ?? '' })))).toEqual(ids(result.created))
    for (const i of instances) {
      const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key, t.Value]))
      expect(tags).toMatchObject({ 'synkti:cluster': cluster, 'synkti:role': 'worker' })
      expect(i.InstanceLifecycle).toBe('spot')
      expect(i.SecurityGroups?.map((g) => g.GroupId)).toEqual([result.firewall?.id])
      const script = await userData(i.InstanceId ?? '')
      expect(script).toContain('synkti-provider run --config /etc/synkti/provider.json')
      expect(script).toContain('"spot": true')
    }

    const listed = await ls(cluster)
    expect(ids(listed.machines)).toEqual(ids(result.created))
    const text = await cli(['fleet', 'ls', ...at(cluster)])
    const [header, ...lines] = text.stdout.trimEnd().split('\n')
    // no config given: the chain side is not shown, and ls says why
    expect(header).toMatch(/^ID\s+CLOUD\s+TYPE\s+STATE\s+SPOT\s+ZONE\s+AGE\s+INDEX$/)
    expect(lines.pop()).toMatch(/^chain: not shown \(NodeConfigMissingError: /)
    expect(lines.map((l) => l.split(/\s+/).slice(0, 5)).sort()).toEqual(
      ids(result.created).map((id) => [id, 'aws', 'g5.xlarge', 'running', 'spot']),
    )
    await cli(['fleet', 'down', ...at(cluster)])
  })

  it('up again reconciles: keeps what matches, launches the difference, reuses the firewall; --prune removes surplus', async () => {
    const cluster = newCluster()
    const first = await up(cluster, 1)
    const second = await up(cluster, 3)
    expect(ids(second.kept)).toEqual(ids(first.created))
    expect(second.created).toHaveLength(2)
    expect(second.firewall).toEqual({ id: first.firewall?.id, created: false })

    const dry = await up(cluster, 1, '--dry-run')
    expect(dry).toMatchObject({ dryRun: true, toCreate: 0, created: [] })
    expect(dry.extra.map((e) => [e.reason, e.destroyed])).toEqual([
      ['surplus', false],
      ['surplus', false],
    ])
    expect((dry as FleetUpResult & { userData: string }).userData).toMatch(/^#!\/bin\/bash/)
    expect((await ls(cluster)).machines).toHaveLength(3)
    const text = await cli(upArgs(cluster, 3, '--dry-run').filter((a) => a !== '--json'))
    expect(text.stdout.split('\n').slice(0, 2)).toEqual([
      `dry run: cluster ${cluster} on aws ${REGION}: 3 wanted, 3 kept, 0 would create`,
      `  firewall ${first.firewall?.id}`,
    ])
    expect(text.stdout).toMatch(/^note: the operator keys are not in the user data: provision each worker's key/m)
    expect(text.stdout).toMatch(/^user data:\n#!\/bin\/bash$/m)

    const pruned = await up(cluster, 1, '--prune')
    expect(pruned.extra.every((e) => e.destroyed)).toBe(true)
    const left = await ls(cluster)
    expect(ids(left.machines)).toEqual(ids(pruned.kept))
    expect(ids(left.machines).every((id) => !pruned.extra.some((e) => e.id === id))).toBe(true)
    await cli(['fleet', 'down', ...at(cluster)])
  })

  it("down destroys exactly the cluster's resources, says what, and leaves other clusters running", async () => {
    const mine = newCluster()
    const other = newCluster()
    const made = await up(mine, 2)
    const kept = await up(other, 1)

    const run = await cli(['--json', 'fleet', 'down', ...at(mine)])
    expect(run.error).toBeUndefined()
    const down = run.json<FleetDownResult>()
    expect(
      down.destroyed
        .filter((r) => r.kind === 'machine')
        .map((r) => r.id)
        .sort(),
    ).toEqual(ids(made.created))
    expect(down.destroyed.filter((r) => r.kind === 'firewall').map((r) => r.id)).toEqual([made.firewall?.id])
    expect((await motoInstances(moto.url, mine)).instances).toEqual([])
    expect((await motoInstances(moto.url, other)).instances.map((i) => i.InstanceId)).toEqual(ids(kept.created))

    const again = await cli(['fleet', 'down', ...at(mine)])
    expect(again.stdout).toBe(`cluster ${mine} on aws: nothing to destroy\n`)
    const empty = await cli(upArgs(mine, 0).filter((a) => a !== '--json'))
    expect(empty.stdout.split('\n').slice(0, 3)).toEqual([
      `cluster ${mine} on aws ${REGION}: 0 wanted, 0 kept, 0 created`,
      expect.stringMatching(/^ {2}chain: nothing to do \(authority \w+\)$/),
      expect.stringMatching(/^note: the operator keys are not in the user data/),
    ])
    expect((await motoInstances(moto.url, mine)).instances).toEqual([])
    await cli(['fleet', 'down', ...at(other)])
  })

  it("down --id destroys only that machine, and refuses another cluster's id before destroying anything", async () => {
    const mine = newCluster()
    const other = newCluster()
    const made = await up(mine, 2)
    const theirs = await up(other, 1)
    const [first, second] = ids(made.created)
    const foreign = ids(theirs.created)[0] ?? ''

    const refused = await cli(['fleet', 'down', ...at(mine), '--id', second ?? '', foreign])
    expect(refused.error).toMatchObject({ name: 'MachineNotFoundError', id: foreign, cluster: mine })
    expect((await ls(mine)).machines).toHaveLength(2)
    expect((await ls(other)).machines).toHaveLength(1)

    const run = await cli(['fleet', 'down', ...at(mine), '--id', first ?? ''])
    expect(run.stdout).toMatch(new RegExp(`^destroyed machine ${first} \\(g5.xlarge, was running, index \\d+\\)$`, 'm'))
    expect(ids((await ls(mine)).machines)).toEqual([second])
    await cli(['fleet', 'down', ...at(mine)])
    await cli(['fleet', 'down', ...at(other)])
  })
})

describe('observe first: nothing is sent when something is missing', () => {
  it('missing AWS credentials: MissingCredentialError with the remedy, and not one request', async () => {
    noAwsCredentials()
    for (const args of [
      upArgs('nocreds', 1).map((a) => (a === moto.url ? recorder.url : a)),
      ['fleet', 'ls', ...at('nocreds', recorder.url)],
      ['fleet', 'down', ...at('nocreds', recorder.url)],
    ]) {
      const run = await cli(args)
      expect(run.error).toMatchObject({
        name: 'MissingCredentialError',
        cloud: 'aws',
        remedy: expect.stringContaining('aws configure'),
      })
    }
    expect(recorder.requests).toEqual([])
  })

  it('missing HCLOUD_TOKEN or OVH keys: named, each missing variable listed, not one request', async () => {
    vi.stubEnv('HCLOUD_TOKEN', '')
    const hetzner = await cli(['fleet', 'ls', '--cloud', 'hetzner', '--endpoint', recorder.url])
    expect(hetzner.error).toMatchObject({ name: 'MissingCredentialError', missing: ['HCLOUD_TOKEN'] })
    expect(hetzner.error?.remedy).toContain('export HCLOUD_TOKEN')
    vi.stubEnv('OVH_APPLICATION_KEY', 'ak')
    for (const name of ['OVH_APPLICATION_SECRET', 'OVH_CONSUMER_KEY', 'OVH_CLOUD_PROJECT_SERVICE']) {
      vi.stubEnv(name, undefined)
    }
    const ovh = await cli(['fleet', 'ls', '--cloud', 'ovh', '--region', 'GRA11', '--endpoint', recorder.url])
    expect(ovh.error).toMatchObject({
      name: 'MissingCredentialError',
      missing: ['OVH_APPLICATION_SECRET', 'OVH_CONSUMER_KEY', 'OVH_CLOUD_PROJECT_SERVICE'],
    })
    expect(recorder.requests).toEqual([])
  })

  it('spot on Hetzner, a bad spot price, an unknown GPU type, a missing region, bad counts: named errors before any request', async () => {
    vi.stubEnv('HCLOUD_TOKEN', 'token')
    const base = ['-c', config, 'fleet', 'up', '--count', '1', '--image', 'ubuntu-24.04', '--context', 'workstation']
    const spot = await cli([
      ...base,
      '--cloud',
      'hetzner',
      '--region',
      'fsn1',
      '--instance-type',
      'cx22',
      '--gpu',
      'none',
      '--vram',
      '1',
      '--spot',
      '--endpoint',
      recorder.url,
    ])
    expect(spot.error).toMatchObject({ name: 'SpotUnavailableError', cloud: 'hetzner' })
    const gpu = await cli([...base, ...at('x', recorder.url), '--instance-type', 'm5.large'])
    expect(gpu.error).toMatchObject({ name: 'UnknownGpuInstanceTypeError', instanceType: 'm5.large' })
    vi.stubEnv('AWS_REGION', undefined)
    vi.stubEnv('AWS_DEFAULT_REGION', undefined)
    const region = await cli(['fleet', 'ls', '--endpoint', recorder.url])
    expect(region.error).toMatchObject({ name: 'MissingRegionError', remedy: expect.stringContaining('--region') })
    const count = await cli([...base, ...at('x', recorder.url), '--instance-type', 'g5.xlarge', '--count', '-1'])
    expect(count.error).toMatchObject({ name: 'InvalidCliValueError', option: '--count' })
    const price = await cli([...base, ...at('x', recorder.url), '--instance-type', 'g5.xlarge', '--max-price', '$1'])
    expect(price.error).toMatchObject({ name: 'InvalidPlanError', message: expect.stringContaining('0.55') })
    const gpus = await cli([
      ...base,
      ...at('x', recorder.url),
      '--instance-type',
      'm5.large',
      '--gpu',
      'T4',
      '--vram',
      '16',
      '--gpus',
      '0',
    ])
    expect(gpus.error).toMatchObject({ name: 'InvalidCliValueError', option: '--gpus' })
    expect(recorder.requests).toEqual([])
  })

  it('the binary prints the error name and remedy on stderr and exits with the input class (3)', () => {
    const env = noAwsCredentials()
    const child = spawnSync(process.execPath, [BIN, 'fleet', 'ls', ...at('nocreds', recorder.url)], {
      env,
      encoding: 'utf8',
    })
    expect(child.status).toBe(3)
    expect(child.stderr).toMatch(/^error MissingCredentialError: aws: missing/m)
    expect(child.stderr).toMatch(/^remedy: run `aws configure`/m)
    expect(recorder.requests).toEqual([])
  })
})

describe('a worker does not deploy more of itself', () => {
  let spotInstance: RunningTool
  beforeAll(async () => {
    spotInstance = await startAemm([], { 'instance-life-cycle': 'spot' })
  })
  afterAll(() => spotInstance?.stop())

  it('on an EC2 spot instance (IMDSv2 mock) up refuses with the remedy, sending nothing; --force deploys', async () => {
    const cluster = newCluster()
    const args = upArgs(cluster, 1)
      .filter((a, i, all) => a !== '--context' && all[i - 1] !== '--context')
      .concat('--imds-url', spotInstance.url)
    const refused = await cli(args.map((a) => (a === moto.url ? recorder.url : a)))
    expect(refused.error).toMatchObject({
      name: 'FleetUpOnWorkerError',
      reason: 'aws instance i-1234567890abcdef0: serves leases',
      remedy: expect.stringContaining('--force'),
    })
    expect(recorder.requests).toEqual([])

    const forced = await cli([...args, '--force'])
    expect(forced.error).toBeUndefined()
    expect(forced.json<FleetUpResult>().created).toHaveLength(1)
    await cli(['fleet', 'down', ...at(cluster)])
  })

  it('a config that says role worker refuses too, even on a workstation', async () => {
    const worker = configFile({ role: 'worker' })
    const run = await cli(upArgs('x', 1).map((a) => (a === config ? worker : a === moto.url ? recorder.url : a)))
    expect(run.error).toMatchObject({ name: 'FleetUpOnWorkerError', reason: '--role worker' })
    expect(recorder.requests).toEqual([])
  })
})
