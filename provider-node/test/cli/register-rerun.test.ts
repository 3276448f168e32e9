// Attacks on re-running `synkti-provider register` (issue 19, item 4), on localnet: each one a
// way the second run used to go wrong — another key, the user's own wallet, a new price or
// region that never reached the chain, an allow list wiped, a region the chain cannot hold.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Keypair, PublicKey } from '@solana/web3.js'
import { providerAddress } from '@synkti/market'
import { beforeAll, describe, expect, it } from 'vitest'
import { chain, client, type MarketFx, parties } from '../support/chain.js'
import { type InProcessCli, inProcessCli } from './in-process.js'

let h: InProcessCli
let m: MarketFx

beforeAll(async () => {
  h = await inProcessCli()
  m = await parties.market()
}, 120_000)

const exists = (address: PublicKey) => client.connection.getAccountInfo(address).then((info) => info !== null)

const readConfig = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>

/** An operator with SOL and stake tokens, its key in a file; register's flags for it. */
async function operatorFixture(name: string) {
  const operator = await parties.funded(1)
  await Promise.all([
    parties.tokenAccount(m, operator.publicKey, m.mint, 0n),
    parties.tokenAccount(m, operator.publicKey, m.stakeMint, 5_000_000n),
  ])
  const dir = join(h.home, name)
  const keypair = await h.writeKeypair(join(dir, 'operator.json'), operator)
  const config = join(dir, 'provider.json')
  const flags = (over: Record<string, string | undefined> = {}) => {
    const values: Record<string, string | undefined> = {
      '--market': m.key.toBase58(),
      '--stake': '1500000',
      '--price': '900',
      '--gpu': 'L4',
      '--vram': '24',
      '--region': 'eu-central',
      '--cloud': 'hetzner',
      ...over,
    }
    return Object.entries(values).flatMap(([k, v]) => (v === undefined ? [] : [k, v]))
  }
  return { operator, keypair, config, flags, provider: providerAddress(m.key, operator.publicKey, 0) }
}

/** "The consumer's wallet" at ~/.config/solana/id.json, funded as a consumer's is (SOL, payment tokens). */
async function consumerWalletAtDefaultPath(): Promise<Keypair> {
  const consumer = await parties.funded(2)
  await parties.tokenAccount(m, consumer.publicKey, m.mint, 1_000_000n)
  await h.writeKeypair(h.defaultKeypair, consumer)
  return consumer
}

describe('register, run again', { timeout: 120_000 }, () => {
  it("without -k uses the config's key: it never registers the wallet at ~/.config/solana/id.json", async () => {
    const f = await operatorFixture('no-k')
    const consumer = await consumerWalletAtDefaultPath()
    const first = await h.cli(['register', '-u', chain.rpcUrl, '-k', f.keypair, '-c', f.config, ...f.flags()])
    expect(first.code, JSON.stringify(first.json)).toBe(0)
    const again = await h.cli(['register', '-u', chain.rpcUrl, '-c', f.config, ...f.flags()])
    expect(again.code, JSON.stringify(again.json)).toBe(0)
    expect(again.json).toMatchObject({ provider: f.provider.toBase58(), registered: 'already' })
    expect(await exists(providerAddress(m.key, consumer.publicKey, 0))).toBe(false)
    expect(await readConfig(f.config)).toMatchObject({ keypair: f.keypair, provider: f.provider.toBase58() })
    expect((await client.fetchProvider(f.provider)).operator.toBase58()).toBe(f.operator.publicKey.toBase58())
  })

  it('refuses to register another key over an existing config, and leaves both alone', async () => {
    const f = await operatorFixture('other-key')
    expect((await h.cli(['register', '-u', chain.rpcUrl, '-k', f.keypair, '-c', f.config, ...f.flags()])).code).toBe(0)
    const before = await readFile(f.config, 'utf8')
    const other = await parties.funded(1)
    await parties.tokenAccount(m, other.publicKey, m.mint, 0n)
    const otherPath = await h.writeKeypair(join(h.home, 'other-key', 'other.json'), other)
    const refused = await h.cli(['register', '-u', chain.rpcUrl, '-k', otherPath, '-c', f.config, ...f.flags()])
    expect(refused).toMatchObject({
      code: 3,
      json: { error: { name: 'ConfigBelongsToOtherProviderError', remedy: expect.stringContaining('-c') } },
    })
    expect(String((refused.json.error as { message: string }).message)).toContain(f.operator.publicKey.toBase58())
    expect(await readFile(f.config, 'utf8')).toBe(before)
    expect(await exists(providerAddress(m.key, other.publicKey, 0))).toBe(false)
  })

  it('brings a changed price, region and capabilities to the chain (update_provider), not only to the config', async () => {
    const f = await operatorFixture('changed')
    expect((await h.cli(['register', '-u', chain.rpcUrl, '-k', f.keypair, '-c', f.config, ...f.flags()])).code).toBe(0)
    const again = await h.cli([
      'register',
      '-c',
      f.config,
      ...f.flags({ '--price': '1200', '--region': 'eu-west', '--vram': '48' }),
    ])
    expect(again.code, JSON.stringify(again.json)).toBe(0)
    expect(again.json).toMatchObject({ registered: 'already', updated: expect.arrayContaining(['pricePerSecond']) })
    const onChain = await client.fetchProvider(f.provider)
    expect(onChain.pricePerSecond).toBe(1200n)
    expect(onChain.capabilities).toMatchObject({ region: 'eu-west', zone: 'eu-west', vramGb: 48, cloud: 'hetzner' })
    expect(await readConfig(f.config)).toMatchObject({
      pricePerSecond: '1200',
      capability: { region: 'eu-west', gpu: { vramGb: 48 }, cloud: 'hetzner' },
    })
  })

  it('keeps the allow list and other node settings when their flags are left out', async () => {
    const f = await operatorFixture('allow')
    const first = await h.cli([
      'register',
      '-u',
      chain.rpcUrl,
      '-k',
      f.keypair,
      '-c',
      f.config,
      ...f.flags(),
      '--allow-command',
      'node',
      'python3',
      '--api-port',
      '7171',
      '--spot',
      '--runtime',
      'process',
      'container',
    ])
    expect(first.code, JSON.stringify(first.json)).toBe(0)
    expect((await h.cli(['register', '-c', f.config, ...f.flags({ '--stake': '1600000' })])).code).toBe(0)
    expect(await readConfig(f.config)).toMatchObject({
      allowCommands: ['node', 'python3'],
      api: { port: 7171 },
      capability: { spot: true, runtimes: ['process', 'container'], cloud: 'hetzner' },
    })
    expect((await client.fetchProvider(f.provider)).capabilities.spot).toBe(true)
    // asked for: replaced, or emptied
    await h.cli(['register', '-c', f.config, ...f.flags(), '--allow-command', 'vllm'])
    expect((await readConfig(f.config)).allowCommands).toEqual(['vllm'])
    await h.cli(['register', '-c', f.config, ...f.flags(), '--no-allow-command'])
    expect((await readConfig(f.config)).allowCommands).toEqual([])
  })

  it('refuses a region (or zone, GPU label) the chain cannot hold before anything is sent or written', async () => {
    const f = await operatorFixture('region')
    for (const region of ['eu central', 'x'.repeat(33), '', 'eu/central']) {
      const refused = await h.cli([
        'register',
        '-u',
        chain.rpcUrl,
        '-k',
        f.keypair,
        '-c',
        f.config,
        ...f.flags({ '--region': region }),
      ])
      expect(refused, region).toMatchObject({
        code: 3,
        json: { error: { name: 'InvalidCliValueError', message: expect.stringContaining('--region') } },
      })
    }
    expect(await exists(f.provider)).toBe(false)
    await expect(readFile(f.config, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' })
    const zone = await h.cli(['register', '-k', f.keypair, '-c', f.config, ...f.flags({ '--zone': 'a b' })])
    expect(zone.json).toMatchObject({
      error: { name: 'InvalidCliValueError', message: expect.stringContaining('--zone') },
    })
  })

  it('refuses before the first transaction: stake below the minimum, an authority without the stake tokens', async () => {
    const f = await operatorFixture('refusals')
    const below = await h.cli([
      'register',
      '-u',
      chain.rpcUrl,
      '-k',
      f.keypair,
      '-c',
      f.config,
      ...f.flags({ '--stake': '999999' }),
    ])
    expect(below).toMatchObject({
      code: 3,
      json: { error: { name: 'StakeBelowMinimumError', remedy: 'pass --stake 1000000 or more' } },
    })
    const poor = await h.cli([
      'register',
      '-u',
      chain.rpcUrl,
      '-k',
      f.keypair,
      '-c',
      f.config,
      ...f.flags({ '--stake': '6000000' }),
    ])
    expect(poor).toMatchObject({
      code: 3,
      json: {
        error: {
          name: 'StakeTokensMissingError',
          remedy: expect.stringContaining(
            `npm run localnet -- faucet --to ${f.operator.publicKey.toBase58()} --stake 1000000`,
          ),
        },
      },
    })
    // nothing half done: no provider, no config
    expect(await exists(f.provider)).toBe(false)
    await expect(readFile(f.config, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
