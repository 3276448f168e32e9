/**
 * The whole preflight against the real localnet (test/global-setup.ts) and this machine's own
 * tools, with the PATH narrowed to what each case needs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair, type PublicKey, SystemProgram } from '@solana/web3.js'
import { MarketClient, serializeKeypair } from '@synkti/market'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  assertPreflight,
  type CheckId,
  type CheckStatus,
  formatDoctor,
  type PreflightEnv,
  type PreflightReport,
  parseOperation,
  runPreflight,
} from '../../src/preflight/index.js'
import { freePort } from '../../src/runtime/free-port.js'
import { client, type MarketFx, type ProviderFx, parties } from '../support/chain.js'
import { capability } from '../support/nodes.js'
import { requirement } from './fixtures.js'

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix))

function keypairFile(kp: Keypair): string {
  const path = join(tmp('op-'), 'operator.json')
  writeFileSync(path, serializeKeypair(kp))
  return path
}

/** A node on this machine: the `process` runtime is node itself, no nvidia-smi on the (empty) PATH. */
function envFor(market: PublicKey, operator: Keypair, edit: Partial<PreflightEnv> = {}): PreflightEnv {
  return {
    keypairPath: keypairFile(operator),
    market,
    client,
    peers: { connected: () => 1, bootstrap: 1 },
    runtimeCommand: process.execPath,
    declared: capability({ runtimes: ['process'] }),
    modelDir: tmp('models-'),
    path: tmp('path-'),
    timeoutMs: 5_000,
    ...edit,
  }
}

function statuses(report: PreflightReport): Partial<Record<CheckId, CheckStatus['kind']>> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status.kind]))
}

function check(report: PreflightReport, id: CheckId) {
  const found = report.checks.find((c) => c.id === id)
  if (found === undefined) throw new Error(`no ${id} check in ${report.operation}`)
  return found
}

/** The stand-in serves no real weights: a job of 0 GB on the `process` runtime. */
const standinJob = {
  requirement: requirement({ model: { name: 'synkti/standin-1', sizeGb: 0 } }),
  command: process.execPath,
}

describe('preflight on the localnet', () => {
  let m: MarketFx
  let p: ProviderFx
  beforeAll(async () => {
    ;({ m, p } = await parties.trio())
  })

  it('a registered, active, staked, funded operator is ready to start; GPU unverified without nvidia-smi', async () => {
    const report = await runPreflight('start', envFor(m.key, p.operator, { now: () => 1_700_000_000_000 }))
    expect(statuses(report)).toEqual({
      keypair: 'ok',
      rpc: 'ok',
      registered: 'ok',
      active: 'ok',
      stake: 'ok',
      sol: 'ok',
      peers: 'ok',
      runtime: 'ok',
      engine: 'ok',
      gpu: 'unverified',
      disk: 'ok',
    })
    expect(check(report, 'engine').observed).toMatch(/^auto → llamacpp: synkti-engine at .*; vllm not on PATH$/)
    expect(report).toMatchObject({ operation: 'start', ok: true, at: 1_700_000_000_000 })
    expect(check(report, 'registered').observed).toContain(p.key.toBase58())
    expect(check(report, 'sol').observed).toMatch(/= 1 SOL via http:\/\/127\.0\.0\.1:\d+/)
    // The provider address, when known, is read directly instead of searching the market.
    const direct = await assertPreflight('start', envFor(m.key, p.operator, { provider: p.key }))
    expect(check(direct, 'registered').status.kind).toBe('ok')
  })

  it('accepting a stand-in lease checks the job: runtime, GPU, disk, weights', async () => {
    const report = await runPreflight('accept-lease', envFor(m.key, p.operator), standinJob)
    expect(report.checks.map((c) => c.id)).toEqual([
      'keypair',
      'rpc',
      'registered',
      'active',
      'stake',
      'sol',
      'runtime',
      'gpu',
      'disk',
      'weights',
    ])
    expect(report.ok).toBe(true)
    expect(check(report, 'weights').observed).toContain('no weights')
  })

  it('an unregistered operator is told the register command with the market minimum; nothing starts', async () => {
    const stranger = await parties.funded(1)
    const env = envFor(m.key, stranger)
    const report = await runPreflight('start', env)
    expect(report.ok).toBe(false)
    const registered = check(report, 'registered')
    expect(registered.status).toEqual({
      kind: 'failed',
      remedy: `synkti-provider register --market ${m.key.toBase58()} --stake 1000000`,
    })
    expect(registered.observed).toContain(stranger.publicKey.toBase58())
    expect(statuses(report)).toMatchObject({ active: 'skipped', stake: 'skipped', sol: 'ok' })
    const err = await assertPreflight('start', env).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'PreflightFailedError', report: { operation: 'start', ok: false } })
    expect((err as { blocking: { id: string }[] }).blocking.map((c) => c.id)).toEqual(['registered', 'active', 'stake'])
    expect((err as Error).message).toContain('synkti-provider register')
  })

  it('the configured provider with another operator key is named, not mistaken for unregistered', async () => {
    const stranger = Keypair.generate()
    const env = envFor(m.key, stranger, { provider: p.key })
    const report = await runPreflight('start', env)
    expect(check(report, 'registered')).toMatchObject({
      observed: expect.stringContaining(`has operator ${p.operator.publicKey.toBase58()}`),
      status: { kind: 'failed', remedy: expect.stringContaining(`point --keypair (now ${env.keypairPath})`) },
    })
  })

  it('a paused provider is told to resume', async () => {
    const paused = await parties.provider(m, 1_000n, 1_000_000n)
    await client.pauseProvider({ signer: paused.operator, provider: paused.key })
    const report = await runPreflight('start', envFor(m.key, paused.operator))
    expect(check(report, 'active')).toMatchObject({
      observed: expect.stringContaining('status paused'),
      status: { kind: 'failed', remedy: 'synkti-provider resume' },
    })
    expect(report.ok).toBe(false)
  })

  it('stake below the market minimum asks for the difference', async () => {
    const low = await parties.provider(m, 1_000n, 400_000n)
    const report = await runPreflight('start', envFor(m.key, low.operator))
    expect(check(report, 'stake').status).toEqual({ kind: 'failed', remedy: 'synkti-provider stake --amount 600000' })
  })

  it('an operator with 0 SOL cannot pay fees: airdrop on the localnet', async () => {
    const broke = await parties.provider(m, 1_000n, 1_000_000n)
    const lamports = await client.connection.getBalance(broke.operator.publicKey)
    // Send everything but the fee away, leaving the operator at exactly 0.
    await client.send(
      [
        SystemProgram.transfer({
          fromPubkey: broke.operator.publicKey,
          toPubkey: broke.authority.publicKey,
          lamports: lamports - 5_000,
        }),
      ],
      [broke.operator],
    )
    const report = await runPreflight('start', envFor(m.key, broke.operator))
    const sol = check(report, 'sol')
    expect(sol.observed).toContain('= 0 SOL')
    expect(sol.status).toEqual({
      kind: 'failed',
      remedy: `npm run localnet -- faucet --url ${client.rpcUrl} --to ${broke.operator.publicKey.toBase58()} --sol 1`,
    })
  })

  it('taking over a lease with no peer connected fails on peers', async () => {
    const report = await runPreflight(
      'migrate',
      envFor(m.key, p.operator, { peers: { connected: () => 0, bootstrap: 0 } }),
      standinJob,
    )
    expect(check(report, 'peers').status.kind).toBe('failed')
    expect(report.ok).toBe(false)
  })

  it('a market that does not exist is named', async () => {
    const report = await runPreflight('start', envFor(Keypair.generate().publicKey, p.operator))
    expect(check(report, 'registered').observed).toContain('does not exist')
    expect(statuses(report)).toMatchObject({ registered: 'failed', active: 'skipped', stake: 'skipped' })
  })
})

describe('preflight without a chain', () => {
  it('an RPC on a closed port fails with the localnet command; chain items are skipped, not probed', async () => {
    const port = await freePort()
    const dead = new MarketClient({ rpcUrl: `http://127.0.0.1:${port}` })
    const report = await runPreflight(
      'start',
      envFor(Keypair.generate().publicKey, Keypair.generate(), { client: dead }),
    )
    expect(check(report, 'rpc')).toMatchObject({
      observed: `getVersion via http://127.0.0.1:${port}: ECONNREFUSED`,
      status: { kind: 'failed', remedy: `npm run localnet -- --port ${port}` },
    })
    expect(statuses(report)).toMatchObject({
      registered: 'skipped',
      active: 'skipped',
      stake: 'skipped',
      sol: 'skipped',
    })
    expect(check(report, 'sol').status).toEqual({ kind: 'skipped', because: 'rpc' })
  })

  it('an RPC that accepts and never answers costs the probe timeout, not a hang', async () => {
    const sockets: Socket[] = []
    const silent = createServer((s) => sockets.push(s))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as { port: number }
    try {
      const mute = new MarketClient({ rpcUrl: `http://127.0.0.1:${port}` })
      const env = envFor(Keypair.generate().publicKey, Keypair.generate(), { client: mute, timeoutMs: 300 })
      const report = await runPreflight('start', env)
      expect(check(report, 'rpc').observed).toBe(`getVersion via http://127.0.0.1:${port}: no answer within 300 ms`)
      expect(check(report, 'rpc').status.kind).toBe('failed')
    } finally {
      for (const s of sockets) s.destroy()
      silent.close()
    }
  })

  it('a missing keypair blocks every chain item behind it, with keygen as the fix', async () => {
    const env = envFor(Keypair.generate().publicKey, Keypair.generate())
    const missing = join(tmp('op-'), 'none.json')
    const report = await runPreflight('start', { ...env, keypairPath: missing })
    expect(check(report, 'keypair').status).toEqual({ kind: 'failed', remedy: `synkti-provider keygen -o ${missing}` })
    expect(statuses(report)).toMatchObject({ registered: 'skipped', sol: 'skipped' })
    expect(check(report, 'stake').status).toEqual({ kind: 'skipped', because: 'keypair' })
  })

  it('spawn checks only the machine; a missing runtime and a model that will not fit on disk block it', async () => {
    const env = envFor(Keypair.generate().publicKey, Keypair.generate(), {
      client: new MarketClient({ rpcUrl: `http://127.0.0.1:${await freePort()}` }),
      weightsSource: `http://127.0.0.1:${await freePort()}`,
    })
    const huge = requirement({ model: { name: 'org/huge', sizeGb: 1e9 } })
    const report = await runPreflight('spawn', env, { requirement: huge, command: 'no-such-inference-server' })
    expect(report.checks.map((c) => [c.id, c.status.kind])).toEqual([
      ['runtime', 'failed'],
      ['gpu', 'unverified'],
      ['disk', 'failed'],
      ['weights', 'failed'],
    ])
    expect(check(report, 'disk').observed).toContain('need 1000000000 GB (weights of org/huge)')
    expect(check(report, 'weights').status).toEqual({
      kind: 'failed',
      remedy: `huggingface-cli download org/huge --local-dir ${join(env.modelDir, 'org', 'huge')}`,
    })
  })

  it('lease operations need the job; operations are parsed by name', async () => {
    const env = envFor(Keypair.generate().publicKey, Keypair.generate())
    await expect(runPreflight(parseOperation('spawn'), env)).rejects.toMatchObject({
      name: 'MissingPreflightNeedsError',
    })
    expect(() => parseOperation('launch')).toThrow(expect.objectContaining({ name: 'InvalidPreflightOperationError' }))
  })
})

describe('doctor output', () => {
  it('one line per item with ✓ ✗ ? -, the fix under each failure, and the JSON form is the report', async () => {
    const port = await freePort()
    const env = envFor(Keypair.generate().publicKey, Keypair.generate(), {
      client: new MarketClient({ rpcUrl: `http://127.0.0.1:${port}` }),
      peers: undefined,
    })
    const report = await runPreflight('start', env)
    const text = formatDoctor(report)
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^✓ operator keypair readable: read .*operator\.json: operator \w+$/)
    expect(lines[1]).toBe(`✗ Solana RPC reachable: getVersion via http://127.0.0.1:${port}: ECONNREFUSED`)
    expect(lines[2]).toBe(`    fix: npm run localnet -- --port ${port}`)
    expect(lines[3]).toBe('- operator registered in the market: not checked: Solana RPC reachable failed')
    expect(text).toContain('? P2P peers reachable: no libp2p node in this process\n    unverified: ')
    expect(text).toContain('? GPU with the needed VRAM: nvidia-smi not found; declared 1× H100 80 GB')
    expect(lines.at(-1)).toBe('not ready to start: 1 item(s) to fix')
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })
})
