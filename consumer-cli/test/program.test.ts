import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { type CommandName, createProgram, type Invoke } from '../src/cli.js'
import type { GlobalFlags } from '../src/config.js'
import { chain, parties } from './support/chain.js'
import { EXAMPLE_SPEC, json, runBin, runMain, tempDir } from './support/cli.js'

/** Parses argv with an invoke that records instead of running (commander wiring only). */
async function parse(...args: string[]): Promise<{ name: CommandName; options: unknown; flags: GlobalFlags }> {
  let seen: { name: CommandName; options: unknown; flags: GlobalFlags } | undefined
  const invoke: Invoke = async (name, options, flags) => {
    seen = { name, options, flags }
  }
  await createProgram(invoke, () => undefined).parseAsync(['node', 'synkti', ...args])
  if (seen === undefined) throw new Error('no command ran')
  return seen
}

const lease = Keypair.generate().publicKey
// the global flags' values are checked with the rest of the command line: real peer ids
const PEER_A = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
const PEER_B = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const provider = Keypair.generate().publicKey.toBase58()

describe('command line', () => {
  it('global options work before or after the command, with Solana CLI defaults', async () => {
    const before = await parse('-u', 'devnet', '--json', 'job', 'stop', lease.toBase58())
    const after = await parse('job', 'stop', lease.toBase58(), '-u', 'devnet', '--json')
    expect(before.flags).toMatchObject({ url: 'devnet', json: true, keypair: '~/.config/solana/id.json' })
    expect(after.flags).toMatchObject({ url: 'devnet', json: true })
    expect(after.options).toEqual({ lease })
    expect((await parse('doctor')).flags).toMatchObject({ url: 'localnet' })
  })

  it('parses each command into typed options', async () => {
    expect(await parse('providers', '--gpu', 'H100', '--region', 'eu-central', '--min-vram', '40')).toMatchObject({
      name: 'providers',
      options: { gpu: 'H100', region: 'eu-central', minVramGb: 40 },
    })
    expect(
      await parse('job', 'run', 'spec.yaml', '--provider', provider, '--deposit', '1_000', '--wait'),
    ).toMatchObject({ name: 'job run', options: { spec: 'spec.yaml', provider, deposit: 1_000n, wait: true } })
    expect((await parse('job', 'run', 'spec.yaml')).options).toEqual({ spec: 'spec.yaml', wait: false })
    expect((await parse('job', 'logs', lease.toBase58(), '-f')).options).toEqual({ lease, follow: true })
    expect((await parse('job', 'top-up', lease.toBase58(), '--amount', '5')).options).toEqual({ lease, amount: 5n })
    expect((await parse('dispute', 'open', lease.toBase58(), '--reason', 'no output')).options).toEqual({
      lease,
      reason: 'no output',
    })
    expect((await parse('lease', 'list', '--market', provider)).flags.market).toBe(provider)
    expect(await parse('providers', '--for', 'spec.yaml', '--min-stake', '2_000_000')).toMatchObject({
      name: 'providers',
      options: { for: 'spec.yaml', minStake: 2_000_000n },
    })
    expect(await parse('market', 'prices', '--gpu', 'H100', '--region', 'eu-central')).toMatchObject({
      name: 'market prices',
      options: { gpu: 'H100', region: 'eu-central' },
    })
    expect((await parse('market', 'prices')).options).toEqual({})
    expect(
      (await parse('doctor', '--bootstrap', `/ip4/127.0.0.1/tcp/1/p2p/${PEER_A}`, `/ip4/127.0.0.1/tcp/2/p2p/${PEER_B}`))
        .flags.bootstrap,
    ).toEqual([`/ip4/127.0.0.1/tcp/1/p2p/${PEER_A}`, `/ip4/127.0.0.1/tcp/2/p2p/${PEER_B}`])
  })

  it('bad flags and arguments are named usage errors (exit 2) with a remedy', async () => {
    const unknown = await runMain(['providers', '--gpus', 'H100'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^error UsageError: unknown option '--gpus'/)
    expect(unknown.stderr).toContain('remedy: see synkti providers --help')
    const missing = await runMain(['job', 'top-up', lease.toBase58()])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("required option '--amount <amount>' not specified")
    const amount = await runMain(['job', 'top-up', lease.toBase58(), '--amount', '1.5', '--json'])
    expect(amount.code).toBe(2)
    expect(json(amount).error).toMatchObject({ name: 'InvalidAmountError' })
    const id = await runMain(['job', 'stop', 'not-a-lease'])
    expect(id.code).toBe(2)
    expect(id.stderr).toContain('error InvalidAddressError: job id "not-a-lease" is not a base58 Solana address')
    const url = await runMain(['lease', 'list', '-u', 'devnett'])
    expect(url.code).toBe(2)
    expect(url.stderr).toContain('error InvalidUrlError')
    expect((await runMain(['--help'])).code).toBe(0)
  })

  it('providers --for and market prices name each bad option', async () => {
    const both = await runMain(['providers', '--for', 'spec.yaml', '--gpu', 'H100', '--json'])
    expect(both.code).toBe(2)
    expect(json(both).error).toMatchObject({
      name: 'ConflictingOptionsError',
      message: '--gpu cannot go with --for: the spec says what the job needs',
      remedy: 'see synkti providers --help',
    })
    const alone = await runMain(['providers', '--min-stake', '5'])
    expect(alone.code).toBe(2)
    expect(alone.stderr).toMatch(/^error ConflictingOptionsError: --min-stake needs --for <spec>$/m)
    const stake = await runMain(['providers', '--for', 'spec.yaml', '--min-stake', '-1', '--json'])
    expect(json(stake).error?.name).toBe('InvalidAmountError')
    for (const args of [
      ['market', 'prices', '--gpu', ''],
      ['market', 'prices', '--region', ' eu-central'],
      ['providers', '--gpu', 'x'.repeat(65)],
    ]) {
      const bad = await runMain([...args, '--json'])
      expect(bad.code, args.join(' ')).toBe(2)
      expect(json(bad).error?.name).toBe('InvalidFilterError')
    }
    // the spec is read before any network: a missing one is named at once
    const market = Keypair.generate().publicKey.toBase58()
    const missing = await runMain(['providers', '--for', '/nope/spec.yaml', '--market', market])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(/^error SpecFileNotFoundError: job spec \/nope\/spec.yaml does not exist/)
  })

  it('commands that need a market or peers say so by name', async () => {
    const dir = await tempDir()
    const noMarket = await runMain(['providers', '--json'])
    expect(noMarket.code).toBe(2)
    expect(json(noMarket).error?.name).toBe('MarketNotSetError')
    const market = (await parties.market()).key.toBase58()
    const url = ['-u', chain.rpcUrl]
    const noPeers = await runMain(['providers', ...url, '--market', market, '-k', join(dir, 'none.json')])
    expect(noPeers.code).toBe(2)
    expect(noPeers.stderr).toContain('error NoBootstrapError')
    expect(noPeers.stderr).toContain('remedy: pass --bootstrap <multiaddr...> or export SYNKTI_BOOTSTRAP')
    const peer = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
    const bootstrap = ['--bootstrap', `/ip4/127.0.0.1/tcp/9/p2p/${peer}`]
    const closed = await runMain(['providers', '--json', ...url, '--market', market, ...bootstrap])
    expect(closed.code).toBe(5)
    expect(json(closed).error).toMatchObject({
      name: 'PeersUnreachableError',
      message: 'none of the 1 bootstrap peer(s) answered',
    })
  })

  it('a --market that is no market on the cluster is MarketNotFoundError (exit 4), never an empty market', async () => {
    const wrong = Keypair.generate().publicKey.toBase58()
    const url = ['-u', chain.rpcUrl, '--market', wrong]
    const peer = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
    const bootstrap = ['--bootstrap', `/ip4/127.0.0.1/tcp/9/p2p/${peer}`]
    const dir = await tempDir()
    const wallet = join(dir, 'id.json')
    await writeFile(wallet, JSON.stringify(Array.from(Keypair.generate().secretKey)))
    for (const args of [
      ['providers'],
      ['providers', '--for', EXAMPLE_SPEC],
      ['market', 'prices'],
      ['job', 'run', EXAMPLE_SPEC, '-k', wallet],
      ['lease', 'list', '-k', wallet],
    ]) {
      // checked before any peer is asked: the bootstrap peer here answers nobody
      const ran = await runMain([...args, ...url, ...bootstrap, '--json'])
      expect(ran.code, args.join(' ')).toBe(4)
      expect(json(ran).error, args.join(' ')).toEqual({
        name: 'MarketNotFoundError',
        message: `no market ${wrong} on the cluster at ${chain.rpcUrl}: there is no account at that address`,
        remedy:
          "check --market (or SYNKTI_MARKET) and the cluster (-u): npm run deploy prints the market's address; a local chain started afresh has none until npm run deploy -- --url localnet --create-mints",
      })
    }
  })
})

describe('job spec through the CLI', () => {
  it('a bad field is an InvalidJobSpecError naming the file and the field path (exit 3)', async () => {
    const dir = await tempDir()
    const path = join(dir, 'bad.yaml')
    const example = await import('node:fs/promises').then((fs) => fs.readFile(EXAMPLE_SPEC, 'utf8'))
    await writeFile(path, example.replace('vramGb: 16', 'vramGb: -16').replace('count: 1', 'count: 0'))
    const ran = await runMain(['job', 'run', path])
    expect(ran.code).toBe(3)
    const lines = ran.stderr.trim().split('\n')
    expect(lines[0]).toBe(`error InvalidJobSpecError: ${path} is not a valid job spec (2 problem(s))`)
    expect(lines.some((l) => l.startsWith('  model.vramGb: '))).toBe(true)
    expect(lines.some((l) => l.startsWith('  gpus.count: '))).toBe(true)
    expect(lines.at(-1)).toMatch(/^remedy: fix the fields listed/)
    const asJson = json(await runMain(['job', 'run', path, '--json']))
    expect((asJson.error as unknown as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual([
      'gpus.count',
      'model.vramGb',
    ])
  })

  it('YAML that does not parse is reported with its line and column', async () => {
    const dir = await tempDir()
    const path = join(dir, 'broken.yaml')
    await writeFile(path, 'version: 1\nname: x\nrun: [command\nmodel: {}\n')
    const ran = await runMain(['job', 'run', path])
    expect(ran.code).toBe(3)
    expect(ran.stderr).toMatch(/\(document\): not YAML: .* at line \d+, column \d+/)
  })

  it('a missing spec file is SpecFileNotFoundError', async () => {
    const ran = await runMain(['job', 'run', '/nonexistent/spec.yaml', '--json'])
    expect(ran.code).toBe(3)
    expect(json(ran).error).toMatchObject({ name: 'SpecFileNotFoundError' })
  })

  it('the real binary exits with the same code and prints no stack trace', async () => {
    const dir = await tempDir()
    const path = join(dir, 'bad.yaml')
    await writeFile(path, 'version: 2\n')
    const ran = await runBin(['job', 'run', path])
    expect(ran.code).toBe(3)
    expect(ran.stderr).toMatch(/^error InvalidJobSpecError: /)
    expect(ran.stderr).not.toContain('    at ')
    expect(ran.stdout).toBe('')
  })
})
