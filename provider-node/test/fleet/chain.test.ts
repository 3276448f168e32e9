import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { Keypair, PublicKey } from '@solana/web3.js'
import { operatorIndexAddress, parseKeypair, providerAddress } from '@synkti/market'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunningTool } from '../../../packages/cloud/test/support/tools.js'
import type { FleetDownResult, FleetListResult, FleetUpResult } from '../../src/fleet/index.js'
import { client, parties } from '../support/chain.js'
import {
  awsAt,
  cli,
  type FleetChainFx,
  fleetChain,
  fleetUpArgs,
  motoInstances,
  startMoto,
  startRecorder,
  stubAwsCredentials,
} from './support.js'

/**
 * `fleet up|ls|down` on both sides: moto for the machines, the test localnet for the accounts.
 * Every worker gets its own operator key and its own provider account under the deployer's
 * authority; `ls` joins each machine to its account; `down` leaves the accounts (or pauses them).
 */

let clusters = 0
const newCluster = () => `chain-${process.pid}-${++clusters}`

let moto: RunningTool
let recorder: Awaited<ReturnType<typeof startRecorder>>
beforeAll(async () => {
  ;[moto, recorder] = await Promise.all([startMoto(), startRecorder()])
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

const KEY_COMMAND =
  'fetch-key --name /synkti/{cluster}/operator-{index} --expect {operator} > /etc/synkti/operator.json'

async function up(fx: FleetChainFx, cluster: string, count: number, ...more: string[]): Promise<FleetUpResult> {
  const run = await cli(fleetUpArgs({ config: fx.config, endpoint: moto.url, cluster, count }, ...more))
  if (run.error !== undefined) throw run.error
  return run.json<FleetUpResult>()
}

async function ls(fx: FleetChainFx, cluster: string): Promise<FleetListResult> {
  const run = await cli(['-c', fx.config, '--json', 'fleet', 'ls', ...awsAt(cluster, moto.url)])
  if (run.error !== undefined) throw run.error
  return run.json<FleetListResult>()
}

async function down(fx: FleetChainFx, cluster: string, ...more: string[]): Promise<FleetDownResult> {
  const run = await cli(['-c', fx.config, '--json', 'fleet', 'down', ...awsAt(cluster, moto.url), ...more])
  if (run.error !== undefined) throw run.error
  return run.json<FleetDownResult>()
}

const providerOf = (fx: FleetChainFx, index: number) =>
  client.fetchProvider(providerAddress(fx.market.key, fx.authority.publicKey, index))

/** The operator keys on disk, by index (the public halves). */
function keyFiles(fx: FleetChainFx, cluster: string): Map<number, string> {
  const dir = fx.keyDir(cluster)
  return new Map(
    readdirSync(dir).map((name) => [
      Number(/^operator-(\d+)\.json$/.exec(name)?.[1]),
      parseKeypair(name, readFileSync(join(dir, name), 'utf8')).publicKey.toBase58(),
    ]),
  )
}

const byIndex = <T extends { index: number | null }>(rows: readonly T[]) =>
  [...rows].sort((a, b) => (a.index ?? -1) - (b.index ?? -1))

describe('fleet up: one operator key and one provider account per machine', () => {
  it('N machines get N distinct operators and N staked providers under one authority; user data and names carry them', async () => {
    const fx = await fleetChain()
    const cluster = newCluster()
    const result = await up(fx, cluster, 3, '--spot', '--key-command', KEY_COMMAND)
    expect(result.indexes).toEqual([0, 1, 2])
    expect(result.workers.map((w) => [w.index, w.account])).toEqual([
      [0, 'register'],
      [1, 'register'],
      [2, 'register'],
    ])
    const operators = result.workers.map((w) => w.operator)
    expect(new Set(operators).size).toBe(3)
    expect(result.chain?.authority).toBe(fx.authority.publicKey.toBase58())
    expect(result.chain?.actions.map((a) => a.kind)).toEqual([
      'create-payout-account',
      ...['register', 'fund-operator', 'deposit'],
      ...['register', 'fund-operator', 'deposit'],
      ...['register', 'fund-operator', 'deposit'],
    ])

    // the keys: one file each, 0600 in a 0700 directory, the same keys the accounts name
    const dir = fx.keyDir(cluster)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(readdirSync(dir).sort()).toEqual(['operator-0.json', 'operator-1.json', 'operator-2.json'])
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600)
    expect([...keyFiles(fx, cluster).entries()].sort()).toEqual(result.workers.map((w) => [w.index, w.operator]))

    for (const w of result.workers) {
      const p = await providerOf(fx, w.index)
      expect(p.address.toBase58()).toBe(w.provider)
      expect(p.authority.equals(fx.authority.publicKey)).toBe(true)
      expect(p.operator.toBase58()).toBe(w.operator)
      expect(p).toMatchObject({
        index: w.index,
        staked: fx.market.params.minStake,
        status: { kind: 'active' },
        pricePerSecond: 7n,
        capabilities: { gpuModel: 'A10G', gpuCount: 1, vramGb: 24, cloud: 'aws', spot: true },
      })
      const operator = new PublicKey(w.operator ?? '')
      expect(await client.connection.getAccountInfo(operatorIndexAddress(fx.market.key, operator))).not.toBeNull()
      // fee money for its node (the preflight wants 0.01 SOL on the operator key)
      expect(await client.connection.getBalance(operator)).toBe(50_000_000)
    }

    // each machine: its index in its name, its identity and its own key command in its user data, no key material
    const { instances, userData } = await motoInstances(moto.url, cluster)
    expect(instances).toHaveLength(3)
    const secrets = [0, 1, 2].map((i) => readFileSync(join(dir, `operator-${i}.json`), 'utf8'))
    const seen: number[] = []
    for (const i of instances) {
      const name = (i.Tags ?? []).find((t) => t.Key === 'Name')?.Value ?? ''
      const index = Number(/-worker-(\d+)-/.exec(name)?.[1])
      seen.push(index)
      const w = result.workers.find((x) => x.index === index)
      const script = await userData(i.InstanceId ?? '')
      expect(script).toContain(`# synkti:index=${index} synkti:provider=${w?.provider} synkti:operator=${w?.operator}`)
      expect(script).toContain(`"provider": "${w?.provider}"`)
      expect(script).toContain(
        `fetch-key --name /synkti/${cluster}/operator-${index} --expect ${w?.operator} > /etc/synkti/operator.json`,
      )
      for (const secret of secrets) expect(script).not.toContain(secret)
      expect(script).not.toMatch(/\[\s*\d+\s*,\s*\d+/)
    }
    expect(seen.sort()).toEqual([0, 1, 2])
    expect(result.created.map((m) => m.index).sort()).toEqual([0, 1, 2])
    await down(fx, cluster)
  })

  it('a re-run keeps each machine its index and key; new machines take the lowest free index, reusing the accounts of gone ones', async () => {
    const fx = await fleetChain()
    const cluster = newCluster()
    const first = await up(fx, cluster, 2)
    const keys = keyFiles(fx, cluster)
    const second = await up(fx, cluster, 3)
    expect(byIndex(second.kept).map((m) => m.index)).toEqual([0, 1])
    expect(second.indexes).toEqual([2])
    expect(second.workers.map((w) => [w.index, w.account, w.operator])).toEqual([
      [0, 'keep', first.workers[0]?.operator],
      [1, 'keep', first.workers[1]?.operator],
      [2, 'register', expect.any(String)],
    ])
    expect(second.chain?.actions.map((a) => [a.kind, 'index' in a ? a.index : null])).toEqual([
      ['register', 2],
      ['fund-operator', 2],
      ['deposit', 2],
    ])
    // the old keys untouched, one new
    const after = keyFiles(fx, cluster)
    expect([0, 1].map((i) => after.get(i))).toEqual([0, 1].map((i) => keys.get(i)))
    expect(after.size).toBe(3)

    // machine 1 goes; the next up fills index 1 again with the same key and account (nothing to register or stake)
    const one = second.kept.find((m) => m.index === 1)?.id ?? ''
    await down(fx, cluster, '--id', one)
    const third = await up(fx, cluster, 3)
    expect(third.indexes).toEqual([1])
    expect(third.workers.find((w) => w.index === 1)).toMatchObject({
      account: 'reuse',
      operator: keys.get(1),
    })
    expect(third.chain?.actions).toEqual([])
    expect(keyFiles(fx, cluster).size).toBe(3)
    await down(fx, cluster)
  })

  it("skips indexes the authority already uses for other providers (the deployer's own, another cluster's)", async () => {
    const fx = await fleetChain()
    // index 0: the deployer's own provider, registered by `synkti-provider register` with another operator key
    await parties.provider(fx.market, 7n, fx.market.params.minStake, { authority: fx.authority, index: 0 })
    const a = newCluster()
    const b = newCluster()
    const ra = await up(fx, a, 2)
    expect(ra.indexes).toEqual([1, 2])
    const rb = await up(fx, b, 1)
    expect(rb.indexes).toEqual([3])
    expect(rb.workers[0]?.operator).not.toBe(ra.workers[0]?.operator)
    await down(fx, a)
    await down(fx, b)
  })

  it('a dry run shows the accounts it would make and writes no key, registers nothing, launches nothing', async () => {
    const fx = await fleetChain()
    const cluster = newCluster()
    const run = await cli([
      ...fleetUpArgs(
        { config: fx.config, endpoint: moto.url, cluster, count: 2 },
        '--dry-run',
        '--key-command',
        KEY_COMMAND,
      ),
    ])
    expect(run.error).toBeUndefined()
    const dry = run.json<FleetUpResult & { userData: string }>()
    expect(dry.workers.map((w) => [w.index, w.account, w.operator])).toEqual([
      [0, 'register', null],
      [1, 'register', null],
    ])
    expect(dry.chain?.actions.every((a) => a.signature === null)).toBe(true)
    expect(dry.userData).toContain(`--name /synkti/${cluster}/operator-0 --expect new-operator-0 >`)
    expect(() => readdirSync(fx.keyDir(cluster))).toThrow(/ENOENT/)
    await expect(providerOf(fx, 0)).rejects.toMatchObject({ name: 'AccountNotFoundError' })
    expect((await motoInstances(moto.url, cluster)).instances).toEqual([])
  })
})

describe('fleet ls and down: both sides', () => {
  it('ls joins each machine to its account; down leaves the accounts and says how to exit; --pause pauses; up reuses and resumes', async () => {
    const fx = await fleetChain()
    const cluster = newCluster()
    const made = await up(fx, cluster, 2)
    const listed = await ls(fx, cluster)
    expect(listed.chain).toMatchObject({ authority: fx.authority.publicKey.toBase58(), error: null })
    expect(listed.idle).toEqual([])
    expect(
      byIndex(listed.machines).map((m) => [
        m.state,
        m.index,
        m.provider?.status,
        m.provider?.operator,
        m.provider?.keyMatches,
      ]),
    ).toEqual(made.workers.map((w) => ['running', w.index, 'active', w.operator, true]))
    expect(listed.machines[0]?.provider).toMatchObject({
      staked: String(fx.market.params.minStake),
      openLeases: 0,
      pricePerSecond: '7',
    })
    const text = await cli(['-c', fx.config, 'fleet', 'ls', ...awsAt(cluster, moto.url)])
    const [header, ...rows] = text.stdout.trimEnd().split('\n')
    expect(header?.split(/\s+/)).toEqual([
      ...['ID', 'CLOUD', 'TYPE', 'STATE', 'SPOT', 'ZONE', 'AGE', 'INDEX'],
      ...['OPERATOR', 'PROVIDER', 'STAKED', 'LEASES', 'PRICE'],
    ])
    expect(rows.map((r) => r.split(/\s+/).slice(7)).sort()).toEqual(
      made.workers.map((w) => [
        String(w.index),
        `${w.operator?.slice(0, 4)}…${w.operator?.slice(-4)}`,
        'active',
        String(fx.market.params.minStake),
        '0',
        '7',
      ]),
    )

    // down: the machines go, the accounts stay (active, staked), and it says what they are and how to exit
    const gone = await down(fx, cluster)
    expect(gone.paused).toEqual([])
    expect(byIndex(gone.left).map((p) => [p.index, p.status])).toEqual([
      [0, 'active'],
      [1, 'active'],
    ])
    expect(gone.notice).toMatch(/fleet up` reuses them.*--pause.*begin_exit.*withdraw_stake/)
    expect((await providerOf(fx, 0)).status).toEqual({ kind: 'active' })
    const downText = await cli(['-c', fx.config, 'fleet', 'down', ...awsAt(cluster, moto.url)])
    expect(downText.stdout).toMatch(
      /^ {2}provider \w+ \(index 0\) stays on chain: active, staked \d+, 0 open lease\(s\)$/m,
    )
    expect(downText.stdout).toMatch(/^note: provider accounts stay on chain/m)

    // ls without machines: the idle accounts, one row each
    const idle = await ls(fx, cluster)
    expect(idle.machines).toEqual([])
    expect(idle.idle.map((p) => [p.index, p.status])).toEqual([
      [0, 'active'],
      [1, 'active'],
    ])

    // up again: the same indexes, keys and accounts; nothing to register or stake
    const again = await up(fx, cluster, 2)
    expect(again.workers.map((w) => [w.index, w.account, w.operator])).toEqual(
      made.workers.map((w) => [w.index, 'reuse', w.operator]),
    )
    expect(again.chain?.actions).toEqual([])

    // down --pause: each account paused (by its own operator key) before its machine goes
    const paused = await down(fx, cluster, '--pause')
    expect(paused.paused.map((p) => p.index).sort()).toEqual([0, 1])
    expect(byIndex(paused.left).map((p) => p.status)).toEqual(['paused', 'paused'])
    expect((await providerOf(fx, 1)).status).toEqual({ kind: 'paused' })
    // a second --pause has nothing left to pause
    expect((await down(fx, cluster, '--pause')).paused).toEqual([])

    // up resumes the account it reuses; the idle one stays paused
    const one = await up(fx, cluster, 1)
    expect(one.chain?.actions.map((a) => [a.kind, 'index' in a ? a.index : null])).toEqual([['resume', 0]])
    expect((await providerOf(fx, 0)).status).toEqual({ kind: 'active' })
    expect((await ls(fx, cluster)).idle.map((p) => [p.index, p.status])).toEqual([[1, 'paused']])
    await down(fx, cluster)
  })

  it('ls still shows the machines when the chain cannot be read, and says why', async () => {
    const fx = await fleetChain()
    const cluster = newCluster()
    await up(fx, cluster, 1)
    const run = await cli([
      ...['-c', fx.config, '-u', await closedRpc(), '--json', 'fleet', 'ls', ...awsAt(cluster, moto.url)],
    ])
    const r = run.json<FleetListResult>()
    expect(r.machines).toHaveLength(1)
    expect(r.machines[0]?.provider).toBeUndefined()
    expect(r.chain?.error).toMatchObject({ name: 'RpcUnreachableError' })
    await down(fx, cluster)
  })
})

/** An RPC URL nothing listens on. */
async function closedRpc(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

describe('observe first: chain problems are named before any cloud request', () => {
  const upAt = (fx: FleetChainFx, cluster: string, count: number, ...more: string[]) =>
    fleetUpArgs({ config: fx.config, endpoint: recorder.url, cluster, count }, ...more)

  it('an unreachable RPC, a missing authority, a market that does not exist, a stake below the minimum', async () => {
    const fx = await fleetChain()
    const rpc = await cli(['-u', await closedRpc(), ...upAt(fx, 'x', 1)])
    expect(rpc.error).toMatchObject({ name: 'RpcUnreachableError', remedy: expect.any(String) })

    const authority = await cli(upAt(fx, 'x', 1, '--authority', '/nonexistent/authority.json'))
    expect(authority.error).toMatchObject({
      name: 'FleetAuthorityMissingError',
      path: '/nonexistent/authority.json',
      remedy: expect.stringContaining('--authority'),
    })

    const other = await fleetChain({ stakeTokens: 0n, over: { market: Keypair.generate().publicKey.toBase58() } })
    const market = await cli(upAt(other, 'x', 1))
    expect(market.error).toMatchObject({ name: 'AccountNotFoundError', kind: 'Market' })

    const low = await cli(upAt(fx, 'x', 1, '--stake', '1'))
    expect(low.error).toMatchObject({ name: 'InvalidFleetTargetError', field: 'stake' })
    expect(recorder.requests).toEqual([])
  })

  it('too few stake tokens for N new providers: InsufficientStakeTokensError, and no key, account or machine', async () => {
    const fx = await fleetChain({ stakeTokens: 1_500_000n })
    const cluster = newCluster()
    const run = await cli(upAt(fx, cluster, 2))
    expect(run.error).toMatchObject({
      name: 'InsufficientStakeTokensError',
      needed: 2_000_000n,
      available: 1_500_000n,
      remedy: expect.stringContaining('500000'),
    })
    expect(recorder.requests).toEqual([])
    expect(() => readdirSync(fx.keyDir(cluster))).toThrow(/ENOENT/)
    await expect(providerOf(fx, 0)).rejects.toMatchObject({ name: 'AccountNotFoundError' })
  })

  it('a key command that fetches the same key for every worker, or names an unknown placeholder', async () => {
    const fx = await fleetChain()
    for (const [command, reason] of [
      ['aws ssm get-parameter --name /synkti/gpu-eu/operator > /etc/synkti/operator.json', /same one/],
      ['get /synkti/{cluster}/{machine} > /etc/synkti/operator.json', /\{machine\}/],
    ] as const) {
      const run = await cli(upAt(fx, 'x', 1, '--key-command', command))
      expect(run.error).toMatchObject({ name: 'InvalidKeyCommandError', reason: expect.stringMatching(reason) })
    }
    expect(recorder.requests).toEqual([])
  })

  it('down --pause with a chain it cannot reach destroys nothing', async () => {
    const fx = await fleetChain()
    const cluster = newCluster()
    await up(fx, cluster, 1)
    const run = await cli([
      ...['-c', fx.config, '-u', await closedRpc(), 'fleet', 'down', ...awsAt(cluster, moto.url), '--pause'],
    ])
    expect(run.error).toMatchObject({ name: 'RpcUnreachableError' })
    expect((await motoInstances(moto.url, cluster)).instances).toHaveLength(1)
    await down(fx, cluster)
  })
})
