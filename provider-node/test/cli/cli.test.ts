import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Keypair, PublicKey } from '@solana/web3.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadNodeConfig } from '../../src/node/config.js'
import { chain, client, type MarketFx, parties } from '../support/chain.js'
import { keypairFile } from '../support/nodes.js'

const BIN = fileURLToPath(new URL('../../bin/synkti-provider.js', import.meta.url))

async function cli(args: string[]): Promise<{ code: number | null; json: Record<string, unknown>; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const [code] = (await once(child, 'exit')) as [number | null]
  const last = stdout.trim().split('\n').at(-1) ?? '{}'
  return { code, json: JSON.parse(last) as Record<string, unknown>, stderr }
}

let m: MarketFx
let dir: string

beforeAll(async () => {
  m = await parties.market()
  dir = await mkdtemp(join(tmpdir(), 'synkti-cli-'))
}, 120_000)

// Each case runs the CLI as a child process (tsx start-up included): slow on a loaded machine.
describe('synkti-provider', { timeout: 240_000 }, () => {
  it('keygen writes a solana-keygen file once and never overwrites it', async () => {
    const path = join(dir, 'keygen', 'id.json')
    const first = await cli(['keygen', '-o', path])
    expect(first.code).toBe(0)
    const bytes = JSON.parse(await readFile(path, 'utf8')) as number[]
    expect(Keypair.fromSecretKey(Uint8Array.from(bytes)).publicKey.toBase58()).toBe(first.json.address)
    const again = await cli(['keygen', '-o', path])
    expect(again.code).toBe(3)
    expect(again.json).toMatchObject({ error: { name: 'KeypairExistsError', remedy: expect.any(String) } })
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(bytes)
  })

  it('register registers, stakes up to the target and writes the config; a second run changes nothing', async () => {
    const operator = await parties.funded(1)
    const authority = await parties.funded(1)
    await Promise.all([
      parties.tokenAccount(m, authority.publicKey, m.mint, 0n),
      parties.tokenAccount(m, authority.publicKey, m.stakeMint, 5_000_000n),
    ])
    const config = join(dir, 'node', 'provider.json')
    const args = [
      'register',
      '-u',
      chain.rpcUrl,
      '-k',
      await keypairFile(dir, 'operator', operator),
      '-a',
      await keypairFile(dir, 'authority', authority),
      '-c',
      config,
      '--market',
      m.key.toBase58(),
      '--stake',
      '1500000',
      '--price',
      '900',
      '--gpu',
      'L4',
      '--vram',
      '24',
      '--region',
      'eu-central',
      '--cloud',
      'hetzner',
      '--allow-command',
      'node',
    ]
    const first = await cli(args)
    expect(first.code, first.stderr).toBe(0)
    expect(first.json).toMatchObject({ registered: 'now', deposited: '1500000', staked: '1500000' })
    const provider = await client.fetchProvider(new PublicKey(String(first.json.provider)))
    expect(provider.operator.toBase58()).toBe(operator.publicKey.toBase58())
    expect(provider.capabilities).toMatchObject({ gpuModel: 'L4', vramGb: 24, cloud: 'hetzner', region: 'eu-central' })
    const written = await loadNodeConfig(config)
    expect(written).toMatchObject({ market: m.key.toBase58(), provider: first.json.provider, pricePerSecond: '900' })

    const second = await cli(args.map((a) => (a === '1500000' ? '2000000' : a)))
    expect(second.json).toMatchObject({ registered: 'already', deposited: '500000', staked: '2000000' })
    const third = await cli(args.map((a) => (a === '1500000' ? '2000000' : a)))
    expect(third.json).toMatchObject({ registered: 'already', deposited: '0', staked: '2000000' })

    // without a runtime on PATH the check fails with its remedy; with one (node, allowed above) it passes
    const doctor = await cli(['doctor', '-c', config])
    expect(doctor.code, JSON.stringify(doctor.json)).toBe(0)
    expect(doctor.json).toMatchObject({ operation: 'start', ok: true })

    const down = await cli(['doctor', '-c', config, '-u', 'http://127.0.0.1:9'])
    expect(down.code).toBe(7)
    const rpc = (down.json.checks as { id: string; status: { kind: string; remedy?: string } }[]).find(
      (c) => c.id === 'rpc',
    )
    expect(rpc?.status).toMatchObject({ kind: 'failed', remedy: expect.any(String) })
  })

  it('names bad input and a missing node', async () => {
    const badAmount = await cli([
      'register',
      '--market',
      m.key.toBase58(),
      '--stake',
      'ten',
      '--price',
      '1',
      '--gpu',
      'L4',
      '--vram',
      '24',
      '--region',
      'r',
      '-k',
      join(dir, 'operator.json'),
      '-c',
      join(dir, 'x.json'),
    ])
    expect(badAmount).toMatchObject({ code: 3, json: { error: { name: 'InvalidCliValueError' } } })
    const noConfig = await cli(['doctor', '-c', join(dir, 'absent.json')])
    expect(noConfig).toMatchObject({
      code: 3,
      json: { error: { name: 'NodeConfigMissingError', remedy: expect.any(String) } },
    })
    const noNode = await cli(['status', '-c', join(dir, 'node', 'provider.json')])
    expect(noNode).toMatchObject({ code: 5, json: { error: { name: 'NodeApiUnreachableError' } } })
    const missingKey = await cli([
      'stake',
      '--amount',
      '1',
      '-c',
      join(dir, 'node', 'provider.json'),
      '-k',
      join(dir, 'nope.json'),
    ])
    expect(missingKey).toMatchObject({ code: 3, json: { error: { name: 'KeypairFileMissingError' } } })
  })
})
