/**
 * `synkti job move` without a gateway, on localnet, against real SynktiNodes keyed by registered
 * operators: make-before-break (the new lease healthy before the old one closes), a new lease
 * that never gets healthy (closed again, the old one untouched), a spec the lease does not pay
 * for (refused before any lease). The move through a running gateway: test/gateway and tests/e2e.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { PublicKey } from '@solana/web3.js'
import type { SynktiNode } from '@synkti/p2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CommandName, createProgram, type Invoke } from '../src/cli.js'
import { readState } from '../src/gateway/state.js'
import { type ConsumerFx, chain, client, type MarketFx, type ProviderFx, parties } from './support/chain.js'
import { EXAMPLE_SPEC, json, keypairFile, runMain, tempDir } from './support/cli.js'
import { capability, jobView } from './support/fixtures.js'
import { type ScriptedProvider, startBootstrap, startProvider } from './support/peers.js'

let m: MarketFx
let a: ProviderFx
let b: ProviderFx
let c: ConsumerFx
let boot: { node: SynktiNode; address: string }
let peerA: ScriptedProvider
let peerB: ScriptedProvider
let health: Server
let healthUrl: string
let flags: string[]
let stateDir: string
/** how provider B's job turns out */
let bJob: 'healthy' | 'failed' = 'healthy'

const l4 = capability({ gpu: { model: 'L4', count: 1, vramGb: 24 }, region: 'eu-central' })

beforeAll(async () => {
  m = await parties.market()
  ;[a, b, c] = await Promise.all([
    parties.provider(m, 1_200n, 1_000_000n),
    parties.provider(m, 1_000n, 1_000_000n),
    parties.consumer(m, 20_000_000n),
  ])
  // the job's own health endpoint, as the consumer checks it before switching
  health = createServer((_req, res) => res.writeHead(200).end('ok'))
  await new Promise<void>((r) => health.listen(0, '127.0.0.1', () => r()))
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`
  const market = m.key.toBase58()
  boot = await startBootstrap()
  const serving = (who: ProviderFx, endpoint: string, state: () => 'healthy' | 'failed') => ({
    market,
    provider: who.key.toBase58(),
    capability: l4,
    pricePerSecond: who === a ? 1_200n : 1_000n,
    onJob: async (request: { lease: string; consumer: string }, peer: ScriptedProvider) => {
      await client.acceptLease({ operator: who.operator, lease: new PublicKey(request.lease) })
      const s = state()
      peer.jobs.set(
        request.lease,
        jobView(request.lease, {
          consumer: request.consumer,
          state: s,
          endpoint: s === 'healthy' ? endpoint : null,
          reason: s === 'failed' ? 'CUDA out of memory' : null,
        }),
      )
      return { accepted: true as const, jobId: request.lease }
    },
  })
  peerA = await startProvider(
    a.operator,
    boot.address,
    serving(a, healthUrl, () => 'healthy'),
  )
  peerB = await startProvider(
    b.operator,
    boot.address,
    serving(b, healthUrl, () => bJob),
  )
  stateDir = await tempDir()
  flags = ['-u', chain.rpcUrl, '-k', await keypairFile(c.kp), '--market', market, '--bootstrap', boot.address]
}, 120_000)

afterAll(async () => {
  await Promise.all([peerA, peerB].map((p) => p?.node.stop()))
  await boot?.node.stop()
  await new Promise<void>((r) => (health ? health.close(() => r()) : r()))
})

/** A job on provider A, as `synkti job run --wait` leaves it. */
async function runOnA(): Promise<string> {
  const ran = await runMain([
    'job',
    'run',
    EXAMPLE_SPEC,
    '--provider',
    a.key.toBase58(),
    '--deposit',
    '800000',
    '--wait',
    '--json',
    ...flags,
  ])
  expect(ran.code, ran.stdout).toBe(0)
  return String(json(ran).lease)
}

const move = (lease: string, ...args: string[]) =>
  runMain(['job', 'move', lease, '--spec', EXAMPLE_SPEC, '--state-dir', stateDir, ...args, '--json', ...flags])

describe('synkti job move (no gateway)', () => {
  it('a new lease that never gets healthy is closed again, and the old one serves on (MoveAbortedError)', async () => {
    const old = await runOnA()
    bJob = 'failed'
    const ran = await move(old, '--to', b.key.toBase58())
    expect(ran.code).toBe(6)
    const error = json(ran).error
    expect(error?.name).toBe('MoveAbortedError')
    const fresh = /the new lease (\S+) was closed/.exec(error?.message ?? '')?.[1] as string
    expect(error?.message).toBe(
      `the move of lease ${old} stopped at waiting: JobFailedError: job ${fresh} failed: CUDA out of memory; lease ${old} still serves (the new lease ${fresh} was closed)`,
    )
    expect((await client.fetchLease(new PublicKey(old))).status.kind).toBe('active')
    expect((await client.fetchLease(new PublicKey(fresh))).status.kind).toBe('ended')
    // nothing recorded as moved
    expect(await readState(stateDir, old)).toBeNull()
    await client.closeLease({ signer: c.kp, lease: new PublicKey(old) })
  })

  it('makes the new lease healthy first, then closes the old one; the move is left for a gateway to follow', async () => {
    const old = await runOnA()
    bJob = 'healthy'
    // no --to: the cheapest that fits, other than the provider it leaves (A is dearer anyway)
    const ran = await move(old)
    expect(ran.code, ran.stdout).toBe(0)
    const out = json(ran) as Record<string, unknown> & { steps: { kind: string; step?: string }[] }
    expect(out).toMatchObject({
      kind: 'job-move',
      from: old,
      provider: b.key.toBase58(),
      operator: b.operator.publicKey.toBase58(),
      pricePerSecond: '1000',
      deposit: '3600000',
      endpoint: healthUrl,
      gateway: null,
      old: { closed: true },
    })
    const fresh = String(out.lease)
    expect(out.steps.filter((s) => s.kind === 'move' && s.step !== undefined).map((s) => s.step)).toEqual(
      expect.arrayContaining(['choosing', 'opening', 'submitting', 'waiting', 'switching', 'closing-old']),
    )
    const order = out.steps.map((s) => s.step ?? s.kind)
    expect(order.indexOf('switching')).toBeLessThan(order.indexOf('closing-old'))
    expect(out.steps.at(-1)?.kind).toBe('moved')
    const [was, now] = await Promise.all([old, fresh].map((l) => client.fetchLease(new PublicKey(l))))
    expect(was?.status.kind).toBe('ended')
    expect(now?.status.kind).toBe('active')
    expect(now?.provider.toBase58()).toBe(b.key.toBase58())
    // the same job: the new lease pays for the same spec
    expect(Buffer.from(now?.jobSpecHash ?? [])).toEqual(Buffer.from(was?.jobSpecHash ?? []))
    expect(await readState(stateDir, old)).toMatchObject({ movedTo: fresh })
    expect(await readState(stateDir, fresh)).toMatchObject({ movedFrom: old, movedTo: null })

    // the lease it left says where the job went
    const again = await move(old)
    expect(again.code).toBe(2)
    expect(json(again).error).toMatchObject({
      name: 'LeaseAlreadyMovedError',
      remedy: `move the lease that serves the job now: synkti job move ${fresh} …`,
    })
    await client.closeLease({ signer: c.kp, lease: new PublicKey(fresh) })
  })

  it('a spec the lease does not pay for is refused before any lease is opened', async () => {
    const old = await runOnA()
    const other = join(await tempDir(), 'other.yaml')
    await writeFile(other, (await readFile(EXAMPLE_SPEC, 'utf8')).replace('name: llm-demo', 'name: llm-other'))
    const before = (await runMain(['lease', 'list', '--json', ...flags])).stdout
    const ran = await runMain(['job', 'move', old, '--spec', other, '--state-dir', stateDir, ...flags])
    expect(ran.code).toBe(3)
    expect(ran.stderr).toMatch(
      new RegExp(
        `^error JobSpecMismatchError: job spec ${other} hashes to [0-9a-f]{64}; lease ${old} pays for [0-9a-f]{64}$`,
        'm',
      ),
    )
    expect((await runMain(['lease', 'list', '--json', ...flags])).stdout).toBe(before)
    await client.closeLease({ signer: c.kp, lease: new PublicKey(old) })
  })
})

describe('command line of job move and gateway', () => {
  async function parse(...args: string[]): Promise<{ name: CommandName; options: unknown }> {
    let seen: { name: CommandName; options: unknown } | undefined
    const invoke: Invoke = async (name, options) => {
      seen = { name, options }
    }
    await createProgram(invoke, () => undefined).parseAsync(['node', 'synkti', ...args])
    if (seen === undefined) throw new Error('no command ran')
    return seen
  }

  it("parses job move and the gateway's --state-dir into typed options", async () => {
    const lease = new PublicKey(Buffer.alloc(32, 7))
    const to = new PublicKey(Buffer.alloc(32, 9)).toBase58()
    expect(
      await parse(
        'job',
        'move',
        lease.toBase58(),
        '--spec',
        's.yaml',
        '--to',
        to,
        '--deposit',
        '1_000',
        '--state-dir',
        '/s',
      ),
    ).toEqual({ name: 'job move', options: { lease, spec: 's.yaml', to, deposit: 1_000n, stateDir: '/s' } })
    expect((await parse('job', 'move', lease.toBase58(), '--spec', 's.yaml')).options).toEqual({
      lease,
      spec: 's.yaml',
    })
    expect((await parse('gateway', lease.toBase58(), '--state-dir', '/s')).options).toMatchObject({
      lease,
      stateDir: '/s',
    })
    await expect(parse('job', 'move', lease.toBase58())).rejects.toThrow(/--spec/)
    await expect(parse('job', 'move', lease.toBase58(), '--spec', 's', '--to', 'nope')).rejects.toMatchObject({
      name: 'InvalidAddressError',
    })
  })
})
